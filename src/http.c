#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "auth.h"
#include "gate.h"
#include "clock.h"
#include "clusterview.h"
#include "log.h"
#include "net.h"
#include "metrics.h"
#include "report.h"
#include "tls.h"
#include "verdict.h"

#define ALLOWED_METHODS "GET, HEAD, OPTIONS"

/* Per-connection memory pool (request line, headers, reply headers).
 * MHD's default is 32 KiB, set up and touched for every connection; a
 * health check's request is a few hundred bytes (HAProxy's send-state
 * header is the largest seen), so 8 KiB leaves ample room, costs a
 * quarter of the page faults per check (about +15-25% checks/s measured
 * with bench/bench_daemon.sh) and a quarter of the memory 1,000 idle
 * connections can pin. Larger requests get 431. */
#define HTTP_CONNECTION_MEMORY 8192

/* ---- the pure part: request -> reply ---------------------------------- */

static void set_body(struct http_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_body(struct http_reply *r, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		/* The status still says what matters; the body is a courtesy. */
		r->body = NULL;
		r->body_len = 0;
		return;
	}
	r->body = s;
	r->body_len = (size_t)n;
}

static const char *clustercheck_body(const struct verdict *v)
{
	/* Byte for byte what olafz/percona-clustercheck sends, CRLF included,
	 * for HAProxy configs that match on these strings. */
	if (v->code == 200)
		return "Percona XtraDB Cluster Node is synced.\r\n";
	if (v->failed == CHECK_READ_ONLY)
		return "Percona XtraDB Cluster Node is read-only.\r\n";
	if (v->failed == CHECK_MAINTENANCE)
		return "Percona XtraDB Cluster Node is manually disabled.\r\n";
	return "Percona XtraDB Cluster Node is not synced.\r\n";
}

static void readiness_body(struct http_reply *r, const struct verdict *v, enum http_bodies bodies,
			   enum admin_state admin, const char *admin_why)
{
	if (bodies == BODIES_CLUSTERCHECK)
		set_body(r, "%s", clustercheck_body(v));
	/* The operator's reason says who drained the node and how long it
	 * lasts (SIGTERM, ctl, the maintenance file): worth more than the
	 * check's bare name. */
	else if (v->failed == CHECK_DRAIN && admin == ADMIN_DRAIN && admin_why[0])
		set_body(r, "Galera node is draining: %s\n", admin_why);
	else if (v->failed == CHECK_MAINTENANCE && admin_why[0])
		set_body(r, "Galera node is not ready: %s: %s\n", v->reason, admin_why);
	else if (v->code == 200 && strcmp(v->reason, "Synced") == 0)
		set_body(r, "Galera node is synced.\n");
	else if (v->code == 200)
		set_body(r, "Galera node is ready: %s\n", v->reason);
	else if (verdict_check_drains(v->failed))
		set_body(r, "Galera node is draining: %s\n", v->reason);
	else
		set_body(r, "Galera node is not ready: %s\n", v->reason);
}

/* Kubernetes /readyz?verbose style: one line per check, then the verdict.
 * The one text shape for /ready and /live; each hands its checks over as
 * (name, ok, reason) rows. */
struct verbose_row {
	const char *name;
	bool ok;
	const char *reason;
};

static void verbose_body(struct http_reply *r, const struct verbose_row *rows, size_t n,
			 const char *what, int code, const char *reason)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "[%c]%s %s: %s\n", rows[i].ok ? '+' : '-', rows[i].name,
			rows[i].ok ? "ok" : "failed", rows[i].reason);
	if (code == 200)
		fprintf(f, "%s check passed\n", what);
	else
		fprintf(f, "%s check failed: %s\n", what, reason);
	/* buf and len only hold the text once the stream is closed. */
	if (fclose(f) == 0) {
		r->body = buf;
		r->body_len = len;
	} else {
		free(buf);
	}
}

static void ready_verbose_body(struct http_reply *r, const struct health_view *view,
			       const struct timespec *now, const struct verdict *v)
{
	struct verdict_check checks[CHECK_COUNT];
	struct verbose_row rows[CHECK_COUNT];

	verdict_checks(&view->snap, view->admin, &view->policy, now, checks);
	for (int i = 0; i < CHECK_COUNT; i++)
		rows[i] = (struct verbose_row){verdict_check_name(checks[i].id), checks[i].ok, checks[i].reason};
	verbose_body(r, rows, CHECK_COUNT, "ready", v->code, v->reason);
}

