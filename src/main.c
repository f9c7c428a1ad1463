/* clustercheckd: wiring only. Pick the mode from how we were invoked,
 * load the configuration, hand over. */
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "bootstrapcmd.h"
#include "cfg.h"
#include "cli.h"
#include "daemon.h"
#include "ctl.h"
#include "dropin.h"
#include "log.h"
#include "notify.h"
#include "oneshot.h"

int main(int argc, char **argv)
{
	struct cli o = {0};
	struct cfg c;
	int rc;

	/* Subcommands that talk to a running agent, not run one. */
	if (argc > 1 && strcmp(argv[1], "ctl") == 0)
		return ctl_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "notify") == 0)
		return notify_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "recover") == 0)
		return recover_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "bootstrap") == 0)
		return bootstrap_main(argc - 1, argv + 1);
	/* Before anything else that reads arguments: clustercheck's positional
	 * form may carry a password on argv, which the drop-in scrubs at once.
	 * (ctl and notify above carry none, and would look positional.) */
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
		printf("configuration OK\n");
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	log_init(c.log, "clustercheckd");
	if (o.debug)
		log_set_level(7);
	if (mysql_library_init(0, NULL, NULL) != 0) {
		log_warnx("cannot initialise the MariaDB client library");
		return o.mode == MODE_CHECK ? ONESHOT_EXIT_UNKNOWN : 1;
	}
	if (o.mode == MODE_CHECK)
		rc = oneshot_check(&c, o.json, stdout);
	else
		rc = daemon_run(&c, &o);
	explicit_bzero(&c, sizeof c);
	mysql_library_end();
	return rc;
}
