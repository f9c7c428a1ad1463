/* The command line shared by every mode, and loading the configuration
 * with the command line's overrides on top. */
#ifndef CLUSTERCHECKD_CLI_H
#define CLUSTERCHECKD_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cfg.h"

enum cli_mode {
	MODE_DAEMON,
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
};

void cli_usage(FILE *out);
/* Returns 0, or -1 after printing why to stderr. May exit for --help and
 * --version. */
int cli_parse(int argc, char **argv, struct cli *o);
/* Defaults, then the file, then the overrides. Returns the error count;
 * *c is only written when it is 0. */
int cli_load_config(struct cfg *c, const struct cli *o, cfg_report_fn report);
void cli_report_to_stderr(void *ctx, const char *msg);
void cli_report_to_log(void *ctx, const char *msg);

#endif
