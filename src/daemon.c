#include "daemon.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "admin.h"
#include "agent.h"
#include "clock.h"
#include "ctl.h"
#include "health.h"
#include "http.h"
#include "log.h"
#include "peers.h"
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

static void report_kept(void *ctx, const char *msg)
{
	(void)ctx;
	log_warnx("reload: %s", msg);
}

/* The table says which keys a reload applies (cfg.c); those reach the
 * running parts here, the others keep their running values. */
static void reload(struct cfg *c, const struct cli *o, struct health *h, struct poller *p,
		   struct http_server *srv)
{
	struct cfg next;

	log_info("reloading %s", o->config ? o->config : CFG_DEFAULT_PATH);
	if (cli_load_config(&next, o, cli_report_to_log) != 0) {
		log_warnx("reload failed: keeping the running configuration");
		return;
	}
	cfg_reload_merge(&next, c, report_kept, NULL);
	log_set_level(next.debug ? LOG_DEBUG : LOG_INFO);
	health_set_policy(h, &next.policy);
	health_set_live_policy(h, &next.live, next.mysql.datadir);
	poller_reconfigure(p, &next.mysql, next.poll_interval_ms);
	/* The certificate's files are read again even when their names did
	 * not change: renewing a certificate is the usual reason for this. */
	http_reload_tls(srv, &next.tls);
	*c = next;
	explicit_bzero(&next, sizeof next);
	log_info("configuration reloaded");
}

/* Everything the daemon runs, so that start can fail at any step and stop
 * can take down whatever was started, in reverse order. */
struct daemon {
	struct cfg *c;
	const struct cli *o;
	sigset_t sigs;
	struct health *h;
	struct admin *adm;
	struct poller *p;
	bool curl;
	struct peers *peers;
	struct ctl_server *ctl;
	struct agent_server *agent;
	struct http_server *srv;
	struct agent_weight_cfg weight; /* read by admin and the agent-check server */
	bool stopping;
	struct timespec stop_at;
};

/* The state and the threads that feed it: health, admin, the poller, and
 * the peers' poller when cluster-aware. */
static int start_core(struct daemon *d)
{
	const struct cfg *c = d->c;

	d->h = health_new(&c->policy);
	if (d->h) {
		health_set_live_policy(d->h, &c->live, c->mysql.datadir);
		d->adm = admin_new(d->h, c->maint_file);
	}
	if (!d->h || !d->adm) {
		log_warnx("out of memory");
		return -1;
	}
	d->p = poller_start(&c->mysql, c->poll_interval_ms, publish, d->h);
	if (!d->p) {
		log_warn("cannot start the poller thread");
		return -1;
	}
	/* Empty cluster.peers: not cluster-aware, no thread, no libcurl. */
	if (c->cluster.npeers) {
		d->curl = curl_global_init(CURL_GLOBAL_DEFAULT) == 0;
		if (!d->curl || !(d->peers = peers_start(&c->cluster, &c->cluster_client,
							 c->poll_interval_ms, c->policy.stale_after_ms,
							 c->mysql.datadir, d->h)))
			return -1;
	}
	admin_attach(d->adm, d->p, &d->weight);
	admin_check_file(d->adm);
	return 0;
}

