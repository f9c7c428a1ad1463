#include "gate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "pending.h"
#include "tls.h"

/* File descriptors kept for everything but waiting connections: the HTTP
 * engine's connections being answered, mysqld, the log, ctl, agent-check. */
#define GATE_FD_RESERVE 128
/* Accepts per turn of the loop, so that a burst of new connections does
 * not delay the requests that have already arrived. */
#define GATE_ACCEPT_BATCH 64
/* After an accept error that freeing nothing can fix (ENOBUFS, ENFILE with
 * nothing to close), the listening socket rests rather than spin. */
#define GATE_ACCEPT_PAUSE_MS 100

/* Connections past their deadline closed per turn, a turn every
 * GATE_EXPIRE_PACE_MS while some are left: at most 6,400 a second. A flood
 * opened all at once expires all at once, and its clients come back all at
 * once; closing them in one go would put thousands of reconnections in the
 * accept queue ahead of the next check (measured: p99 240 ms with 5,000,
 * against 7 ms when none expire). Paced, the flood desynchronises and the
 * queue stays short. */
#define GATE_EXPIRE_BATCH 32
#define GATE_EXPIRE_PACE_MS 5

/* TLS: the engine does the handshake, which costs the server a key
 * exchange and a signature (CPU) and the client a round trip. At most
 * GATE_TLS_PER_ADDR handshakes from one address, GATE_TLS_HANDSHAKES in
 * all, are in the engine at once; a ClientHello beyond that waits here,
 * where it costs nothing, until one finishes or times out (http.timeout,
 * for the handshake and the request together). When the engine is full,
 * a newcomer from an address holding fewer than the biggest holder closes
 * that holder's oldest at once (pending.h's rule: a flood pushes out its
 * own). So a flood of stalled handshakes costs the engine
 * GATE_TLS_PER_ADDR handshakes per address per http.timeout, not one per
 * connection, and a checker from another address is never held up by it;
 * one that shares the flood's address waits with the flood (see
 * docs/tls.md). */
#define GATE_TLS_PER_ADDR 4
#define GATE_TLS_HANDSHAKES 256
/* How often ClientHellos waiting for room are looked at again. */
#define GATE_TLS_RETRY_MS 20
#define SCANNED_WAITING UINT32_MAX

#define EV_WAKE UINT64_MAX
#define EV_LISTEN (UINT64_MAX - 1)

struct gate {
	struct gate_opts o;
	pthread_t thread;
	int epfd, wake_fd;
	struct pending *pending;
	char *buf;
	long long listen_paused_until; /* 0: listening */
	/* TLS only: handshakes in the engine, by engine-table id; the
	 * engine's threads take theirs out (gate_engine_done) */
	pthread_mutex_t lock;
	struct pending *engine;
	struct engine_conn {
		int fd;
		uint16_t port;
		long long since;
		struct pending_addr addr;
	} *in_engine;
	unsigned waiting;        /* gate entries with a whole ClientHello, waiting for room */
	int *waitq;              /* their ids, oldest first (and ids no longer waiting, skipped) */
	unsigned nwaitq, waitq_cap;
	unsigned long freed;     /* engine slots freed so far (under lock) */
	unsigned long retried;   /* `freed` when the waiting were last looked at */
};