static void live_verbose_body(struct http_reply *r, const struct health_view *view,
			      const struct timespec *now, const struct liveness *l)
{
	struct liveness_check checks[LIVE_CHECK_COUNT];
	struct verbose_row rows[LIVE_CHECK_COUNT];

	liveness_checks(&view->snap, &view->snap.datadir, &view->memory, &view->live_policy,
			view->policy.stale_after_ms, now, checks);
	for (int i = 0; i < LIVE_CHECK_COUNT; i++)
		rows[i] = (struct verbose_row){liveness_check_name(checks[i].id), checks[i].ok, checks[i].reason};
	verbose_body(r, rows, LIVE_CHECK_COUNT, "live", l->code, l->reason);
}

static void live_reply(struct http_reply *r, const struct http_request *req,
		       const struct health_view *view, const struct timespec *now)
{
	struct liveness l = report_liveness(view, now);

	r->status = l.code;
	if (req->verbose)
		live_verbose_body(r, view, now, &l);
	else if (l.code == 200)
		set_body(r, "Galera node is alive: %s\n", l.reason);
	else
		set_body(r, "Galera node is not alive: %s\n", l.reason);
}

/* /status, and "/" asked for JSON: the one report shape, never a second. */
static void json_reply(struct http_reply *r, const struct health_view *view,
		       const struct timespec *now, int status)
{
	json_t *j = report_json(view, now);
	char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;

	json_decref(j);
	r->status = status;
	r->content_type = "application/json";
	if (text)
		set_body(r, "%s\n", text);
	free(text);
}

static bool wants_json(const char *accept)
{
	/* kubelet sends Accept: star/star and HAProxy nothing: both keep
	 * the text answers; only an explicit JSON request gets JSON. */
	return accept && strcasestr(accept, "application/json") != NULL;
}

static bool method_allowed(const char *m)
{
	/* HAProxy's default probe is OPTIONS: it must get the same verdict as
	 * GET, never a generic 200 that would keep a broken node in the pool. */
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

void http_reply_build(const struct http_request *req, const struct health_view *view,
		      const struct timespec *now, enum http_bodies bodies,
		      struct http_reply *out)
{
	memset(out, 0, sizeof *out);
	out->content_type = "text/plain";

	if (!method_allowed(req->method)) {
		out->status = 405;
		out->allow = ALLOWED_METHODS;
		set_body(out, "Method not allowed: use GET, HEAD or OPTIONS.\n");
		return;
	}
	switch (metrics_endpoint_of(req->path)) {
	case EP_ROOT:
	case EP_READY: {
		struct verdict v = verdict_decide(&view->snap, view->admin, &view->policy, now);
		if (wants_json(req->accept) && !req->verbose) {
			json_reply(out, view, now, v.code);
			return;
		}
		out->status = v.code;
		if (req->verbose)
			ready_verbose_body(out, view, now, &v);
		else
			readiness_body(out, &v, bodies, view->admin, view->admin_why);
		return;
	}
	case EP_LIVE:
		live_reply(out, req, view, now);
		return;
	case EP_STATUS:
		json_reply(out, view, now, 200);
		return;
	case EP_METRICS:
		out->status = 200;
		out->content_type = METRICS_CONTENT_TYPE;
		out->body = metrics_text(view, now, req->requests, &out->body_len);
		return;
	case EP_WRITER:
		clusterview_writer_reply(req, view, now, out);
		return;
	case EP_CLUSTER:
		clusterview_cluster_reply(req, view, now, out);
		return;
	case EP_OTHER:
	case EP_COUNT:
		break;
	}
	out->status = 404;
	set_body(out, "Not found: %s\n", req->path);
}

/* A refused credential: 401 asks for one (429 when too many checks are
 * already waiting); the body never says which part was wrong. */
static void refused_reply(enum auth_reason r, const char *path, struct http_reply *out)
{
	memset(out, 0, sizeof *out);
	out->content_type = "text/plain";
	if (r == AUTH_BUSY) {
		out->status = 429;
		set_body(out, "Too many password checks in progress; retry later.\n");
		return;
	}
	out->status = 401;
	out->www_authenticate = "Basic realm=\"clustercheckd\", charset=\"UTF-8\"";
	set_body(out, "Unauthorized: %s needs credentials.\n", path);
}

void http_reply_free(struct http_reply *r)
{
	free(r->body);
	r->body = NULL;
}

/* ---- libmicrohttpd glue ------------------------------------------------ */

/* One libmicrohttpd daemon and the certificate it serves: a SIGHUP with a
 * new certificate starts a new one (the gate keeps the listening socket,
 * so no connection is refused meanwhile) and retires this one. */
struct engine {
	struct MHD_Daemon *daemon;
	struct tls_creds creds;  /* zeroed for plain HTTP; kept while the daemon runs */
};

struct http_server {
	struct gate *gate;       /* daemon mode: accepts, waits for the request */
	bool gate_counts;        /* TLS: the gate counts handshakes in the engine */
	int listen_fd;
	struct http_opts opts;
	/* daemon mode: `current` is swapped by http_reload_tls while the gate
	 * hands connections to it */
	pthread_mutex_t lock;
	struct engine *current, *retired;
	/* inetd mode: one connection, run in the caller's thread */
	struct MHD_Daemon *one;
	bool closed;
	int status_sent;
	struct metrics_requests requests;
	struct auth *auth;       /* NULL: no authentication */
};

/* A client can make libmicrohttpd say something on every connection (a
 * malformed request, a connection closed mid-request): counted and
 * summarised, one kind per message of the library (its format string). */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_rate(fmt, LOG_WARNING, "http: %s", msg);
}

