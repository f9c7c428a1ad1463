#include "daemon.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "agent.h"
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

static void reload(struct cfg *c, const struct cli *o, struct health *h, struct poller *p,
		   struct http_server *srv)
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
	    next.bodies != c->bodies || next.log != c->log || memcmp(&next.auth, &c->auth, sizeof next.auth) != 0)
		log_warnx("reload: listen, http and log settings apply only after a restart");
	if (strcmp(next.ctl_socket, c->ctl_socket) != 0 || next.ctl_mode != c->ctl_mode ||
	    strcmp(next.ctl_group, c->ctl_group) != 0 || strcmp(next.maint_file, c->maint_file) != 0 ||
	    strcmp(next.agent_listen, c->agent_listen) != 0 ||
	    next.agent_queue_step != c->agent_queue_step || next.agent_min_weight != c->agent_min_weight)
		log_warnx("reload: ctl, drain.maint_file and agent settings apply only after a restart");
	if (memcmp(&next.cluster, &c->cluster, sizeof next.cluster) != 0 ||
	    memcmp(&next.cluster_client, &c->cluster_client, sizeof next.cluster_client) != 0)
		log_warnx("reload: cluster settings apply only after a restart");
	next.cluster = c->cluster;
	next.cluster_client = c->cluster_client;
	/* The certificate's files are read again even when their names did
	 * not change: renewing a certificate is the usual reason for this. */
	http_reload_tls(srv, &next.tls);
	health_set_policy(h, &next.policy);
	health_set_live_policy(h, &next.live, next.mysql.datadir);
	poller_reconfigure(p, &next.mysql, next.poll_interval_ms);
	/* Keep what cannot change at run time, take the rest. */
	next.log = c->log;
	memcpy(next.listen, c->listen, sizeof next.listen);
	next.http_timeout_s = c->http_timeout_s;
	next.http_max_connections = c->http_max_connections;
	next.http_max_connections_per_ip = c->http_max_connections_per_ip;
	next.bodies = c->bodies;
	next.auth = c->auth; /* the HTTP server holds it */
	memcpy(next.ctl_socket, c->ctl_socket, sizeof next.ctl_socket);
	next.ctl_mode = c->ctl_mode;
	memcpy(next.ctl_group, c->ctl_group, sizeof next.ctl_group);
	memcpy(next.maint_file, c->maint_file, sizeof next.maint_file);
	memcpy(next.agent_listen, c->agent_listen, sizeof next.agent_listen);
	next.agent_queue_step = c->agent_queue_step;
	next.agent_min_weight = c->agent_min_weight;
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
	struct admin *adm;
	struct ctl_server *ctl = NULL;
	struct agent_server *agent = NULL;
	struct peers *peers = NULL;
	struct agent_weight_cfg weight = {c->agent_queue_step, c->agent_min_weight};
	struct timespec stop_at = {0};
	bool stopping = false;
	sigset_t sigs;
	char err[512];
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
	health_set_live_policy(h, &c->live, c->mysql.datadir);
	adm = admin_new(h, c->maint_file);
	if (!adm) {
		log_warnx("out of memory");
		health_free(h);
		return 1;
	}
	p = poller_start(&c->mysql, c->poll_interval_ms, publish, h);
	if (!p) {
		log_warn("cannot start the poller thread");
		admin_free(adm);
		health_free(h);
		return 1;
	}
	/* Empty cluster.peers: not cluster-aware, no thread, no libcurl. */
	if (c->cluster.npeers) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
		    !(peers = peers_start(&c->cluster, &c->cluster_client, c->poll_interval_ms,
					   c->policy.stale_after_ms, c->mysql.datadir, h))) {
			poller_stop(p);
			admin_free(adm);
			health_free(h);
			return 1;
		}
	}
	admin_attach(adm, p, &weight);
	admin_check_file(adm);
	if (c->ctl_socket[0]) {
		ctl = ctl_server_start(c->ctl_socket, c->ctl_mode, c->ctl_group, admin_ctl_handler,
				       adm, err, sizeof err);
		if (!ctl) {
			log_warnx("%s", err);
			rc = 1;
			goto stop_poller;
		}
	}
	if (c->agent_listen[0]) {
		agent = agent_start(c->agent_listen, &weight, view, h, err, sizeof err);
		if (!agent) {
			log_warnx("%s", err);
			rc = 1;
			goto stop_ctl;
		}
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
		.view_ctx = h,
		.auth = &c->auth,
	};
	srv = ho.listen_fd == -2 ? NULL : http_start(&ho, err, sizeof err);
	if (!srv) {
		log_warnx("%s", err);
		rc = 1;
		goto stop_agent;
	}
	log_info("clustercheckd %s answering on %s (port %u), mysqld at %s%s", CLUSTERCHECKD_VERSION,
		 ho.listen_fd >= 0 ? "the socket from systemd" : c->listen, http_port(srv),
		 c->mysql.host[0] ? "tcp " : "socket ", c->mysql.host[0] ? c->mysql.host : c->mysql.socket);
	if (ctl)
		log_info("ctl socket %s (mode %04o)", c->ctl_socket, c->ctl_mode);
	if (agent)
		log_info("HAProxy agent-check on %s (port %u)", c->agent_listen, agent_port(agent));
	sdnotify_ready("listening; waiting for the first answer from mysqld");

	for (;;) {
		/* The tick notices a snapshot going stale when the poller is
		 * stuck and publishes nothing. */
		struct timespec tick = {.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000}, now;
		struct verdict v;
		int sig = sigtimedwait(&sigs, NULL, &tick);

		/* The first SIGTERM drains (HAProxy must see the node leave
		 * before it stops answering); a second one, or SIGINT, exits. */
		if (sig == SIGTERM && !stopping && c->drain_seconds > 0) {
			stopping = true;
			clock_gettime(CLOCK_MONOTONIC, &stop_at);
			stop_at.tv_sec += c->drain_seconds;
			log_notice("SIGTERM: draining for %u s, then exiting (SIGTERM again exits now)",
				   c->drain_seconds);
			admin_set_stopping(adm, c->drain_seconds);
			sdnotify_stopping("SIGTERM: draining");
		} else if (sig == SIGTERM || sig == SIGINT) {
			log_info("signal %d: stopping", sig);
			sdnotify_stopping(sig == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		}
		if (sig == SIGHUP)
			reload(c, o, h, p, srv);
		admin_check_file(adm);
		clock_gettime(CLOCK_MONOTONIC, &now);
		v = health_tick(h, &now);
		sdnotify_tick(&v, &now);
		log_rate_flush(false);
		if (stopping && (now.tv_sec > stop_at.tv_sec ||
				 (now.tv_sec == stop_at.tv_sec && now.tv_nsec >= stop_at.tv_nsec))) {
			log_info("drain period over: stopping");
			break;
		}
	}
	http_stop(srv);
	log_rate_flush(true);
stop_agent:
	agent_stop(agent);
stop_ctl:
	ctl_server_stop(ctl);
stop_poller:
	if (peers) {
		peers_stop(peers);
		curl_global_cleanup();
	}
	poller_stop(p);
	admin_free(adm);
	health_free(h);
	return rc;
}

