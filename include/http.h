/* The one HTTP path: request -> reply is pure (http_reply_build), and the
 * same libmicrohttpd glue serves it on a listening socket (daemon, systemd
 * LISTEN_FDS) or on one accepted connection (inetd, systemd Accept=yes). */
#ifndef CLUSTERCHECKD_HTTP_H
#define CLUSTERCHECKD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "auth.h"
#include "cfg.h"
#include "health.h"
#include "metrics.h"
#include "tls.h"

struct http_request {
	const char *method;
	const char *path;     /* without the query */
	bool verbose;         /* ?verbose */
	const char *accept;   /* Accept header or NULL */
	const struct metrics_requests *requests; /* for /metrics; may be NULL */
};

struct http_reply {
	int status;
	const char *content_type;
	const char *allow;    /* Allow header for 405, else NULL */
	const char *www_authenticate; /* for 401, else NULL */
	char *body;           /* malloc'd, owned by the reply */
	size_t body_len;
};

/* Pure: what to answer to `req` given `view` at `now`. */
void http_reply_build(const struct http_request *req, const struct health_view *view,
		      const struct timespec *now, enum http_bodies bodies,
		      struct http_reply *out);
void http_reply_free(struct http_reply *r);

/* Where answers come from: the daemon's shared health, or a one-shot probe. */
typedef void (*http_view_fn)(void *ctx, struct health_view *out);

struct http_opts {
	const char *listen;      /* "ADDR:PORT"; ignored when listen_fd >= 0 */
	int listen_fd;           /* an already listening socket, or -1 */
	unsigned timeout_s;
	unsigned max_connections;
	unsigned max_connections_per_ip;
	enum http_bodies bodies;
	const struct tls_cfg *tls; /* NULL or all "": plain HTTP */
	http_view_fn view;
	void *view_ctx;
	const struct auth_cfg *auth; /* NULL or no users: every answer is open */
};

struct http_server;

struct http_server *http_start(const struct http_opts *o, char *err, size_t errlen);
unsigned http_port(const struct http_server *s);
/* SIGHUP: re-reads http.tls's files into a new engine that takes the next
 * connections; on any problem the running certificate stays (logged).
 * Returns 0 or -1. Plain HTTP <-> HTTPS needs a restart. */
int http_reload_tls(struct http_server *s, const struct tls_cfg *tls);
void http_stop(struct http_server *s);

/* Serve exactly one request on the connected socket `fd` (inetd mode) and
 * return the status sent, or -1 if nothing could be sent. Takes fd over. */
int http_serve_connection(const struct http_opts *o, int fd);

#endif