/* What answers: the ctl socket, HAProxy's agent-check, HTTP. */
static int start_listeners(struct daemon *d)
{
	const struct cfg *c = d->c;
	struct http_opts ho;
	char err[512];

	if (c->ctl_socket[0] &&
	    !(d->ctl = ctl_server_start(c->ctl_socket, c->ctl_mode, c->ctl_group, admin_ctl_handler,
					d->adm, err, sizeof err))) {
		log_warnx("%s", err);
		return -1;
	}
	if (c->agent_listen[0] && !(d->agent = agent_start(c->agent_listen, &d->weight, view, d->h,
							  err, sizeof err))) {
		log_warnx("%s", err);
		return -1;
	}
	ho = (struct http_opts){
		.listen = c->listen,
		.listen_fd = sdnotify_listen_fd(err, sizeof err),
		.timeout_s = c->http_timeout_s,
		.max_connections = c->http_max_connections,
		.max_connections_per_ip = c->http_max_connections_per_ip,
		.bodies = c->bodies,
		.tls = &c->tls,
		.view = view,
		.view_ctx = d->h,
		.auth = &c->auth,
	};
	d->srv = ho.listen_fd == -2 ? NULL : http_start(&ho, err, sizeof err);
	if (!d->srv) {
		log_warnx("%s", err);
		return -1;
	}
	log_info("clustercheckd %s answering on %s (port %u), mysqld at %s%s", CLUSTERCHECKD_VERSION,
		 ho.listen_fd >= 0 ? "the socket from systemd" : c->listen, http_port(d->srv),
		 c->mysql.host[0] ? "tcp " : "socket ", c->mysql.host[0] ? c->mysql.host : c->mysql.socket);
	if (d->ctl)
		log_info("ctl socket %s (mode %04o)", c->ctl_socket, c->ctl_mode);
	if (d->agent)
		log_info("HAProxy agent-check on %s (port %u)", c->agent_listen, agent_port(d->agent));
	return 0;
}

static int daemon_start(struct daemon *d)
{
	/* Signals are taken synchronously by this thread only: every other
	 * thread inherits the blocked mask, and no handler runs at all. */
	sigemptyset(&d->sigs);
	sigaddset(&d->sigs, SIGTERM);
	sigaddset(&d->sigs, SIGINT);
	sigaddset(&d->sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &d->sigs, NULL);
	d->weight = (struct agent_weight_cfg){d->c->agent_queue_step, d->c->agent_min_weight};
	if (start_core(d) != 0 || start_listeners(d) != 0)
		return -1;
	sdnotify_ready("listening; waiting for the first answer from mysqld");
	return 0;
}

/* Returns true when the daemon must stop now. The first SIGTERM drains
 * (HAProxy must see the node leave before it stops answering); a second
 * one, or SIGINT, exits. */
static bool on_signal(struct daemon *d, int sig)
{
	unsigned drain = d->c->drain_seconds;

	if (sig == SIGTERM && !d->stopping && drain > 0) {
		d->stopping = true;
		clock_deadline(&d->stop_at, (long long)drain * 1000);
		log_notice("SIGTERM: draining for %u s, then exiting (SIGTERM again exits now)", drain);
		admin_set_stopping(d->adm, drain);
		sdnotify_stopping("SIGTERM: draining");
	} else if (sig == SIGTERM || sig == SIGINT) {
		log_info("signal %d: stopping", sig);
		sdnotify_stopping(sig == SIGTERM ? "SIGTERM" : "SIGINT");
		return true;
	} else if (sig == SIGHUP) {
		reload(d->c, d->o, d->h, d->p, d->srv);
	}
	return false;
}

static void daemon_loop(struct daemon *d)
{
	for (;;) {
		/* The tick notices a snapshot going stale when the poller is
		 * stuck and publishes nothing. */
		struct timespec tick = {.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000}, now;
		struct verdict v;

		if (on_signal(d, sigtimedwait(&d->sigs, NULL, &tick)))
			return;
		admin_check_file(d->adm);
		clock_mono(&now);
		v = health_tick(d->h, &now);
		sdnotify_tick(&v, &now);
		log_rate_flush(false);
		if (d->stopping && clock_reached(&now, &d->stop_at)) {
			log_info("drain period over: stopping");
			return;
		}
	}
}

static void daemon_stop(struct daemon *d)
{
	if (d->srv) {
		http_stop(d->srv);
		log_rate_flush(true);
	}
	agent_stop(d->agent);
	ctl_server_stop(d->ctl);
	peers_stop(d->peers);
	if (d->curl)
		curl_global_cleanup();
	poller_stop(d->p);
	admin_free(d->adm);
	health_free(d->h);
}

int daemon_run(struct cfg *c, const struct cli *o)
{
	struct daemon d = {.c = c, .o = o};
	int rc = 0;

	if (daemon_start(&d) != 0)
		rc = 1;
	else
		daemon_loop(&d);
	daemon_stop(&d);
	return rc;
}
