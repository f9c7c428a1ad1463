#include "oneshot.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <mysql.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "http.h"
#include "log.h"
#include "probe.h"
#include "report.h"
#include "sdnotify.h"

void oneshot_log(enum log_target target, bool debug)
{
	log_init(target, "clustercheckd");
	log_set_level(debug ? LOG_DEBUG : LOG_INFO);
}

int oneshot_begin(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (mysql_library_init(0, NULL, NULL) != 0) {
		log_warnx("cannot initialise the MariaDB client library");
		return -1;
	}
	return 0;
}

void oneshot_end(struct cfg *c)
{
	explicit_bzero(c, sizeof *c);
	mysql_library_end();
}

static void view_init(const struct cfg *c, const struct oneshot_intent *in, struct health_view *out)
{
	memset(out, 0, sizeof *out);
	snapshot_init(&out->snap);
	out->policy = c->policy;
	out->admin = in ? in->admin : ADMIN_READY;
	if (in && in->admin_why)
		snprintf(out->admin_why, sizeof out->admin_why, "%s", in->admin_why);
	/* Looked at when the answer is due, not at start-up, so that touching
	 * the file takes effect for the very next check, as with clustercheck. */
	if (in && in->disabled_file && access(in->disabled_file, F_OK) == 0) {
		out->admin = ADMIN_MAINT;
		snprintf(out->admin_why, sizeof out->admin_why, "%s exists", in->disabled_file);
	}
}

int oneshot_probe(const struct cfg *c, const struct oneshot_intent *in, struct health_view *out)
{
	struct probe *p;
	int rc;

	view_init(c, in, out);
	/* Maintenance decides before anything mysqld could say: no connection
	 * at all, as clustercheck does with its disabled file. */
	if (out->admin == ADMIN_MAINT)
		return 0;
	if (in && in->no_probe_why) {
		snapshot_set_unreachable(&out->snap, 0, in->no_probe_why);
		clock_mono(&out->snap.taken);
		return -1;
	}
	p = probe_new(&c->mysql);
	if (!p) {
		snapshot_set_unreachable(&out->snap, 0, "out of memory");
		clock_mono(&out->snap.taken);
		return -1;
	}
	rc = probe_poll(p, &out->snap);
	if (rc == 0) {
		struct sst_tracker t = {0};
		probe_look_for_sst(p, &out->snap, &t);
	}
	probe_free(p);
	if (rc != 0)
		log_warnx("mysqld: %s", out->snap.error);
	return rc;
}

static bool is_connected_stream(int fd)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof peer;
	int type = 0;
	socklen_t type_len = sizeof type;

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) == 0 && type == SOCK_STREAM &&
	       getpeername(fd, (struct sockaddr *)&peer, &len) == 0;
}

int oneshot_take_connection(void)
{
	int from = 0, null_fd, fd;

	if (!is_connected_stream(0)) {
		/* systemd Accept=yes without StandardInput=socket passes the
		 * connection as fd 3 instead. */
		from = sdnotify_connection_fd();
		if (from < 0 || !is_connected_stream(from)) {
			errno = ENOTCONN;
			return -1;
		}
	}
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd == -1)
		return -1;
	/* Above 2, so that the dup2s below cannot land on it. */
	fd = fcntl(from, F_DUPFD_CLOEXEC, 3);
	if (fd == -1) {
		close(null_fd);
		return -1;
	}
	if (from > 2)
		close(from);
	for (int i = 0; i <= 2; i++)
		if (i != null_fd)
			dup2(null_fd, i);
	if (null_fd > 2)
		close(null_fd);
	return fd;
}

struct lazy_view {
	const struct cfg *cfg;
	const struct oneshot_intent *in;
	bool done;
	struct health_view view;
};

/* Called by the HTTP engine once a request has arrived: a client that
 * connects and sends nothing never costs a MySQL connection. */
static void lazy_view(void *ctx, struct health_view *out)
{
	struct lazy_view *lv = ctx;

	if (!lv->done) {
		oneshot_probe(lv->cfg, lv->in, &lv->view);
		lv->done = true;
	}
	*out = lv->view;
}

static struct http_opts serve_opts(const struct cfg *c, struct lazy_view *lv)
{
	unsigned t = c->http_timeout_s;

	return (struct http_opts){
		.listen = NULL,
		.listen_fd = -1,
		.timeout_s = t > ONESHOT_MAX_TIMEOUT_S ? ONESHOT_MAX_TIMEOUT_S : t,
		.max_connections = 1,
		.max_connections_per_ip = 0,
		.bodies = c->bodies,
		.tls = &c->tls,
		.view = lazy_view,
		.view_ctx = lv,
		.auth = &c->auth,
	};
}

