/* The command line shared by every mode, and loading the configuration
 * with the command line's overrides on top. */
#ifndef CLUSTERCHECKD_CLI_H
#define CLUSTERCHECKD_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cfg.h"

enum cli_mode {
	MODE_DAEMON,
	MODE_INETD,  /* one connection on fds 0-2 (xinetd, systemd Accept=yes) */
	MODE_CHECK,  /* one probe, verdict on stdout, exit 0/1/2 */
};

/* What the command line set; re-applied over every (re)loaded file. */
struct cli {
	enum cli_mode mode;
	const char *config;
	const char *listen;
	const char *socket;
	const char *host;
	const char *user;
	long port;
	bool syslog;
	bool debug;
	bool check_config;
	bool json;      /* --check --json */
};

/* A subcommand: `clustercheckd <name> ...` runs main(argc - 1, argv + 1). */
struct cli_command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *synopsis;
	const char *help;
};
extern const struct cli_command cli_commands[]; /* ends with a NULL name */
const struct cli_command *cli_command_find(const char *name);

struct option;
/* The long options cli_parse knows (ends with a NULL name). */
const struct option *cli_options(void);

void cli_usage(FILE *out);
/* Returns 0, or -1 after printing why to stderr. May exit for --help and
 * --version. */
int cli_parse(int argc, char **argv, struct cli *o);
/* Whether `flag` appears before any "--": lets main take the inetd
 * connection off fds 0-2 before anything could print to them. */
bool cli_has_flag(int argc, char **argv, const char *flag);
/* Defaults, then the file, then the overrides. Returns the error count;
 * *c is only written when it is 0. */
int cli_load_config(struct cfg *c, const struct cli *o, cfg_report_fn report);
/* --check-config's part beyond the file: `listen` (and agent.listen) must
 * resolve and bind as the daemon would at start. An address in use is
 * reported as a warning only (the running agent holds it). Returns the
 * number of errors. */
int cli_check_listen(const struct cfg *c, cfg_report_fn report, void *ctx);
void cli_report_to_stderr(void *ctx, const char *msg);
void cli_report_to_log(void *ctx, const char *msg);

#endif
