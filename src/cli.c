#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bootstrapcmd.h"
#include "ctlclient.h"
#include "http.h"
#include "log.h"
#include "net.h"
#include "notify.h"

/* Subcommands that talk to a running agent rather than run one. A new one
 * is a row here: main dispatches and --help lists from this table, and the
 * man page test checks that clustercheckd(8) documents every row. */
const struct cli_command cli_commands[] = {
	{"ctl", ctlclient_main, "ctl [--config FILE] [--ctl SOCKET] drain|maint|ready|status",
	 "ask the running agent to drain (404), go into maintenance (503),\n"
	 "                  come back (ready), or say what it answers now (status)"},
	{"notify", notify_main, "notify [--config FILE] [--ctl SOCKET] --status S ...",
	 "mysqld's wsrep_notify_cmd: tells the running agent at once\n"
	 "                  that the node leaves or joins (never fails mysqld)"},
	{"recover", recover_main, "recover [--config FILE] [--mariadbd PATH] [--defaults-file MY.CNF] [--user USER]",
	 "with mysqld stopped: run mariadbd --wsrep-recover privately and\n"
	 "                  keep the recovered position for /status and bootstrap"},
	{"bootstrap", bootstrap_main, "bootstrap [--config FILE] [--json] [--allow-missing N]",
	 "after a full-cluster outage: ask every peer's agent and say which\n"
	 "                  node to bootstrap (or that none may be), with the commands"},
	{NULL, NULL, NULL, NULL},
};

const struct cli_command *cli_command_find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

enum { OPT_SOCKET = 256, OPT_HOST, OPT_PORT, OPT_USER, OPT_SYSLOG, OPT_DEBUG,
       OPT_CHECK_CONFIG, OPT_VERSION, OPT_HELP, OPT_INETD, OPT_CHECK, OPT_JSON };
