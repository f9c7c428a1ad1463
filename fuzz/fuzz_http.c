/* Raw request bytes -> one connection served by http_serve_connection(),
 * the real inetd path (libmicrohttpd parses, http_reply_build answers),
 * over a socketpair. The client half-closes after the input, as a client
 * that sent everything it had; the agent must then answer or close, never
 * hang, and whatever it sends must be one well-framed HTTP response. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "http.h"

static struct health_view view;

static void give_view(void *ctx, struct health_view *out)
{
	(void)ctx;
	*out = view;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct timespec now;

	(void)argc;
	(void)argv;
	fuzz_quiet_logs();
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* Fresh for the whole run: taken an hour ahead is never stale. */
	now.tv_sec += 3600;
	fuzz_synced_view(&view, &now);
	return 0;
}

static const char *find(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle));
}

/* One response: status line, headers, and a body of exactly
 * Content-Length bytes (none for HEAD). */
static void check_response(const char *r, size_t n, bool head)
{
	const char *end, *cl;
	int status;

	if (n == 0)
		return; /* a clean close is an acceptable answer to garbage */
	if (n < 12 || (memcmp(r, "HTTP/1.1 ", 9) != 0 && memcmp(r, "HTTP/1.0 ", 9) != 0))
		abort();
	status = atoi(r + 9);
	if (status < 200 || status > 599)
		abort();
	/* libmicrohttpd 0.9.75 answers some malformed requests itself (400 for
	 * a bad Content-Length, 413, 431, 505) and, for Content-Length errors,
	 * sends its status line and headers twice. Those answers are refusals
	 * of a request HAProxy and kubelet never send; only their status is
	 * checked. Ours (200, 503, 404, 405) must be framed exactly. */
	if (status != 200 && status != 503 && status != 404 && status != 405) {
		if (status < 400)
			abort();
		return;
	}
	end = find(r, n, "\r\n\r\n");
	if (!end)
		abort();
	cl = find(r, (size_t)(end - r), "\r\nContent-Length: ");
	if (!cl)
		abort();
	size_t body = n - (size_t)(end + 4 - r);
	long want = atol(cl + 18);
	if ((long)body != want && !(head && body == 0))
		abort();
	/* Our own answers must say "close" (HAProxy, inetd: one check, one connection). */
	if ((status == 200 || status == 503 || status == 405) && !find(r, (size_t)(end - r), "\r\nConnection: close"))
		abort();
}

/* libmicrohttpd is not instrumented, so coverage cannot steer mutations
 * through its parser; the reply builder is also fed the request line's
 * words directly, whatever MHD would have made of them. */
static void reply_from_words(const uint8_t *data, size_t size)
{
	char line[512], *method, *target, *query, *save = NULL;
	size_t n = size < sizeof line - 1 ? size : sizeof line - 1;
	struct http_request req = {0};
	struct http_reply r;
	struct timespec now = view.snap.taken;

	memcpy(line, data, n);
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	method = strtok_r(line, " ", &save);
	target = strtok_r(NULL, " ", &save);
	if (!method || !target)
		return;
	query = strchr(target, '?');
	if (query)
		*query++ = '\0';
	req.method = method;
	req.path = target;
	req.verbose = query && strstr(query, "verbose");
	http_reply_build(&req, &view, &now, BODIES_CLUSTERCHECKD, &r);
	if (r.status < 200 || r.status > 599 || (r.body && strlen(r.body) != r.body_len))
		abort();
	if (r.status == 405 && !r.allow)
		abort();
	http_reply_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_opts o = {
		.listen_fd = -1,
		.timeout_s = 1,
		.bodies = size && (data[0] & 1) ? BODIES_CLUSTERCHECK : BODIES_CLUSTERCHECKD,
		.view = give_view,
	};
	char buf[65536];
	size_t got = 0;
	int sv[2];

	reply_from_words(data, size);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
	/* 8 KiB inputs fit in the socket buffer: no writer thread needed. */
	if (size && write(sv[0], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[0], SHUT_WR);
	http_serve_connection(&o, sv[1]); /* takes sv[1] over */
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t r = read(sv[0], buf + got, sizeof buf - got);
		if (r <= 0 || (got += (size_t)r) == sizeof buf)
			break;
	}
	close(sv[0]);
	/* MHD skips stray CR and LF before the request line, so whether this
	 * was a HEAD (no body) is only guessed: any "HEAD" allows an empty body. */
	check_response(buf, got, memmem(data, size, "HEAD", 4) != NULL);
	return 0;
}
