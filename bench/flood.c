/* flood: hold many connections to a port from many loopback source
 * addresses, the way a connection flood or a misbehaving monitor does.
 *
 *   flood -p PORT -n CONNS [-a ADDRS] [-s FIRST] [-m idle|slow|churn|malformed|hello] [-d SECONDS] [-k] [-w]
 *
 * Connections go from FIRST (127.0.0.2 by default) and the ADDRS-1
 * addresses after it, round robin, to 127.0.0.1:PORT.
 *   idle       connect and send nothing
 *   slow       send "GET / HTTP/1.1" and then one header line a second per
 *              connection, never the empty line that ends the request
 *   churn      connect and close at once, as fast as possible (CONNS in
 *              parallel): a flood of refused or dropped connections
 *   malformed  send a request line that is not HTTP, read, close, again
 *   hello      (a TLS port) send a TLS 1.2 ClientHello offering only ECDHE
 *              suites, so that the server does its full share of a
 *              handshake (key exchange and signature), read what it
 *              answers and never send anything more: a stalled handshake
 * idle, slow and hello HOLD: a connection the server closes is opened again at
 * once, so CONNS stay open for SECONDS whatever the server does.
 * -w (wait): a connection the server closed is opened again on the next
 * second's tick, not at once: a steady stream (CONNS a second at most)
 * rather than a loop as fast as the machine goes.
 * -k (keep): the client's side of a connection the server closed is
 * closed only a second later, as by a client that does not watch its
 * sockets (a server waiting for the client's close then waits that long).
 *
 * Every second a line on stderr; at the end one line of key=value pairs
 * on stdout: opened (connections made in total), reopened (after the server
 * closed one), held_min / held_max (open at once, from the 3rd second on),
 * errors and the first error. Only ever connects to 127.0.0.1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

enum mode { IDLE, SLOW, CHURN, MALFORMED, HELLO };

struct conn {
	int fd;
	bool up;          /* connected */
	uint32_t src;     /* host order */
};

static struct sockaddr_in target;
static enum mode mode = IDLE;
static uint64_t opened, reopened, errors, lines;
static char first_error[160];
/* -k: sockets the server closed, closed by us a second later */
static struct {
	int fd;
	double at;
} *later;
static size_t nlater, later_cap;
static bool keep, wait_tick;

static void close_later(int fd, double at)
{
	if (nlater == later_cap) {
		size_t cap = later_cap ? later_cap * 2 : 1024;
		void *p = realloc(later, cap * sizeof *later);
		if (!p) {
			close(fd);
			return;
		}
		later = p;
		later_cap = cap;
	}
	later[nlater].fd = fd;
	later[nlater].at = at;
	nlater++;
}

static void close_due(double now)
{
	size_t k = 0;

	for (size_t i = 0; i < nlater; i++) {
		if (later[i].at <= now)
			close(later[i].fd);
		else
			later[k++] = later[i];
	}
	nlater = k;
}

static void failed(const char *what)
{
	errors++;
	if (!first_error[0])
		snprintf(first_error, sizeof first_error, "%s: %s", what, strerror(errno));
}

/* Non-blocking connect from src; the epoll event says when it is up. */
static int open_one(int ep, struct conn *c, int index)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.u32 = (uint32_t)index};
	const char *what;
	int fd = client_connect(&target, c->src, SOCK_NONBLOCK, &what);

	c->fd = -1;
	c->up = false;
	if (fd < 0) {
		failed(what);
		return -1;
	}
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		failed("epoll_ctl");
		close(fd);
		return -1;
	}
	c->fd = fd;
	opened++;
	return 0;
}

static void close_one(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->up = false;
}