int oneshot_serve(const struct cfg *c, const struct oneshot_intent *in, int fd)
{
	struct lazy_view lv = {.cfg = c, .in = in};
	struct http_opts o = serve_opts(c, &lv);
	int status = http_serve_connection(&o, fd);

	explicit_bzero(&lv.view, sizeof lv.view);
	return status;
}

/* A connected TCP pair on loopback: what the HTTP engine expects of a
 * client socket (a unix socketpair makes it log TCP option failures). */
static int loopback_pair(int sv[2])
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sv[0] = sv[1] = -1;
	if (l == -1)
		return -1;
	if (bind(l, (struct sockaddr *)&a, sizeof a) == -1 || listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&a, &len) == -1)
		goto fail;
	sv[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sv[0] == -1 || connect(sv[0], (struct sockaddr *)&a, sizeof a) == -1)
		goto fail;
	sv[1] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (sv[1] == -1)
		goto fail;
	close(l);
	return 0;
fail:
	if (sv[0] != -1)
		close(sv[0]);
	close(l);
	return -1;
}

int oneshot_serve_to(const struct cfg *c, const struct oneshot_intent *in, FILE *out)
{
	static const char request[] = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
	char buf[4096];
	int sv[2], status;
	ssize_t n;

	if (loopback_pair(sv) == -1) {
		log_warn("cannot make a loopback connection to answer through");
		return -1;
	}
	/* The request and the whole response fit in the socket buffers, so
	 * one thread can write, serve and then read without deadlock. */
	if (write(sv[0], request, sizeof request - 1) != (ssize_t)(sizeof request - 1)) {
		log_warn("cannot write the request");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	status = oneshot_serve(c, in, sv[1]); /* takes sv[1] over */
	while ((n = read(sv[0], buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, out);
	close(sv[0]);
	fflush(out);
	return status;
}

int oneshot_check(const struct cfg *c, bool json, FILE *out)
{
	struct health_view view;
	struct timespec now;
	struct verdict v;
	int rc = oneshot_probe(c, NULL, &view);

	clock_mono(&now);
	v = verdict_decide(&view.snap, view.admin, &view.policy, &now);
	if (json) {
		json_t *j = report_json(&view, &now);
		if (!j || json_dumpf(j, out, JSON_INDENT(2)) != 0) {
			json_decref(j);
			return ONESHOT_EXIT_UNKNOWN;
		}
		fputc('\n', out);
		json_decref(j);
	} else {
		fprintf(out, "%s (%d): %s\n", v.code == 200 ? "ready" : "not ready", v.code, v.reason);
	}
	fflush(out);
	/* "Not ready" is an answer; "mysqld did not answer" is not one, and a
	 * monitor should tell the two apart (UNKNOWN vs CRITICAL in Nagios). */
	if (rc != 0)
		return ONESHOT_EXIT_UNKNOWN;
	return v.code == 200 ? ONESHOT_EXIT_READY : ONESHOT_EXIT_NOT_READY;
}

static void report_to_log(void *ctx, const char *msg)
{
	(void)ctx;
	log_warnx("config: %s", msg);
}

int oneshot_inetd_main(int argc, char **argv)
{
	struct oneshot_intent in = {.admin = ADMIN_READY};
	struct cli o = {0};
	struct cfg c;
	int fd, status;

	/* Before anything can print: fds 0-2 are the client's connection. */
	fd = oneshot_take_connection();
	log_init(LOG_TO_SYSLOG, "clustercheckd");
	if (fd == -1) {
		log_warn("--inetd: stdin is not a connected stream socket");
		return 1;
	}
	if (cli_parse(argc, argv, &o) != 0 || cli_load_config(&c, &o, report_to_log) != 0) {
		/* Still an HTTP answer: a load balancer should see 503 with a
		 * reason, not a connection that closes on it. */
		log_warnx("--inetd: arguments or configuration not usable; answering 503");
		cfg_defaults(&c);
		c.debug = o.debug;
		in.no_probe_why = "not asked: the clustercheckd configuration is not usable (see its log)";
	}
	if (c.log == LOG_TO_STDERR)
		c.log = LOG_TO_SYSLOG;
	oneshot_log(c.log, c.debug);
	if (oneshot_begin() != 0) {
		close(fd);
		return 1;
	}
	status = oneshot_serve(&c, &in, fd);
	oneshot_end(&c);
	return status == 200 ? 0 : 1;
}