static bool has_argument(struct MHD_Connection *c, const char *key)
{
	const char *value;
	size_t value_len;

	return MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, key, strlen(key),
					     &value, &value_len) == MHD_YES;
}

static enum MHD_Result queue_reply(struct MHD_Connection *c, struct http_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	static char empty[] = "";

	resp = MHD_create_response_from_buffer(r->body_len, r->body ? r->body : empty,
					       r->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		http_reply_free(r);
		return MHD_NO;
	}
	r->body = NULL; /* MHD frees it now */
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type) != MHD_YES ||
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") != MHD_YES ||
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close") != MHD_YES ||
	    (r->allow && MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow) != MHD_YES) ||
	    (r->www_authenticate && MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
							    r->www_authenticate) != MHD_YES)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* TLS: the connection is past its handshake (or gone), the gate may let
 * the next one in. */
static void engine_done(struct http_server *s, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	if (!s->gate_counts)
		return;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci)
		gate_engine_done(s->gate, ci->connect_fd);
}

/* ---- authentication: the one hook between a request and its answer ---- */

/* Per connection while its password is checked (MHD's con_cls). */
struct pending_auth {
	struct auth_check chk;
	struct MHD_Connection *c;
};

static void auth_checked(void *ctx)
{
	struct pending_auth *p = ctx;

	MHD_resume_connection(p->c);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	if (*con_cls) {
		explicit_bzero(*con_cls, sizeof(struct pending_auth));
		free(*con_cls);
		*con_cls = NULL;
	}
}

static void client_text(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, len, "?");
	if (sa)
		getnameinfo(sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
			    out, (socklen_t)len, NULL, 0, NI_NUMERICHOST);
}

/* AUTH_OK: answer. AUTH_PENDING: the connection is suspended until the
 * verifier thread is done (MHD then calls on_request again). Anything
 * else: refuse. Probes under "info" never get here with a credential to
 * check, so no hash ever delays them. */
