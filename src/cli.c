#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void cli_usage(FILE *out)
{
	fprintf(out,
		"usage: clustercheckd [--config FILE] [--listen ADDR:PORT]\n"
		"                     [--socket PATH | --host H --port P] [--user U]\n"
		"                     [--syslog] [--debug] [--check-config] [--version] [--help]\n"
		"       clustercheckd --inetd [options]      (xinetd, systemd Accept=yes)\n"
		"       clustercheckd --check [--json] [options]\n"
		"       clustercheck [<user> <pass> | -] <donor_ok> <log_file> <readonly_ok> <defaults_file>\n"
		"\n"
		"Answers HTTP 200 when this Galera node should receive traffic, 503 when not.\n"
		"  --config FILE   configuration (default " CFG_DEFAULT_PATH ";\n"
		"                  a missing default file is fine, a missing named file is not)\n"
		"  --listen A:P    where to answer checks (default 0.0.0.0:9200, IPv6 too)\n"
		"  --socket PATH   mysqld unix socket (default /run/mysqld/mysqld.sock)\n"
		"  --host H --port P  reach mysqld over TCP instead\n"
		"  --user U        MariaDB account; the password only ever comes from the\n"
		"                  config file or mysql.defaults_file, never the command line\n"
		"  --syslog        log to syslog instead of stderr\n"
		"  --debug         log debug messages too\n"
		"  --check-config  report every configuration error, or print \"configuration OK\"\n"
		"  --inetd         answer the one connection on stdin (xinetd, systemd Accept=yes)\n"
		"                  after one probe; exit 0 if the answer was 200, else 1\n"
		"  --check         probe once, print the verdict; exit 0 ready, 1 not ready,\n"
		"                  2 could not determine (mysqld unreachable)\n"
		"  --json          with --check: every check, fact and the policy as JSON\n"
		"Invoked as clustercheck, or with clustercheck's positional arguments, it is a\n"
		"drop-in for Percona's clustercheck script (see docs/inetd-and-systemd.md).\n");
}

int cli_parse(int argc, char **argv, struct cli *o)
{
	enum { OPT_SOCKET = 256, OPT_HOST, OPT_PORT, OPT_USER, OPT_SYSLOG, OPT_DEBUG,
	       OPT_CHECK_CONFIG, OPT_VERSION, OPT_HELP, OPT_INETD, OPT_CHECK, OPT_JSON };
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"listen", required_argument, NULL, 'l'},
		{"socket", required_argument, NULL, OPT_SOCKET},
		{"host", required_argument, NULL, OPT_HOST},
		{"port", required_argument, NULL, OPT_PORT},
		{"user", required_argument, NULL, OPT_USER},
		{"syslog", no_argument, NULL, OPT_SYSLOG},
		{"debug", no_argument, NULL, OPT_DEBUG},
		{"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
		{"version", no_argument, NULL, OPT_VERSION},
		{"help", no_argument, NULL, OPT_HELP},
		{"inetd", no_argument, NULL, OPT_INETD},
		{"check", no_argument, NULL, OPT_CHECK},
		{"json", no_argument, NULL, OPT_JSON},
		{NULL, 0, NULL, 0},
	};
	int c;
	char *end;

	o->port = -1;
	while ((c = getopt_long(argc, argv, "c:l:", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'l':
			o->listen = optarg;
			break;
		case OPT_SOCKET:
			o->socket = optarg;
			break;
		case OPT_HOST:
			o->host = optarg;
			break;
		case OPT_PORT:
			errno = 0;
			o->port = strtol(optarg, &end, 10);
			if (errno || *end || o->port < 1 || o->port > 65535) {
				fprintf(stderr, "clustercheckd: --port: '%s' is not a port (1-65535)\n", optarg);
				return -1;
			}
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_SYSLOG:
			o->syslog = true;
			break;
		case OPT_DEBUG:
			o->debug = true;
			break;
		case OPT_CHECK_CONFIG:
			o->check_config = true;
			break;
		case OPT_INETD:
		case OPT_CHECK:
			if (o->mode != MODE_DAEMON) {
				fprintf(stderr, "clustercheckd: --inetd and --check are exclusive\n");
				return -1;
			}
			o->mode = c == OPT_INETD ? MODE_INETD : MODE_CHECK;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_VERSION:
			printf("clustercheckd %s\n", CLUSTERCHECKD_VERSION);
			exit(0);
		case OPT_HELP:
			cli_usage(stdout);
			exit(0);
		default:
			cli_usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "clustercheckd: unexpected argument '%s'\n", argv[optind]);
		cli_usage(stderr);
		return -1;
	}
	if (o->json && o->mode != MODE_CHECK) {
		fprintf(stderr, "clustercheckd: --json goes with --check\n");
		return -1;
	}
	if (o->socket && (o->host || o->port >= 0)) {
		fprintf(stderr, "clustercheckd: --socket and --host/--port are exclusive\n");
		return -1;
	}
	return 0;
}

bool cli_has_flag(int argc, char **argv, const char *flag)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], flag) == 0)
			return true;
	}
	return false;
}

static int copy_override(char *dst, size_t len, const char *src, const char *what)
{
	if (strlen(src) >= len) {
		fprintf(stderr, "clustercheckd: %s: value too long\n", what);
		return -1;
	}
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static int apply_overrides(struct cfg *c, const struct cli *o)
{
	char host[256];
	unsigned port;

	if (o->listen) {
		if (cfg_parse_listen(o->listen, host, sizeof host, &port) != 0) {
			fprintf(stderr, "clustercheckd: --listen: '%s' is not ADDR:PORT\n", o->listen);
			return -1;
		}
		if (copy_override(c->listen, sizeof c->listen, o->listen, "--listen"))
			return -1;
	}
	if (o->socket) {
		if (copy_override(c->mysql.socket, sizeof c->mysql.socket, o->socket, "--socket"))
			return -1;
		c->mysql.host[0] = '\0';
	}
	if (o->host && copy_override(c->mysql.host, sizeof c->mysql.host, o->host, "--host"))
		return -1;
	if (o->port > 0)
		c->mysql.port = (unsigned)o->port;
	if (o->user && copy_override(c->mysql.user, sizeof c->mysql.user, o->user, "--user"))
		return -1;
	if (o->syslog)
		c->log = LOG_TO_SYSLOG;
	return 0;
}

void cli_report_to_stderr(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s\n", msg);
}

void cli_report_to_log(void *ctx, const char *msg)
{
	(void)ctx;
	log_warnx("config: %s", msg);
}

int cli_load_config(struct cfg *c, const struct cli *o, cfg_report_fn report)
{
	struct cfg next;
	int errors;

	cfg_defaults(&next);
	errors = cfg_load(&next, o->config ? o->config : CFG_DEFAULT_PATH, o->config != NULL,
			  report, NULL);
	if (errors)
		return errors;
	if (apply_overrides(&next, o) != 0)
		return 1;
	*c = next;
	explicit_bzero(&next, sizeof next);
	return 0;
}

