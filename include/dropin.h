/* Drop-in for Percona's clustercheck script: same inputs (positional
 * arguments, /etc/sysconfig/clustercheck, the disabled file), same status
 * codes, bodies and exit codes, but the request is read, every step has a
 * timeout, the password is scrubbed from argv, and the script's bugs are
 * not reproduced. The parsing here is pure so that it can be unit-tested. */
#ifndef CLUSTERCHECKD_DROPIN_H
#define CLUSTERCHECKD_DROPIN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

#define DROPIN_SYSCONFIG "/etc/sysconfig/clustercheck"
#define DROPIN_DISABLED_FILE "/var/tmp/clustercheck.disabled"
/* Tests (and unusual layouts) point these elsewhere. */
#define DROPIN_SYSCONFIG_ENV "CLUSTERCHECK_SYSCONFIG"
#define DROPIN_DISABLED_ENV "CLUSTERCHECK_DISABLED_FILE"

/* What clustercheck calls its knobs, with its defaults. */
struct dropin_settings {
	char user[128];              /* MYSQL_USERNAME; "" = from the defaults file */
	char password[256];          /* MYSQL_PASSWORD; "" = from the defaults file */
	char host[256];              /* MYSQL_HOST (Red Hat's copy); "" = unix socket */
	unsigned port;               /* MYSQL_PORT */
	bool donor_ok;               /* AVAILABLE_WHEN_DONOR == 1 */
	bool readonly_ok;            /* AVAILABLE_WHEN_READONLY != 0 */
	char err_file[PATH_MAX];     /* ERR_FILE: where our log lines go */
	char defaults_file[PATH_MAX];/* DEFAULTS_EXTRA_FILE, used if readable */
};

/* The positional arguments, copied out of argv (NULL = not given). */
struct dropin_args {
	char *user, *password, *donor, *log_file, *readonly, *defaults_file;
	int extra;                   /* arguments past the sixth, ignored */
};

/* argv[0] is named clustercheck, or the arguments are clustercheck's whole
 * positional line: <user> <pass> <donor> <log_file> <readonly> <defaults>
 * or - <donor> <log_file> <readonly> <defaults>, donor and readonly integers. */
bool dropin_invoked(int argc, char **argv);

void dropin_settings_defaults(struct dropin_settings *s);

/* Reads KEY=VALUE lines as data (never executed): comments, `export`,
 * single and double quotes and backslashes as a shell would, but no
 * expansion. Unknown keys are ignored; every malformed line is reported
 * ("line N: ...") and skipped. Returns the number of reports. */
int dropin_parse_sysconfig(const char *text, struct dropin_settings *s,
			   cfg_report_fn report, void *ctx);

/* Copies the positional arguments and overwrites the password in argv at
 * once, so that it does not show in ps or /proc/PID/cmdline. Returns 0, or
 * -1 when out of memory. */
int dropin_take_args(int argc, char **argv, struct dropin_args *a);
void dropin_args_free(struct dropin_args *a);

/* The command line wins over the sysconfig file. Returns the number of
 * problems reported. */
int dropin_apply_args(const struct dropin_args *a, struct dropin_settings *s,
		      cfg_report_fn report, void *ctx);

/* Over cfg_defaults(): the probe, the policy and clustercheck's bodies. */
void dropin_to_cfg(const struct dropin_settings *s, struct cfg *c);

/* Whether ERR_FILE names one of our standard streams, which in inetd mode
 * are the client's socket (or the journal): logs then go to syslog. */
bool dropin_err_file_is_stdio(const char *path);

/* The whole drop-in: returns the exit status (0 when 200 was sent). */
int dropin_main(int argc, char **argv);

#endif
