#include "peers.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "clusterview.h"
#include "log.h"
#include "writer.h"

/* How often the rule runs: how fast this node stops answering 200 on
 * /writer once it is not eligible, beyond the poll of mysqld itself. */
#define PEERS_TICK_MS 50
/* A /status is a few KiB; anything far larger is not an agent's. */
#define PEERS_BODY_MAX (256 * 1024)

struct peer_conn {
	CURL *easy;
	bool busy;
	char *buf;
	size_t len;
	bool too_big;
	char errbuf[CURL_ERROR_SIZE];
	char url[CLUSTER_URL_MAX + 16];
	long long received_ms;   /* when the last good report arrived */
	bool logged_down;
};

struct peers {
	struct cluster_cfg cfg;
	struct cluster_client_cfg client;
	char password[256];      /* from client.password_file; wiped at the end */
	unsigned self;
	unsigned interval_ms, window_ms;
	struct health *h;
	pthread_t thread;
	atomic_bool stop;
	CURLM *multi;
	struct peer_conn conn[CLUSTER_PEERS_MAX];
	struct writer_peer seen[CLUSTER_PEERS_MAX];
	struct writer_state st;
	struct cluster_view last;
	char datadir[256];
};

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
	struct peer_conn *c = ctx;
	size_t add = size * n;
	char *grown;

	if (c->len + add > PEERS_BODY_MAX) {
		c->too_big = true;
		return 0; /* aborts the transfer */
	}
	grown = realloc(c->buf, c->len + add + 1);
	if (!grown)
		return 0;
	c->buf = grown;
	memcpy(c->buf + c->len, data, add);
	c->len += add;
	c->buf[c->len] = '\0';
	return add;
}