static void addr_key(const struct sockaddr_storage *ss, struct pending_addr *k)
{
	memset(k, 0, sizeof *k);
	if (ss->ss_family == AF_INET) {
		k->b[10] = k->b[11] = 0xff;
		memcpy(&k->b[12], &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		memcpy(k->b, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	}
}

static void addr_text(const struct pending_addr *k, char *out, size_t len)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (memcmp(k->b, mapped, sizeof mapped) == 0)
		inet_ntop(AF_INET, &k->b[12], out, (socklen_t)len);
	else
		inet_ntop(AF_INET6, k->b, out, (socklen_t)len);
}

static void peer_key(int fd, struct pending_addr *k)
{
	struct sockaddr_storage ss = {0};
	socklen_t len = sizeof ss;

	if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
		ss.ss_family = AF_UNSPEC;
	addr_key(&ss, k);
}

/* An entry leaves the gate: no longer waiting for room in the engine. */
static void forget(struct gate *g, int id)
{
	uint32_t *scanned = pending_scanned(g->pending, id);

	if (*scanned == SCANNED_WAITING) {
		*scanned = 0;
		g->waiting--;
	}
}

static void drop(struct gate *g, int id)
{
	int fd = pending_fd(g->pending, id);

	forget(g, id);

	pending_remove(g->pending, id);
	/* Closing also takes it out of the epoll set. Unread bytes make the
	 * kernel answer with a reset: right for a connection we give up on. */
	close(fd);
}

static void handoff(struct gate *g, int id)
{
	int fd = pending_fd(g->pending, id);

	forget(g, id);
	epoll_ctl(g->epfd, EPOLL_CTL_DEL, fd, NULL);
	pending_remove(g->pending, id);
	if (!g->o.handoff(g->o.ctx, fd))
		gate_engine_done(g, fd);
}

/* True when the request head is complete: an empty line ends it (bare LF
 * accepted, as the engine accepts it). */
static bool head_complete(const char *b, size_t from, size_t n)
{
	for (size_t i = from; i + 1 < n; i++)
		if (b[i] == '\n' && (b[i + 1] == '\n' || (b[i + 1] == '\r' && i + 2 < n && b[i + 2] == '\n')))
			return true;
	return false;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

/* Under g->lock. The engine closes the connection itself once it sees the
 * shutdown. It still holds the socket: the engine tells us before it
 * closes one (gate_engine_done, which waits for the lock), and the peer's
 * port is compared anyway, so a reused descriptor is never touched. */
static void engine_evict(struct gate *g, int eid)
{
	struct engine_conn *e = &g->in_engine[eid];
	struct sockaddr_storage ss = {0};
	socklen_t len = sizeof ss;

	if (getpeername(e->fd, (struct sockaddr *)&ss, &len) == 0 && port_of(&ss) == e->port)
		shutdown(e->fd, SHUT_RDWR);
	pending_remove(g->engine, eid);
	e->fd = -1;
	g->freed++;
}

/* True when gate entry id may go to the engine now (it is then counted
 * there). Under g->lock. */
static bool engine_admit(struct gate *g, int id, long long now)
{
	const struct pending_addr *k = pending_addr_of(g->pending, id);
	int fd = pending_fd(g->pending, id);
	struct sockaddr_storage ss = {0};
	socklen_t len = sizeof ss;
	enum pending_why why;
	char who[INET6_ADDRSTRLEN];
	int v, eid;

	while ((v = pending_victim(g->engine, k, &why)) >= 0) {
		if (why != PENDING_FULL || pending_count_addr(g->engine, k) + 1 >=
						   pending_count_addr(g->engine, &g->in_engine[v].addr))
			return false; /* wait for one of its own, or of its peers, to finish */
		addr_text(&g->in_engine[v].addr, who, sizeof who);
		engine_evict(g, v);
		log_rate("tls-full", LOG_WARNING, "http: %u TLS handshakes in progress, the most from %s: closed its oldest",
			 pending_capacity(g->engine), who);
	}
	getpeername(fd, (struct sockaddr *)&ss, &len);
	eid = pending_add(g->engine, k, fd, now + g->o.timeout_ms);
	g->in_engine[eid] = (struct engine_conn){.fd = fd, .port = port_of(&ss), .since = now, .addr = *k};
	return true;
}

void gate_engine_done(struct gate *g, int fd)
{
	if (!g || !g->engine)
		return;
	pthread_mutex_lock(&g->lock);
	for (unsigned i = 0; i < pending_capacity(g->engine); i++)
		if (g->in_engine[i].fd == fd) {
			pending_remove(g->engine, (int)i);
			g->in_engine[i].fd = -1;
			g->freed++;
			break;
		}
	pthread_mutex_unlock(&g->lock);
}

/* A handshake may not take longer than a request head may: http.timeout
 * in total, however slowly the client trickles its part. */
static void engine_expire(struct gate *g, long long now)
{
	int eid;

	pthread_mutex_lock(&g->lock);
	while ((eid = pending_expired(g->engine, now)) >= 0) {
		engine_evict(g, eid);
		log_rate("tls-timeout", LOG_INFO, "http: a TLS handshake and request took longer than %u ms (http.timeout): closed",
			 g->o.timeout_ms);
	}
	pthread_mutex_unlock(&g->lock);
}

/* Drops the ids no longer waiting (left by forget()). */
static void compact_waitq(struct gate *g)
{
	unsigned k = 0;

	for (unsigned i = 0; i < g->nwaitq; i++)
		if (*pending_scanned(g->pending, g->waitq[i]) == SCANNED_WAITING)
			g->waitq[k++] = g->waitq[i];
	g->nwaitq = k;
}

static void try_handoff(struct gate *g, int id, long long now)
{
	uint32_t *scanned = pending_scanned(g->pending, id);
	bool ok = true;

	if (g->engine) {
		pthread_mutex_lock(&g->lock);
		ok = engine_admit(g, id, now);
		pthread_mutex_unlock(&g->lock);
	}
	if (ok) {
		handoff(g, id);
	} else if (*scanned != SCANNED_WAITING) {
		if (g->nwaitq == g->waitq_cap)
			compact_waitq(g);
		if (g->nwaitq == g->waitq_cap) {
			drop(g, id); /* cannot happen: the queue holds the whole table */
			return;
		}
		*scanned = SCANNED_WAITING;
		g->waiting++;
		g->waitq[g->nwaitq++] = id;
	}
}

/* Only when a slot was freed since the last look, oldest first; the
 * handoffs happen outside the lock (the engine may call back into
 * gate_engine_done). A waiting id that was dropped and reused meanwhile
 * is no longer marked waiting, or is waiting again further on: either
 * way it is looked at for what it is now. */
static void retry_waiting(struct gate *g, long long now)
{
	int ready[64];
	unsigned n = 0;

	pthread_mutex_lock(&g->lock);
	if (g->waiting && g->freed != g->retried) {
		g->retried = g->freed;
		for (unsigned i = 0; i < g->nwaitq && n < sizeof ready / sizeof ready[0]; i++) {
			int id = g->waitq[i];

			if (*pending_scanned(g->pending, id) == SCANNED_WAITING && engine_admit(g, id, now)) {
				ready[n++] = id;
				*pending_scanned(g->pending, id) = 0; /* not waiting twice in this pass */
				g->waiting--;
			}
		}
	}
	pthread_mutex_unlock(&g->lock);
	for (unsigned i = 0; i < n; i++)
		handoff(g, ready[i]);
	if (n)
		compact_waitq(g);
}

/* Not TLS on the TLS port. Plain HTTP (it starts with a method's capital
 * letter) is told why in one short answer, as curl http:// would otherwise
 * only say "empty reply"; the bytes are read first so that closing sends a
 * FIN, not a reset that could discard the answer. Anything else is just
 * closed. */
static void refuse_plain(struct gate *g, int id, size_t n)
{
	static const char answer[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
				     "Connection: close\r\nContent-Length: 38\r\n\r\n"
				     "This port speaks HTTPS: use https://.\n";
	int fd = pending_fd(g->pending, id);

	if (g->buf[0] >= 'A' && g->buf[0] <= 'Z' && recv(fd, g->buf, n, MSG_DONTWAIT) > 0 &&
	    send(fd, answer, sizeof answer - 1, MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		shutdown(fd, SHUT_WR);
	drop(g, id);
}

/* Looks at what the connection sent so far, without consuming it. */
static void examine(struct gate *g, int id, uint32_t events)
{
	int fd = pending_fd(g->pending, id);
	uint32_t *scanned = pending_scanned(g->pending, id);
	ssize_t n = recv(fd, g->buf, g->o.head_max, MSG_PEEK | MSG_DONTWAIT);

	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		drop(g, id); /* reset by the peer, and the like */
		return;
	}
	if (n == 0) {
		drop(g, id); /* closed before sending anything: a port probe */
		return;
	}
	if (g->o.tls) {
		enum tls_hello h = tls_hello_state((const unsigned char *)g->buf, (size_t)n);

		if (h == TLS_HELLO_NOT_TLS) {
			log_rate("not-tls", LOG_INFO, "http: a client sent something other than a TLS ClientHello (plain HTTP?): closed");
			refuse_plain(g, id, (size_t)n);
			return;
		}
		if (h == TLS_HELLO_COMPLETE || (size_t)n >= g->o.head_max) {
			try_handoff(g, id, clock_mono_ms());
			return;
		}
	} else if (head_complete(g->buf, *scanned > 2 ? *scanned - 2 : 0, (size_t)n) ||
		   (size_t)n >= g->o.head_max) {
		/* Complete, or too large: the engine answers it either way. */
		handoff(g, id);
		return;
	}
	if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		/* The client stopped sending before the request was whole:
		 * there is nothing to answer. */
		drop(g, id);
		return;
	}
	*scanned = (uint32_t)n;
}

static void make_room(struct gate *g, const struct pending_addr *k)
{
	enum pending_why why;
	char who[INET6_ADDRSTRLEN];
	int v;

	while ((v = pending_victim(g->pending, k, &why)) >= 0) {
		addr_text(k, who, sizeof who);
		drop(g, v);
		if (why == PENDING_PER_ADDR)
			log_rate("per-addr", LOG_WARNING,
				 "http: %s has %u connections waiting for a request (http.max_connections_per_ip): closed its oldest",
				 who, g->o.per_addr);
		else
			log_rate("full", LOG_WARNING,
				 "http: %u connections waiting for a request (http.max_connections): closed the oldest to let one from %s in",
				 pending_capacity(g->pending), who);
	}
}

static void pause_listen(struct gate *g, long long now)
{
	struct epoll_event ev = {.events = 0, .data.u64 = EV_LISTEN};

	epoll_ctl(g->epfd, EPOLL_CTL_MOD, g->o.listen_fd, &ev);
	g->listen_paused_until = now + GATE_ACCEPT_PAUSE_MS;
}

static void resume_listen(struct gate *g)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = EV_LISTEN};

	epoll_ctl(g->epfd, EPOLL_CTL_MOD, g->o.listen_fd, &ev);
	g->listen_paused_until = 0;
}

static void accept_some(struct gate *g, long long now)
{
	for (int i = 0; i < GATE_ACCEPT_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		struct pending_addr k;
		struct epoll_event ev;
		int fd = accept4(g->o.listen_fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
		int id;

		if (fd < 0) {
			int e = errno;
			if (e == EAGAIN || e == EWOULDBLOCK)
				return;
			if (e == EINTR || e == ECONNABORTED || e == EPROTO)
				continue;
			if ((e == EMFILE || e == ENFILE) && pending_count(g->pending) > 0) {
				/* Out of descriptors: the oldest waiting
				 * connection gives its own up, so the one in
				 * the queue (maybe a check) gets in. */
				drop(g, pending_oldest(g->pending));
				log_rate("nofile", LOG_WARNING,
					 "http: out of file descriptors (%s): closed the oldest waiting connection",
					 strerror(e));
				continue;
			}
			log_rate("accept", LOG_WARNING, "http: accept: %s; pausing for %d ms", strerror(e),
				 GATE_ACCEPT_PAUSE_MS);
			pause_listen(g, now);
			return;
		}
		addr_key(&ss, &k);
		make_room(g, &k);
		id = pending_add(g->pending, &k, fd, now + g->o.timeout_ms);
		ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
		ev.data.u64 = (uint64_t)(uint32_t)id << 32 | (uint32_t)fd;
		if (id < 0 || epoll_ctl(g->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			log_rate("epoll", LOG_WARNING, "http: cannot watch a new connection: %s", strerror(errno));
			if (id >= 0)
				pending_remove(g->pending, id);
			close(fd);
			continue;
		}
		/* A checker sends its request with the handshake's last ACK:
		 * it is usually there already, no need to wait for epoll. */
		examine(g, id, 0);
	}
}

/* True when more have expired than one turn closes. */
static bool expire(struct gate *g, long long now)
{
	int id, n = 0;

	while ((id = pending_expired(g->pending, now)) >= 0) {
		if (n++ == GATE_EXPIRE_BATCH)
			return true;
		struct pending_addr k;
		char who[INET6_ADDRSTRLEN];

		peer_key(pending_fd(g->pending, id), &k);
		addr_text(&k, who, sizeof who);
		drop(g, id);
		log_rate("timeout", LOG_INFO, "http: %s sent no complete request within %u ms (http.timeout): closed",
			 who, g->o.timeout_ms);
	}
	return false;
}

static void *run(void *arg)
{
	struct gate *g = arg;
	struct epoll_event evs[128];
	bool behind = false;

	for (;;) {
		long long now = clock_mono_ms(), next = pending_next_deadline(g->pending);
		int wait = 1000, n;

		if (g->engine) {
			pthread_mutex_lock(&g->lock);
			long long e = pending_next_deadline(g->engine);
			pthread_mutex_unlock(&g->lock);
			if (e >= 0 && (next < 0 || e < next))
				next = e;
		}
		if (behind)
			wait = GATE_EXPIRE_PACE_MS;
		else if (next >= 0)
			wait = next <= now ? 0 : next - now < wait ? (int)(next - now) : wait;
		if (g->waiting && wait > GATE_TLS_RETRY_MS)
			wait = GATE_TLS_RETRY_MS;
		if (g->listen_paused_until && g->listen_paused_until - now < wait)
			wait = g->listen_paused_until <= now ? 0 : (int)(g->listen_paused_until - now);
		n = epoll_wait(g->epfd, evs, (int)(sizeof evs / sizeof evs[0]), wait);
		if (n < 0 && errno != EINTR) {
			log_warn("http: epoll_wait");
			break;
		}
		now = clock_mono_ms();
		for (int i = 0; i < n; i++) {
			uint64_t d = evs[i].data.u64;
			if (d == EV_WAKE)
				return NULL;
			if (d == EV_LISTEN) {
				accept_some(g, now);
				continue;
			}
			int id = (int)(d >> 32), fd = (int)(uint32_t)d;
			/* The slot may have been freed (and even reused) by an
			 * earlier event of this batch. */
			if (pending_fd(g->pending, id) == fd)
				examine(g, id, evs[i].events);
		}
		if (g->listen_paused_until && now >= g->listen_paused_until)
			resume_listen(g);
		behind = expire(g, now);
		if (g->engine) {
			engine_expire(g, now);
			retry_waiting(g, now);
		}
	}
	return NULL;
}

/* The soft limit is often 1,024 while the hard one is far higher: a flood
 * must meet our own limits, not that one. prlimit(), not setrlimit(): the
 * shipped unit's SystemCallFilter=~@resources denies the setrlimit system
 * call (and kills the caller), while prlimit64 is in @system-service. */
static rlim_t raise_nofile(void)
{
	struct rlimit r;

	if (prlimit(0, RLIMIT_NOFILE, NULL, &r) != 0)
		return 1024;
	if (r.rlim_cur < r.rlim_max) {
		struct rlimit want = {.rlim_cur = r.rlim_max, .rlim_max = r.rlim_max};
		if (prlimit(0, RLIMIT_NOFILE, &want, NULL) == 0)
			r = want;
	}
	return r.rlim_cur;
}

/* Every waiting connection is a descriptor: with fewer than asked for,
 * hold what the limit allows and say how to raise it. */
static unsigned fit_capacity(unsigned want, rlim_t nofile)
{
	unsigned cap = want;

	if (nofile != RLIM_INFINITY && (rlim_t)want + GATE_FD_RESERVE > nofile) {
		cap = nofile > GATE_FD_RESERVE + 16 ? (unsigned)(nofile - GATE_FD_RESERVE) : 16;
		log_warnx("http: the open files limit (%llu) allows %u waiting connections, not "
			  "http.max_connections = %u: raise LimitNOFILE (or ulimit -n)",
			  (unsigned long long)nofile, cap, want);
	}
	return cap;
}

/* On a TLS port: who is handshaking inside the engine, and the ClientHellos
 * waiting in the gate for a handshake slot. */
static int tls_tables_new(struct gate *g, unsigned cap)
{
	unsigned h = cap < GATE_TLS_HANDSHAKES ? cap : GATE_TLS_HANDSHAKES;

	g->engine = pending_new(h, GATE_TLS_PER_ADDR);
	g->in_engine = malloc(h * sizeof *g->in_engine);
	g->waitq_cap = cap;
	g->waitq = malloc(cap * sizeof *g->waitq);
	if (!g->engine || !g->in_engine || !g->waitq)
		return -1;
	for (unsigned i = 0; i < h; i++)
		g->in_engine[i].fd = -1;
	return 0;
}

struct gate *gate_start(const struct gate_opts *o, char *err, size_t errlen)
{
	struct gate *g = calloc(1, sizeof *g);
	struct epoll_event ev;
	rlim_t nofile = raise_nofile();
	unsigned cap;
	int rc;

	if (!g) {
		snprintf(err, errlen, "http: out of memory");
		return NULL;
	}
	g->o = *o;
	g->epfd = g->wake_fd = -1;
	g->o.capacity = cap = fit_capacity(o->capacity, nofile);
	pthread_mutex_init(&g->lock, NULL);
	if (o->tls && tls_tables_new(g, cap) != 0) {
		snprintf(err, errlen, "http: out of memory");
		goto fail;
	}
	g->pending = pending_new(cap, o->per_addr);
	g->buf = malloc(o->head_max);
	g->epfd = epoll_create1(EPOLL_CLOEXEC);
	g->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!g->pending || !g->buf || g->epfd < 0 || g->wake_fd < 0) {
		snprintf(err, errlen, "http: cannot set up the connection gate: %s", strerror(errno));
		goto fail;
	}
	ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = EV_WAKE};
	if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, g->wake_fd, &ev) != 0)
		goto fail_errno;
	ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = EV_LISTEN};
	if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, o->listen_fd, &ev) != 0)
		goto fail_errno;
	if (o->self)
		*o->self = g;
	rc = pthread_create(&g->thread, NULL, run, g);
	if (rc == 0) {
		log_info("http: up to %u connections waiting for their request (%u from one address), "
			 "%u ms each to send it; open files limit %llu",
			 cap, o->per_addr, o->timeout_ms, (unsigned long long)nofile);
		return g;
	}
	errno = rc;
fail_errno:
	snprintf(err, errlen, "http: cannot start the connection gate: %s", strerror(errno));
fail:
	if (g->epfd >= 0)
		close(g->epfd);
	if (g->wake_fd >= 0)
		close(g->wake_fd);
	pending_free(g->pending);
	pending_free(g->engine);
	free(g->in_engine);
	free(g->waitq);
	pthread_mutex_destroy(&g->lock);
	free(g->buf);
	free(g);
	return NULL;
}

void gate_stop(struct gate *g)
{
	uint64_t one = 1;
	int id;

	if (!g)
		return;
	if (write(g->wake_fd, &one, sizeof one) < 0)
		log_warn("http: cannot wake the connection gate");
	pthread_join(g->thread, NULL);
	while ((id = pending_oldest(g->pending)) >= 0)
		drop(g, id);
}

void gate_free(struct gate *g)
{
	if (!g)
		return;
	close(g->epfd);
	close(g->wake_fd);
	pending_free(g->pending);
	pending_free(g->engine);
	free(g->in_engine);
	free(g->waitq);
	pthread_mutex_destroy(&g->lock);
	free(g->buf);
	free(g);
}
