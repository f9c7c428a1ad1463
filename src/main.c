/* clustercheckd: wiring only. Parse the command line and the config, start
 * the poller and the HTTP server, then wait for signals. */
#include <errno.h>
#include <getopt.h>
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "health.h"
#include "http.h"
#include "log.h"
#include "poller.h"

/* What the command line set; re-applied over every (re)loaded file. */
struct overrides {
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

static void usage(FILE *out)
{
	fprintf(out,
		"usage: clustercheckd [--config FILE] [--listen ADDR:PORT]\n"
		"                     [--socket PATH | --host H --port P] [--user U]\n"
		"                     [--syslog] [--debug] [--check-config] [--version] [--help]\n"
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
		"  --check-config  report every configuration error, or print \"configuration OK\"\n");
}

static int parse_args(int argc, char **argv, struct overrides *o)
{
	enum { OPT_SOCKET = 256, OPT_HOST, OPT_PORT, OPT_USER, OPT_SYSLOG, OPT_DEBUG,
	       OPT_CHECK_CONFIG, OPT_VERSION, OPT_HELP };
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
		case OPT_VERSION:
			printf("clustercheckd %s\n", CLUSTERCHECKD_VERSION);
			exit(0);
		case OPT_HELP:
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "clustercheckd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	if (o->socket && (o->host || o->port >= 0)) {
		fprintf(stderr, "clustercheckd: --socket and --host/--port are exclusive\n");
		return -1;
	}
	return 0;
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

static int apply_overrides(struct cfg *c, const struct overrides *o)
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

static void report_to_stderr(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s\n", msg);
}

static void report_to_log(void *ctx, const char *msg)
{
	(void)ctx;
	log_warnx("config: %s", msg);
}

static int load_config(struct cfg *c, const struct overrides *o, cfg_report_fn report)
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

static void publish(void *ctx, const struct snapshot *snap)
{
	health_publish(ctx, snap);
}

static void view(void *ctx, struct health_view *out)
{
	health_view(ctx, out);
}

static void reload(struct cfg *c, const struct overrides *o, struct health *h, struct poller *p)
{
	struct cfg next;

	log_info("reloading %s", o->config ? o->config : CFG_DEFAULT_PATH);
	if (load_config(&next, o, report_to_log) != 0) {
		log_warnx("reload failed: keeping the running configuration");
		return;
	}
	if (strcmp(next.listen, c->listen) != 0 || next.http_timeout_s != c->http_timeout_s ||
	    next.http_max_connections != c->http_max_connections ||
	    next.http_max_connections_per_ip != c->http_max_connections_per_ip ||
	    next.bodies != c->bodies || next.log != c->log)
		log_warnx("reload: listen, http and log settings apply only after a restart");
	health_set_policy(h, &next.policy);
	poller_reconfigure(p, &next.mysql, next.poll_interval_ms);
	/* Keep what cannot change at run time, take the rest. */
	next.log = c->log;
	memcpy(next.listen, c->listen, sizeof next.listen);
	next.http_timeout_s = c->http_timeout_s;
	next.http_max_connections = c->http_max_connections;
	next.http_max_connections_per_ip = c->http_max_connections_per_ip;
	next.bodies = c->bodies;
	*c = next;
	explicit_bzero(&next, sizeof next);
	log_info("configuration reloaded");
}

static int run_daemon(struct cfg *c, const struct overrides *o)
{
	struct health *h;
	struct poller *p;
	struct http_server *srv;
	struct http_opts ho;
	sigset_t sigs;
	char err[256];
	int rc = 0;

	/* Signals are taken synchronously by this thread only: every other
	 * thread inherits the blocked mask, and no handler runs at all. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	h = health_new(&c->policy);
	if (!h) {
		log_warnx("out of memory");
		return 1;
	}
	p = poller_start(&c->mysql, c->poll_interval_ms, publish, h);
	if (!p) {
		log_warn("cannot start the poller thread");
		health_free(h);
		return 1;
	}
	ho = (struct http_opts){
		.listen = c->listen,
		.listen_fd = -1,
		.timeout_s = c->http_timeout_s,
		.max_connections = c->http_max_connections,
		.max_connections_per_ip = c->http_max_connections_per_ip,
		.bodies = c->bodies,
		.view = view,
		.view_ctx = h,
	};
	srv = http_start(&ho, err, sizeof err);
	if (!srv) {
		log_warnx("%s", err);
		poller_stop(p);
		health_free(h);
		return 1;
	}
	log_info("clustercheckd %s answering on %s (port %u), mysqld at %s%s", CLUSTERCHECKD_VERSION,
		 c->listen, http_port(srv), c->mysql.host[0] ? "tcp " : "socket ",
		 c->mysql.host[0] ? c->mysql.host : c->mysql.socket);

	for (;;) {
		/* The tick notices a snapshot going stale when the poller is
		 * stuck and publishes nothing. */
		struct timespec tick = {.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000}, now;
		int sig = sigtimedwait(&sigs, NULL, &tick);

		if (sig == SIGTERM || sig == SIGINT) {
			log_info("signal %d: stopping", sig);
			break;
		}
		if (sig == SIGHUP)
			reload(c, o, h, p);
		clock_gettime(CLOCK_MONOTONIC, &now);
		health_tick(h, &now);
	}
	http_stop(srv);
	poller_stop(p);
	health_free(h);
	return rc;
}

int main(int argc, char **argv)
{
	struct overrides o = {0};
	struct cfg c;
	int rc;

	if (parse_args(argc, argv, &o) != 0)
		return 2;
	if (load_config(&c, &o, report_to_stderr) != 0) {
		fprintf(stderr, "clustercheckd: configuration not usable\n");
		return 1;
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
		return 1;
	}
	rc = run_daemon(&c, &o);
	explicit_bzero(&c, sizeof c);
	mysql_library_end();
	return rc;
}