static enum auth_reason authorize(struct http_server *s, struct MHD_Connection *c,
				  const struct http_request *req, void **con_cls)
{
	struct pending_auth *p = *con_cls;
	char subject[AUTH_SUBJECT_MAX], client[64];
	enum auth_reason r;

	if (p) {
		r = p->chk.result; /* resumed */
	} else {
		if (!auth_protects(s->opts.auth->protect, metrics_endpoint_of(req->path), req->verbose,
				   wants_json(req->accept)))
			return AUTH_OK;
		p = calloc(1, sizeof *p);
		if (!p)
			return AUTH_BUSY;
		r = auth_begin(s->auth, MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								    MHD_HTTP_HEADER_AUTHORIZATION),
			       tls_peer_subject(c, subject, sizeof subject) == 0 ? subject : NULL, &p->chk);
		if (r == AUTH_PENDING && s->one)
			r = auth_verify(s->auth, &p->chk);
		if (r == AUTH_PENDING) {
			p->c = c;
			p->chk.done = auth_checked;
			p->chk.ctx = p;
			*con_cls = p;
			/* Suspended before it is queued: the resume cannot come first. */
			MHD_suspend_connection(c);
			if (!auth_submit(s->auth, &p->chk)) {
				p->chk.result = AUTH_BUSY;
				MHD_resume_connection(c);
			}
			return AUTH_PENDING;
		}
	}
	if (r != AUTH_OK) {
		client_text(c, client, sizeof client);
		auth_log_refusal(s->auth, &p->chk, r, req->path, client);
		metrics_count_unauthorized(&s->requests, r);
	}
	if (p != *con_cls) {
		explicit_bzero(p, sizeof *p);
		free(p);
	}
	return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct health_view view;
	struct http_request req;
	struct http_reply reply;
	struct timespec now;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	/* Answering on the first call makes MHD close the connection after
	 * the reply and discard any request body: one check per connection,
	 * as HAProxy and kubelet do anyway (a password being checked is the
	 * one exception: the connection waits, suspended, for the verdict). */
	if (!*con_cls)
		engine_done(s, c);
	req.method = method;
	req.path = url;
	req.verbose = has_argument(c, "verbose");
	req.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	req.requests = &s->requests;
	enum auth_reason ar = s->auth ? authorize(s, c, &req, con_cls) : AUTH_OK;
	if (ar == AUTH_PENDING)
		return MHD_YES;
	if (ar != AUTH_OK && method_allowed(method)) {
		refused_reply(ar, url, &reply);
	} else {
		s->opts.view(s->opts.view_ctx, &view);
		clock_mono(&now);
		http_reply_build(&req, &view, &now, s->opts.bodies, &reply);
	}
	metrics_count(&s->requests, metrics_endpoint_of(url), reply.status);
	if (s->one)
		s->status_sent = reply.status; /* inetd mode's exit status; same thread */
	ret = queue_reply(c, &reply);
	http_reply_free(&reply);
	return ret;
}

static unsigned pool_size(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	/* A pool of one thread is refused by MHD with a warning. */
	return n < 2 ? 2 : n > 4 ? 4 : (unsigned)n;
}

/* The socket passed by systemd may be blocking: the gate never waits on it. */
static int adopt_listen_fd(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fd;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;

	(void)socket_context;
	if (code != MHD_CONNECTION_NOTIFY_CLOSED)
		return;
	if (s->one)
		s->closed = true; /* same thread */
	else
		engine_done(s, c);
}

/* The engine's options, built once for both modes. In daemon mode it only
 * ever sees connections the gate let through, so its own limits are never
 * what refuses one; in inetd mode it serves one connection in the caller's
 * thread (MHD_run_wait): a process per check pays for every thread
 * hand-off, and on a busy host each one can wait for a CPU. */
static struct MHD_Daemon *engine_start(struct http_server *s, const struct tls_creds *tls, bool one)
{
	const struct http_opts *o = &s->opts;
	struct MHD_OptionItem it[13];
	size_t n = 0;
	unsigned flags = MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG;

	it[n++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL};
	it[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)o->timeout_s, NULL};
	/* inetd: when the one connection is over; TLS: when a handshake is */
	if (one || (tls && tls->cert))
		it[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s};
	it[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL};
	if (!one) {
		/* poll(), not epoll, for TLS: 0.9.75's epoll loop spins on a
		 * connection waiting for the client's half of a handshake
		 * (measured: 0.9 ms of CPU per HTTPS check with poll, 3.1 ms
		 * with epoll; 80 stalled handshakes kept two threads at 75%).
		 * The engine holds few connections at once (the gate sees to
		 * it), so poll's cost per wake-up stays small. */
		flags |= MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
			 (tls && tls->cert ? MHD_USE_POLL : MHD_USE_EPOLL);
		/* Suspend/resume: a connection waits for the password verifier
		 * without holding an engine thread (authorize()). */
		flags |= MHD_ALLOW_SUSPEND_RESUME;
		it[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_CONNECTION_MEMORY, NULL};
		it[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, (intptr_t)o->max_connections, NULL};
		it[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)pool_size(), NULL};
	}
	if (tls && tls->cert) {
		flags |= MHD_USE_TLS;
		it[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, tls->cert};
		it[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, tls->key};
		it[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)(uintptr_t)TLS_PRIORITIES};
		if (tls->client_ca)
			it[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, tls->client_ca};
	}
	it[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, it, MHD_OPTION_END);
}