static int conn_init(struct peers *p, unsigned i)
{
	struct peer_conn *c = &p->conn[i];
	const char *url = p->cfg.peers[i].url;
	size_t n = strlen(url);

	if (n && url[n - 1] == '/')
		n--;
	memcpy(c->url, url, n);
	memcpy(c->url + n, "/status", sizeof "/status");
	c->easy = curl_easy_init();
	if (!c->easy)
		return -1;
	/* Hard limits on everything: a hung peer costs one timeout, and
	 * never blocks the rule (which runs between transfers anyway). */
	curl_easy_setopt(c->easy, CURLOPT_URL, c->url);
	curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->easy, CURLOPT_TIMEOUT_MS, (long)p->cfg.timeout_ms);
	curl_easy_setopt(c->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)p->cfg.timeout_ms);
	curl_easy_setopt(c->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	/* https: the peer's certificate must chain to cluster.tls_ca (or the
	 * system's CAs) and name the host of its URL; anything less is an
	 * unknown peer, never a trusted one. */
	curl_easy_setopt(c->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c->easy, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (p->client.tls_ca[0])
		curl_easy_setopt(c->easy, CURLOPT_CAINFO, p->client.tls_ca);
	if (p->client.user[0]) {
		/* libcurl keeps its own copies; never on a command line or in a URL. */
		curl_easy_setopt(c->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c->easy, CURLOPT_USERNAME, p->client.user);
		curl_easy_setopt(c->easy, CURLOPT_PASSWORD, p->password);
	}
	curl_easy_setopt(c->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c->easy, CURLOPT_PROXY, "");
	curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->easy, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(c->easy, CURLOPT_USERAGENT, "clustercheckd/" CLUSTERCHECKD_VERSION);
	/* A new connection per poll, as every other checker of an agent does. */
	curl_easy_setopt(c->easy, CURLOPT_FORBID_REUSE, 1L);
	return 0;
}

static void start_request(struct peers *p, unsigned i)
{
	struct peer_conn *c = &p->conn[i];

	if (c->busy || !c->easy)
		return;
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
	c->too_big = false;
	c->errbuf[0] = '\0';
	if (curl_multi_add_handle(p->multi, c->easy) == CURLM_OK)
		c->busy = true;
}

static void set_error(struct peers *p, unsigned i, const char *text)
{
	struct writer_peer *w = &p->seen[i];
	struct peer_conn *c = &p->conn[i];

	snprintf(w->error, sizeof w->error, "%s", text);
	if (!c->logged_down)
		log_warnx("peer %s (%s): %s", p->cfg.peers[i].name, c->url, w->error);
	c->logged_down = true;
}

static void finish_request(struct peers *p, unsigned i, CURLcode res)
{
	struct peer_conn *c = &p->conn[i];
	struct writer_peer *w = &p->seen[i];
	struct cluster_self report;
	char why[CLUSTER_WHY_MAX];
	long status = 0;

	curl_multi_remove_handle(p->multi, c->easy);
	c->busy = false;
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	if (res != CURLE_OK) {
		const char *text = c->too_big ? "answer too large" : c->errbuf[0] ? c->errbuf
								  : curl_easy_strerror(res);
		if (res == CURLE_PEER_FAILED_VERIFICATION)
			snprintf(why, sizeof why, "TLS: certificate verify failed: %.120s", text);
		else if (res == CURLE_SSL_CONNECT_ERROR || res == CURLE_SSL_CACERT_BADFILE ||
			 res == CURLE_SSL_CERTPROBLEM || res == CURLE_SSL_CIPHER ||
			 res == CURLE_SSL_ISSUER_ERROR || res == CURLE_SSL_CRL_BADFILE)
			snprintf(why, sizeof why, "TLS: %.150s", text);
		else
			snprintf(why, sizeof why, "%.155s", text);
		set_error(p, i, why);
		return;
	}
	if (status == 401) {
		set_error(p, i, p->client.user[0] ? "401 unauthorized: the peer refused cluster.user's password"
						  : "401 unauthorized: the peer wants credentials (cluster.user, cluster.password_file)");
		return;
	}
	if (status != 200) {
		snprintf(why, sizeof why, "HTTP %ld from /status", status);
		set_error(p, i, why);
		return;
	}
	if (clusterview_parse_self(c->buf ? c->buf : "", c->len, &report, why, sizeof why) != 0) {
		set_error(p, i, why);
		return;
	}
	/* A URL pointing at the wrong agent would make us rank one node twice. */
	if (strcmp(report.name, p->cfg.peers[i].name) != 0) {
		snprintf(why, sizeof why, "answers as \"%.60s\", configured as \"%s\"", report.name,
			 p->cfg.peers[i].name);
		set_error(p, i, why);
		return;
	}
	w->seen = true;
	w->report = report;
	w->error[0] = '\0';
	c->received_ms = clock_mono_ms();
	if (c->logged_down)
		log_info("peer %s answers again", p->cfg.peers[i].name);
	c->logged_down = false;
}

static bool fact_text_is(const struct snapshot *s, enum fact_id id, const char *want)
{
	const struct fact *f = snapshot_fact(s, id);

	return f->valid && strcmp(f->text, want) == 0;
}

static long long fact_num(const struct snapshot *s, enum fact_id id)
{
	const struct fact *f = snapshot_fact(s, id);

	return f->valid ? f->num : -1;
}

/* One run of the rule on what we know now, published for the answers. */
static void evaluate(struct peers *p)
{
	struct health_view *v = malloc(sizeof *v);
	struct cluster_view *cv = &p->last;
	struct timespec now;
	struct verdict vd;
	char why[CLUSTER_WHY_MAX];
	long long now_ms;
	struct writer_input in;
	int before = cv->result.code;
	char before_reason[WRITER_REASON_MAX];

	if (!v)
		return;
	health_view(p->h, v);
	clock_mono(&now);
	now_ms = clock_ms(&now);
	vd = verdict_decide(&v->snap, v->admin, &v->policy, &now);
	for (unsigned i = 0; i < p->cfg.npeers; i++)
		p->seen[i].age_ms = p->seen[i].seen ? now_ms - p->conn[i].received_ms : -1;
	bool fresh = v->snap.outcome == SNAP_OK && vd.failed != CHECK_FRESH;
	in = (struct writer_input){
		.cfg = &p->cfg, .self = p->self, .now_ms = now_ms, .window_ms = p->window_ms,
		.margin_ms = p->window_ms + p->cfg.timeout_ms,
		.eligible = writer_eligible(&v->snap, &vd, why, sizeof why), .why = why,
		.primary = fresh && fact_text_is(&v->snap, FACT_CLUSTER_STATUS, "Primary"),
		.state_uuid = snapshot_fact(&v->snap, FACT_CLUSTER_STATE_UUID)->valid
				      ? snapshot_fact(&v->snap, FACT_CLUSTER_STATE_UUID)->text : "",
		.conf_id = fresh ? fact_num(&v->snap, FACT_CLUSTER_CONF_ID) : -1,
		.size = fresh ? fact_num(&v->snap, FACT_CLUSTER_SIZE) : -1,
		.peers = p->seen,
	};
	snprintf(before_reason, sizeof before_reason, "%s", cv->result.reason);
	cv->result = writer_decide(&in, &p->st);
	memset(&cv->me, 0, sizeof cv->me);
	writer_self_report(&in, &p->st, &cv->me);
	cv->me.ready_code = vd.code;
	snprintf(cv->me.ready_reason, sizeof cv->me.ready_reason, "%.*s",
		 (int)sizeof cv->me.ready_reason - 1, vd.reason);
	cv->me.seqno = fact_num(&v->snap, FACT_LAST_COMMITTED);
	snprintf(cv->me.state, sizeof cv->me.state, "%.*s", (int)sizeof cv->me.state - 1,
		 snapshot_fact(&v->snap, FACT_LOCAL_STATE_COMMENT)->valid
			 ? snapshot_fact(&v->snap, FACT_LOCAL_STATE_COMMENT)->text : "");
	memcpy(cv->peers, p->seen, sizeof cv->peers);
	cv->evaluated_ms = now_ms;
	/* Log the role changing, not every change of wording. */
	if (cv->result.code != before)
		log_notice("%s [was: %s]", cv->result.reason, before_reason[0] ? before_reason : "starting");
	health_set_cluster(p->h, cv);
	free(v);
}

/* A small regular file, whole; -1 when absent, unreadable or too large. */
static ssize_t read_small(const char *path, char *buf, size_t cap, struct timespec *mtime)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size >= cap) {
		close(fd);
		return -1;
	}
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (mtime)
		*mtime = st.st_mtim;
	return n;
}