static const struct option cli_opts[] = {
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

const struct option *cli_options(void)
{
	return cli_opts;
}

void cli_usage(FILE *out)
{
	fprintf(out,
		"usage: clustercheckd [--config FILE] [--listen ADDR:PORT]\n"
		"                     [--socket PATH | --host H --port P] [--user U]\n"
		"                     [--syslog] [--debug] [--check-config] [--version] [--help]\n"
		"       clustercheckd --inetd [options]      (xinetd, systemd Accept=yes)\n"
		"       clustercheckd --check [--json] [options]\n");
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(out, "       clustercheckd %s\n", c->synopsis);
	fprintf(out,
		"       clustercheck [<user> <pass> | -] <donor_ok> <log_file> <readonly_ok> <defaults_file>\n"
		"\n"
		"Answers HTTP 200 when this Galera node should receive traffic, 503 when not\n"
		"(404 while draining), on / and /ready; /live, /status (JSON) and /metrics too.\n"
		"\n"
		"Modes:\n"
		"  (none)          the daemon: polls mysqld in the background, answers from memory\n"
		"  --inetd         answer the one connection on stdin (xinetd, systemd Accept=yes)\n"
		"                  after one probe; exit 0 if the answer was 200, else 1\n"
		"  --check         probe once, print the verdict; exit 0 ready, 1 not ready,\n"
		"                  2 could not determine (mysqld unreachable)\n"
		"  --check-config  report every configuration error (file:line) and a listen\n"
		"                  address that cannot be resolved or bound; else print\n"
		"                  \"configuration OK\" (exit 0; 1 on errors)\n"
		"\n"
		"Subcommands:\n");
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(out, "  %-15s %s\n", c->name, c->help);
	fprintf(out,
		"  (`clustercheckd ctl --help` for more)\n"
		"\n"
		"Options:\n"
		"  --config FILE   configuration (default " CFG_DEFAULT_PATH ";\n"
		"                  a missing default file is fine, a missing named file is not)\n"
		"  --listen A:P    where to answer checks (default 0.0.0.0:9200, IPv6 too)\n"
		"  --socket PATH   mysqld unix socket (default /run/mysqld/mysqld.sock)\n"
		"  --host H --port P  reach mysqld over TCP instead\n"
		"  --user U        MariaDB account; the password only ever comes from the\n"
		"                  config file or mysql.defaults_file, never the command line\n"
		"  --syslog        log to syslog instead of stderr\n"
		"  --debug         log debug messages too\n"
		"  --json          with --check: every check, fact and the policy as JSON\n"
		"  --version       print the version\n"
		"  --help          this text\n"
		"\n"
		"Drop-in for Percona's clustercheck: invoked as clustercheck (argv[0]), or with\n"
		"clustercheck's whole positional line, it behaves as the script (see\n"
		"clustercheckd(8), docs/inetd-and-systemd.md).\n"
		"Exit status: 0 success, 1 failure (not ready, or configuration not usable),\n"
		"2 usage error (or --check could not determine).\n");
}

/* One option from getopt_long: 0, or -1 after saying what is wrong. */
static int take_option(int opt, char *arg, struct cli *o)
{
	char *end;

	switch (opt) {
	case 'c':
		o->config = arg;
		break;
	case 'l':
		o->listen = arg;
		break;
	case OPT_SOCKET:
		o->socket = arg;
		break;
	case OPT_HOST:
		o->host = arg;
		break;
	case OPT_PORT:
		errno = 0;
		o->port = strtol(arg, &end, 10);
		if (errno || *end || o->port < 1 || o->port > 65535) {
			fprintf(stderr, "clustercheckd: --port: '%s' is not a port (1-65535)\n", arg);
			return -1;
		}
		break;
	case OPT_USER:
		o->user = arg;
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
		o->mode = opt == OPT_INETD ? MODE_INETD : MODE_CHECK;
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
	return 0;
}

int cli_parse(int argc, char **argv, struct cli *o)
{
	int c;

	o->port = -1;
	while ((c = getopt_long(argc, argv, "c:l:", cli_opts, NULL)) != -1)
		if (take_option(c, optarg, o) != 0)
			return -1;
	if (optind < argc) {
		/* Subcommands and the drop-in were dispatched before: a word
		 * left here is a typo, and saying so beats guessing. */
		fprintf(stderr, "clustercheckd: unknown command '%s'\n", argv[optind]);
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
		if (net_parse_listen(o->listen, host, sizeof host, &port, NULL, 0) != 0) {
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
	if (o->debug)
		c->debug = true;
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


/* One bind, as the daemon's would be (SO_REUSEADDR, as libmicrohttpd sets
 * it, so a port left in TIME_WAIT is no error). Returns 0 or an errno. */
static int try_bind(const struct sockaddr_storage *ss, bool dual)
{
	int fd = net_bind(ss, dual, 0);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int check_one_listen(const char *key, const char *addr, cfg_report_fn report, void *ctx)
{
	struct sockaddr_storage ss;
	char err[512], msg[1024];
	bool dual;
	int e;

	if (net_resolve_listen(addr, &ss, &dual, err, sizeof err) != 0) {
		snprintf(msg, sizeof msg, "clustercheckd: %s '%s': %s", key, addr, err);
		report(ctx, msg);
		return 1;
	}
	e = try_bind(&ss, dual);
	if (e == EAFNOSUPPORT && dual) {
		/* No IPv6 on this host: the daemon falls back to IPv4's wildcard. */
		net_wildcard_to_ipv4(&ss);
		e = try_bind(&ss, false);
	}
	if (e == 0)
		return 0;
	if (e == EADDRINUSE) {
		/* Most often the agent this file configures, already running:
		 * checking a file before a reload or restart must not fail for
		 * that. Said, but not counted as an error. */
		snprintf(msg, sizeof msg, "clustercheckd: warning: %s '%s': address already in use "
			 "(by a running clustercheckd, or another program: a new daemon could not "
			 "start while it is)", key, addr);
		report(ctx, msg);
		return 0;
	}
	snprintf(msg, sizeof msg, "clustercheckd: %s '%s': cannot bind: %s", key, addr, strerror(e));
	report(ctx, msg);
	return 1;
}

int cli_check_listen(const struct cfg *c, cfg_report_fn report, void *ctx)
{
	int errors = check_one_listen("listen", c->listen, report, ctx);

	if (c->agent_listen[0])
		errors += check_one_listen("agent.listen", c->agent_listen, report, ctx);
	return errors;
}