static void engine_free(struct engine *e)
{
	if (!e)
		return;
	if (e->daemon)
		MHD_stop_daemon(e->daemon);
	tls_creds_free(&e->creds);
	free(e);
}

static void log_certificate(const struct tls_creds *c, const char *what)
{
	char when[64], warn[512];
	struct tm tm;
	time_t t = c->not_after;

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d", &tm);
	log_info("http: %s %s (valid until %s)%s", what, c->subject, when,
		 c->client_ca ? "; client certificates from http.tls.client_ca" : "");
	if (tls_creds_warning(c, time(NULL), warn, sizeof warn))
		log_warnx("http: %s", warn);
}

/* NULL with err set. `tls` NULL or not enabled: plain HTTP. */
static struct engine *engine_new(struct http_server *s, const struct tls_cfg *tls, bool one,
				 char *err, size_t errlen)
{
	struct engine *e = calloc(1, sizeof *e);
	enum tls_file which;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (tls && tls_cfg_enabled(tls) &&
	    tls_creds_load(&e->creds, tls, time(NULL), &which, err, errlen) != 0) {
		free(e);
		return NULL;
	}
	e->daemon = engine_start(s, &e->creds, one);
	if (!e->daemon) {
		snprintf(err, errlen, "cannot start the HTTP engine: %s", strerror(errno));
		engine_free(e);
		return NULL;
	}
	return e;
}

/* The engine a reload replaced finishes what it holds (every connection
 * it has was handed over with its request or ClientHello already there,
 * so it is done within http.timeout); it is stopped at the next reload,
 * or at exit. */
static struct engine *take_retired(struct http_server *s)
{
	struct engine *e;

	pthread_mutex_lock(&s->lock);
	e = s->retired;
	s->retired = NULL;
	pthread_mutex_unlock(&s->lock);
	return e;
}

static bool handoff(void *ctx, int fd)
{
	struct http_server *s = ctx;
	struct sockaddr_storage peer;
	socklen_t len = sizeof peer;
	enum MHD_Result ok;

	if (getpeername(fd, (struct sockaddr *)&peer, &len) != 0) {
		close(fd); /* gone already */
		return false;
	}
	/* MHD closes fd itself when it cannot take it. */
	pthread_mutex_lock(&s->lock);
	ok = MHD_add_connection(s->current->daemon, fd, (struct sockaddr *)&peer, len);
	pthread_mutex_unlock(&s->lock);
	if (ok != MHD_YES)
		log_rate("handoff", LOG_WARNING, "http: the HTTP engine refused a connection: %s",
			 strerror(errno));
	return ok == MHD_YES;
}