/* gvwstate.dat and the recovered position: what `bootstrap` asks for. A
 * recovered position older than grastate.dat belongs to an earlier outage
 * (mysqld rewrites grastate.dat when it starts), so it is not reported. */
static void read_local_files(struct peers *p)
{
	char path[512], buf[4096];
	struct timespec rec_at, gra_at;
	ssize_t n;

	memset(&p->last.gvw, 0, sizeof p->last.gvw);
	p->last.recovered = false;
	if (!p->datadir[0])
		return;
	snprintf(path, sizeof path, "%s/gvwstate.dat", p->datadir);
	n = read_small(path, buf, sizeof buf, NULL);
	if (n >= 0)
		recovery_parse_gvwstate(buf, (size_t)n, &p->last.gvw);
	if (!p->cfg.recovered_file[0] || read_small(p->cfg.recovered_file, buf, sizeof buf, &rec_at) < 0)
		return;
	char gra[GRASTATE_MAX_BYTES + 1];
	snprintf(path, sizeof path, "%s/grastate.dat", p->datadir);
	if (read_small(path, gra, sizeof gra, &gra_at) >= 0 && !clock_reached(&rec_at, &gra_at))
		return;
	char uuid[64];
	long long seqno;
	if (sscanf(buf, "%63[0-9a-fA-F-]:%lld", uuid, &seqno) == 2 && strlen(uuid) == GRASTATE_UUID_LEN) {
		memcpy(p->last.position.uuid, uuid, GRASTATE_UUID_LEN + 1);
		p->last.position.seqno = seqno;
		p->last.recovered = true;
	}
}

static void *run(void *arg)
{
	struct peers *p = arg;
	long long next_poll = 0;

	while (!atomic_load(&p->stop)) {
		long long now = clock_mono_ms();
		int running, left;
		CURLMsg *m;

		if (now >= next_poll) {
			for (unsigned i = 0; i < p->cfg.npeers; i++)
				if (i != p->self)
					start_request(p, i);
			read_local_files(p);
			next_poll = now + p->interval_ms;
		}
		curl_multi_perform(p->multi, &running);
		while ((m = curl_multi_info_read(p->multi, &left)))
			if (m->msg == CURLMSG_DONE)
				for (unsigned i = 0; i < p->cfg.npeers; i++)
					if (p->conn[i].easy == m->easy_handle) {
						finish_request(p, i, m->data.result);
						break;
					}
		evaluate(p);
		curl_multi_poll(p->multi, NULL, 0, PEERS_TICK_MS, NULL);
	}
	return NULL;
}

