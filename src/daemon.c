#include "daemon.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "health.h"
#include "http.h"
#include "log.h"
#include "poller.h"
#include "sdnotify.h"

static void publish(void *ctx, const struct snapshot *snap)
{
	health_publish(ctx, snap);
}

static void view(void *ctx, struct health_view *out)
{
	health_view(ctx, out);
}

static void reload(struct cfg *c, const struct cli *o, struct health *h, struct poller *p)
{
	struct cfg next;

	log_info("reloading %s", o->config ? o->config : CFG_DEFAULT_PATH);
	if (cli_load_config(&next, o, cli_report_to_log) != 0) {
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

int daemon_run(struct cfg *c, const struct cli *o)
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
		.listen_fd = sdnotify_listen_fd(err, sizeof err),
		.timeout_s = c->http_timeout_s,
		.max_connections = c->http_max_connections,
		.max_connections_per_ip = c->http_max_connections_per_ip,
		.bodies = c->bodies,
		.view = view,
		.view_ctx = h,
	};
	srv = ho.listen_fd == -2 ? NULL : http_start(&ho, err, sizeof err);
	if (!srv) {
		log_warnx("%s", err);
		poller_stop(p);
		health_free(h);
		return 1;
	}
	log_info("clustercheckd %s answering on %s (port %u), mysqld at %s%s", CLUSTERCHECKD_VERSION,
		 ho.listen_fd >= 0 ? "the socket from systemd" : c->listen, http_port(srv),
		 c->mysql.host[0] ? "tcp " : "socket ", c->mysql.host[0] ? c->mysql.host : c->mysql.socket);
	sdnotify_ready("listening; waiting for the first answer from mysqld");

	for (;;) {
		/* The tick notices a snapshot going stale when the poller is
		 * stuck and publishes nothing. */
		struct timespec tick = {.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000}, now;
		struct verdict v;
		int sig = sigtimedwait(&sigs, NULL, &tick);

		if (sig == SIGTERM || sig == SIGINT) {
			log_info("signal %d: stopping", sig);
			sdnotify_stopping(sig == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		}
		if (sig == SIGHUP)
			reload(c, o, h, p);
		clock_gettime(CLOCK_MONOTONIC, &now);
		v = health_tick(h, &now);
		sdnotify_tick(&v, &now);
	}
	http_stop(srv);
	poller_stop(p);
	health_free(h);
	return rc;
}