struct http_server *http_start(const struct http_opts *o, char *err, size_t errlen)
{
	struct http_server *s = calloc(1, sizeof *s);
	struct gate_opts go;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->opts = *o;
	s->listen_fd = -1;
	s->status_sent = -1;
	pthread_mutex_init(&s->lock, NULL);
	if (o->listen_fd >= 0) {
		s->listen_fd = adopt_listen_fd(o->listen_fd);
		if (s->listen_fd < 0) {
			snprintf(err, errlen, "cannot listen on the socket passed by systemd: %s",
				 strerror(errno));
			goto fail;
		}
	} else if ((s->listen_fd = net_listen(o->listen, SOCK_NONBLOCK, err, errlen)) < 0) {
		goto fail;
	}
	if (o->auth && o->auth->nusers && !(s->auth = auth_new(o->auth, true, err, errlen)))
		goto fail;
	s->current = engine_new(s, o->tls, false, err, errlen);
	if (!s->current)
		goto fail;
	if (s->current->creds.cert)
		log_certificate(&s->current->creds, "HTTPS with");
	go = (struct gate_opts){
		.listen_fd = s->listen_fd,
		.capacity = o->max_connections,
		.per_addr = o->max_connections_per_ip,
		.timeout_ms = o->timeout_s * 1000,
		.head_max = HTTP_CONNECTION_MEMORY,
		.tls = s->current->creds.cert != NULL,
		.handoff = handoff,
		.ctx = s,
		.self = &s->gate,
	};
	s->gate_counts = go.tls;
	s->gate = gate_start(&go, err, errlen);
	if (s->gate)
		return s;
	engine_free(s->current);
fail:
	auth_free(s->auth);
	if (s->listen_fd >= 0 && s->listen_fd != o->listen_fd)
		close(s->listen_fd);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return NULL;
}

int http_reload_tls(struct http_server *s, const struct tls_cfg *tls)
{
	char err[PATH_MAX + 256];
	struct engine *e, *old;

	if (tls_cfg_enabled(tls) != (s->current->creds.cert != NULL)) {
		log_warnx("reload: switching between HTTP and HTTPS applies only after a restart");
		return -1;
	}
	if (!tls_cfg_enabled(tls))
		return 0;
	/* A connection of the retired engine may wait, suspended, for the
	 * password verifier: it must be resumed before that engine stops. */
	auth_wait_idle(s->auth);
	engine_free(take_retired(s));
	e = engine_new(s, tls, false, err, sizeof err);
	if (!e) {
		log_warnx("reload: http.tls: %s; keeping the running certificate", err);
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	old = s->current;
	s->current = e;
	s->retired = old;
	pthread_mutex_unlock(&s->lock);
	log_certificate(&e->creds, "reload: now serving");
	return 0;
}

unsigned http_port(const struct http_server *s)
{
	return net_local_port(s->listen_fd);
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	/* The gate first: it may still be handing connections to the engine. */
	gate_stop(s->gate);
	/* Then the verifier: it resumes every connection still waiting for
	 * it, and MHD will not stop with one suspended. */
	auth_free(s->auth);
	s->auth = NULL;
	engine_free(take_retired(s));
	engine_free(s->current);
	gate_free(s->gate);
	if (s->listen_fd != s->opts.listen_fd)
		close(s->listen_fd);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int http_serve_connection(const struct http_opts *o, int fd)
{
	struct http_server s = {.opts = *o, .status_sent = -1};
	struct sockaddr_storage peer;
	socklen_t peer_len = sizeof peer;
	struct engine *e;
	char err[PATH_MAX + 256];
	long long deadline;
	int left;

	if (getpeername(fd, (struct sockaddr *)&peer, &peer_len) == -1) {
		log_warn("inetd: the connection is not a socket");
		close(fd);
		return -1;
	}
	if (o->auth && o->auth->nusers && !(s.auth = auth_new(o->auth, false, err, sizeof err))) {
		log_warnx("inetd: %s", err);
		close(fd);
		return -1;
	}
	e = engine_new(&s, o->tls, true, err, sizeof err);
	if (!e) {
		log_warnx("inetd: %s", err);
		auth_free(s.auth);
		close(fd);
		return -1;
	}
	s.one = e->daemon;
	/* MHD owns fd from here on and closes it in every case. */
	if (MHD_add_connection(s.one, fd, (struct sockaddr *)&peer, peer_len) != MHD_YES) {
		log_warn("inetd: cannot serve the connection");
		engine_free(e);
		auth_free(s.auth);
		return -1;
	}
	/* MHD's own timeout is per idle period; this bounds the whole
	 * exchange, however slowly a client trickles its bytes. */
	deadline = clock_deadline_ms(((long long)o->timeout_s + 1) * 1000);
	while (!s.closed && (left = clock_ms_left(deadline)) > 0)
		if (MHD_run_wait(s.one, (int32_t)left) != MHD_YES)
			break;
	if (!s.closed)
		log_warnx("inetd: the client took longer than %u s; closing", o->timeout_s + 1);
	engine_free(e);
	auth_free(s.auth);
	return s.status_sent;
}