static void peers_free(struct peers *p)
{
	for (unsigned i = 0; i < p->cfg.npeers; i++) {
		struct peer_conn *c = &p->conn[i];

		if (c->easy) {
			if (c->busy)
				curl_multi_remove_handle(p->multi, c->easy);
			curl_easy_cleanup(c->easy);
		}
		free(c->buf);
	}
	if (p->multi)
		curl_multi_cleanup(p->multi);
	explicit_bzero(p->password, sizeof p->password);
	free(p);
}

/* The first line of the file, without its line end. The config loader
 * checked its mode; it is read once, here, and never shown. */
static int read_password(const char *path, char *out, size_t cap)
{
	char buf[512];
	ssize_t n = read_small(path, buf, sizeof buf, NULL);

	if (n < 0) {
		explicit_bzero(buf, sizeof buf);
		return -1;
	}
	size_t len = strcspn(buf, "\r\n");
	int rc = len < cap ? 0 : -1;

	if (rc == 0) {
		memcpy(out, buf, len);
		out[len] = '\0';
	}
	explicit_bzero(buf, sizeof buf);
	return rc;
}

struct peers *peers_start(const struct cluster_cfg *cfg, const struct cluster_client_cfg *client,
			  unsigned interval_ms, unsigned window_ms, const char *datadir,
			  struct health *h)
{
	struct peers *p = calloc(1, sizeof *p);
	int rc;

	if (!p) {
		log_warnx("out of memory");
		return NULL;
	}
	p->client = *client;
	if (client->password_file[0] &&
	    read_password(client->password_file, p->password, sizeof p->password) != 0) {
		log_warnx("cluster.password_file %s: cannot read it, or it is larger than a password",
			  client->password_file);
		peers_free(p);
		return NULL;
	}
	for (unsigned i = 0; i < cfg->npeers; i++)
		if (client->user[0] && strncmp(cfg->peers[i].url, "http://", 7) == 0 &&
		    strcmp(cfg->peers[i].name, cfg->name) != 0)
			log_warnx("peer %s: cluster.user's password goes in clear over %s; use https",
				  cfg->peers[i].name, cfg->peers[i].url);
	p->cfg = *cfg;
	p->interval_ms = interval_ms;
	p->window_ms = window_ms;
	p->h = h;
	snprintf(p->datadir, sizeof p->datadir, "%s", datadir ? datadir : "");
	for (unsigned i = 0; i < cfg->npeers; i++)
		if (strcmp(cfg->peers[i].name, cfg->name) == 0)
			p->self = i;
	writer_state_init(&p->st, clock_mono_ms());
	p->last.enabled = true;
	p->last.cfg = *cfg;
	p->last.self = p->self;
	p->last.window_ms = window_ms;
	p->multi = curl_multi_init();
	if (!p->multi) {
		log_warnx("cannot start libcurl");
		peers_free(p);
		return NULL;
	}
	for (unsigned i = 0; i < cfg->npeers; i++) {
		if (i != p->self && conn_init(p, i) != 0) {
			log_warnx("cannot start libcurl");
			peers_free(p);
			return NULL;
		}
	}
	evaluate(p);
	rc = pthread_create(&p->thread, NULL, run, p);
	if (rc != 0) {
		log_warnx("cannot start the peers thread: %s", strerror(rc));
		peers_free(p);
		return NULL;
	}
	log_info("cluster-aware as %s among %u peers (handover %u ms, failback delay %u ms)", cfg->name,
		 cfg->npeers, cfg->handover_ms, cfg->failback_delay_ms);
	return p;
}

void peers_stop(struct peers *p)
{
	if (!p)
		return;
	atomic_store(&p->stop, true);
	curl_multi_wakeup(p->multi);
	pthread_join(p->thread, NULL);
	peers_free(p);
}
