/* clustercheckd: wiring only. Pick the mode from how we were invoked,
 * load the configuration, hand over. */
#include <stdio.h>

#include "cfg.h"
#include "cli.h"
#include "daemon.h"
#include "dropin.h"
#include "oneshot.h"

int main(int argc, char **argv)
{
	const struct cli_command *cmd;
	struct cli o = {0};
	struct cfg c;
	int rc;

	/* Subcommands that talk to a running agent, not run one. */
	if (argc > 1 && (cmd = cli_command_find(argv[1])) != NULL)
		return cmd->main(argc - 1, argv + 1);
	/* Before anything else that reads arguments: clustercheck's positional
	 * form may carry a password on argv, which the drop-in scrubs at once. */
	if (dropin_invoked(argc, argv))
		return dropin_main(argc, argv);
	if (cli_has_flag(argc, argv, "--inetd"))
		return oneshot_inetd_main(argc, argv);

	if (cli_parse(argc, argv, &o) != 0)
		return 2;
	if (cli_load_config(&c, &o, cli_report_to_stderr) != 0) {
		fprintf(stderr, "clustercheckd: configuration not usable\n");
		return o.mode == MODE_CHECK ? ONESHOT_EXIT_UNKNOWN : 1;
	}
	if (o.check_config) {
		if (cli_check_listen(&c, cli_report_to_stderr, NULL) != 0) {
			fprintf(stderr, "clustercheckd: configuration not usable\n");
			return 1;
		}
		printf("configuration OK\n");
		return 0;
	}
	oneshot_log(c.log, c.debug);
	if (oneshot_begin() != 0)
		return o.mode == MODE_CHECK ? ONESHOT_EXIT_UNKNOWN : 1;
	if (o.mode == MODE_CHECK)
		rc = oneshot_check(&c, o.json, stdout);
	else
		rc = daemon_run(&c, &o);
	oneshot_end(&c);
	return rc;
}