static void send_str(struct conn *c, const char *s)
{
	if (send(c->fd, s, strlen(s), MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
		lines++;
}

static void put16(unsigned char *p, size_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* A ClientHello record: TLS 1.2, ECDHE with P-256, ECDSA or RSA. */
static void send_hello(struct conn *c)
{
	static const unsigned char suites[] = {0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30};
	static const unsigned char ext[] = {
		0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,                   /* groups: P-256 */
		0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                               /* point formats */
		0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, /* sig algs */
		0x00, 0x17, 0x00, 0x00,                                           /* extended master secret */
		0xff, 0x01, 0x00, 0x01, 0x00,                                     /* renegotiation info */
	};
	unsigned char b[256];
	size_t n = 9;

	b[n++] = 3, b[n++] = 3;
	for (int i = 0; i < 32; i++)
		b[n++] = (unsigned char)rand();
	b[n++] = 0; /* no session id */
	put16(b + n, sizeof suites), n += 2;
	memcpy(b + n, suites, sizeof suites), n += sizeof suites;
	b[n++] = 1, b[n++] = 0; /* null compression */
	put16(b + n, sizeof ext), n += 2;
	memcpy(b + n, ext, sizeof ext), n += sizeof ext;
	b[0] = 22, b[1] = 3, b[2] = 1;
	put16(b + 3, n - 5);
	b[5] = 1; /* ClientHello */
	b[6] = 0;
	put16(b + 7, n - 9);
	if (send(c->fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
		lines++;
}

static void raise_nofile(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: flood -p PORT -n CONNS [-a ADDRS] [-s FIRST] [-m idle|slow|churn|malformed|hello] [-d SECONDS] [-k] [-w]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int opt, port = 0, n = 0, addrs = 1, ep;
	double duration = 10, t0, next_tick, held_from;
	uint32_t first = 0x7f000002; /* 127.0.0.2 */
	long held_min = -1, held_max = 0, held = 0;
	struct conn *cs;
	struct epoll_event evs[256];
	char junk[4096];

	while ((opt = getopt(argc, argv, "p:n:a:s:m:d:kw")) != -1) {
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 'a': addrs = atoi(optarg); break;
		case 's': {
			struct in_addr a;
			if (inet_pton(AF_INET, optarg, &a) != 1)
				usage();
			first = ntohl(a.s_addr);
			break;
		}
		case 'm':
			mode = strcmp(optarg, "idle") == 0 ? IDLE : strcmp(optarg, "slow") == 0 ? SLOW
			     : strcmp(optarg, "churn") == 0 ? CHURN : strcmp(optarg, "malformed") == 0 ? MALFORMED
			     : strcmp(optarg, "hello") == 0 ? HELLO : (usage(), IDLE);
			break;
		case 'd': duration = atof(optarg); break;
		case 'k': keep = true; break;
		case 'w': wait_tick = true; break;
		default: usage();
		}
	}
	if (port <= 0 || port > 65535 || n < 1 || addrs < 1 || duration <= 0 ||
	    (first >> 24) != 127 || ((first + (uint32_t)addrs - 1) >> 24) != 127)
		usage();
	raise_nofile();
	target = client_loopback(port);
	client_stop_on_signals();
	cs = calloc((size_t)n, sizeof *cs);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!cs || ep < 0)
		return 1;
	t0 = client_now_s();
	next_tick = t0 + 1;
	held_from = t0 + 3;
	for (int i = 0; i < n; i++) {
		cs[i].src = first + (uint32_t)(i % addrs);
		open_one(ep, &cs[i], i);
	}
	while (!client_stop) {
		double t = client_now_s();
		int ready;

		if (t >= t0 + duration)
			break;
		if (t >= next_tick) {
			held = 0;
			for (int i = 0; i < n; i++) {
				if (cs[i].fd < 0)
					open_one(ep, &cs[i], i); /* socket/connect failed before */
				else if (cs[i].up && mode == SLOW)
					send_str(&cs[i], "X-Slow: 1\r\n");
				held += cs[i].up;
			}
			if (t >= held_from) {
				if (held_min < 0 || held < held_min)
					held_min = held;
				if (held > held_max)
					held_max = held;
			}
			fprintf(stderr, "flood: %.0f s: %ld open, %llu opened, %llu reopened, %llu errors\n",
				t - t0, held, (unsigned long long)opened, (unsigned long long)reopened,
				(unsigned long long)errors);
			next_tick += 1;
		}
		close_due(t);
		ready = epoll_wait(ep, evs, 256, 100);
		for (int k = 0; k < ready; k++) {
			int i = (int)evs[k].data.u32;
			struct conn *c = &cs[i];
			uint32_t e = evs[k].events;

			if (c->fd < 0)
				continue;
			if (!c->up && (e & EPOLLOUT) && !(e & (EPOLLERR | EPOLLHUP))) {
				struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)i};
				c->up = true;
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				if (mode == SLOW)
					send_str(c, "GET / HTTP/1.1\r\nHost: flood\r\n");
				else if (mode == MALFORMED)
					send_str(c, "\x16\x03\x01 NOT HTTP AT ALL\r\n\r\n");
				else if (mode == HELLO)
					send_hello(c);
				else if (mode == CHURN) {
					close_one(c);
					open_one(ep, c, i);
				}
				continue;
			}
			if (mode == HELLO && !(e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
				/* The server's half of the handshake: read, never answer. */
				ssize_t r;
				while ((r = recv(c->fd, junk, sizeof junk, MSG_DONTWAIT)) > 0)
					;
				if (r < 0)
					continue;
			}
			if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
				/* Answer, reset or close by the server: read what
				 * there is and connect again. */
				while (recv(c->fd, junk, sizeof junk, MSG_DONTWAIT) > 0)
					;
				if (c->up && mode != MALFORMED && mode != CHURN)
					reopened++;
				if (keep) {
					epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
					close_later(c->fd, client_now_s() + 1);
					c->fd = -1;
				}
				close_one(c);
				if (!wait_tick)
					open_one(ep, c, i);
			}
		}
	}
	for (int i = 0; i < n; i++)
		close_one(&cs[i]);
	close_due(1e300);
	free(later);
	printf("opened=%llu reopened=%llu held_min=%ld held_max=%ld sent=%llu errors=%llu seconds=%.1f",
	       (unsigned long long)opened, (unsigned long long)reopened, held_min < 0 ? 0 : held_min,
	       held_max, (unsigned long long)lines, (unsigned long long)errors, client_now_s() - t0);
	if (first_error[0])
		printf(" first_error=\"%s\"", first_error);
	printf("\n");
	free(cs);
	return 0;
}
