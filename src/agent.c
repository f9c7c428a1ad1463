#include "agent.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cfg.h"
#include "acceptor.h"
#include "clock.h"
#include "io.h"
#include "log.h"
#include "net.h"
#include "verdict.h"

/* HAProxy sends agent-send right after connecting, or nothing. Waiting a
 * little for it lets the connection end with FIN rather than RST. */
#define AGENT_READ_MS 100
#define AGENT_WRITE_MS 1000

unsigned agent_weight(long long queue, const struct agent_weight_cfg *w)
{
	long long pct;

	if (!w || w->queue_step == 0 || queue <= 0)
		return 100;
	/* Saturate before multiplying: a huge queue must not overflow. */
	if (queue > 100)
		queue = 100;
	pct = 100 - (long long)w->queue_step * queue;
	if (pct < (long long)w->min_weight)
		pct = w->min_weight;
	if (pct < 1)
		pct = 1; /* 0% would read as DRAIN in HAProxy */
	return (unsigned)pct;
}

/* The reason is free text from mysqld or the operator: one line, printable
 * ASCII, bounded, so it can never end the agent's line early or add words. */
static void sanitize(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in && n + 1 < len && n < AGENT_REASON_MAX; in++)
		out[n++] = (*in >= 0x20 && *in < 0x7f) ? *in : ' ';
	out[n] = '\0';
}

size_t agent_line(const struct health_view *view, const struct timespec *now,
		  const struct agent_weight_cfg *w, char *buf, size_t len)
{
	struct verdict v = verdict_decide(&view->snap, view->admin, &view->policy, now);
	const char *admin = view->admin == ADMIN_DRAIN ? "drain" : "ready";
	char reason[AGENT_REASON_MAX + 1];
	int n;

	if (view->admin == ADMIN_MAINT) {
		n = snprintf(buf, len, "maint\n");
	} else if (v.code == 200) {
		const struct fact *q = snapshot_fact(&view->snap, FACT_LOCAL_RECV_QUEUE);
		long long queue = q->present && q->valid ? q->num : 0;
		n = snprintf(buf, len, "up ready %u%%\n", agent_weight(queue, w));
	} else if (verdict_check_drains(v.failed)) {
		n = snprintf(buf, len, "up drain\n");
	} else {
		sanitize(v.reason, reason, sizeof reason);
		n = snprintf(buf, len, "down %s #%s\n", admin, reason);
	}
	if (n < 0 || len < 2)
		return 0;
	if ((size_t)n >= len) {
		/* Truncated: the line must still end where HAProxy looks. */
		buf[len - 2] = '\n';
		buf[len - 1] = '\0';
		return len - 1;
	}
	return (size_t)n;
}

/* ---- the server ---- */

struct agent_server {
	struct acceptor *acceptor;
	int listen_fd;
	struct agent_weight_cfg weight;
	agent_view_fn view;
	void *ctx;
};

static void serve_connection(void *ctx, int fd)
{
	struct agent_server *s = ctx;
	struct health_view view;
	struct timespec now;
	char line[256];
	size_t n;

	s->view(s->ctx, &view);
	clock_mono(&now);
	n = agent_line(&view, &now, &s->weight, line, sizeof line);
	/* The answer first: HAProxy's agent-inter is also its timeout. A peer
	 * that went away or stalled leaves nothing to do. */
	io_write_all(fd, line, n, clock_deadline_ms(AGENT_WRITE_MS));
	shutdown(fd, SHUT_WR);
	/* Whatever HAProxy sent (agent-send) is read and ignored, until it
	 * closes or a short timeout: the answer never depends on it.
	 * Connections are served one at a time, so the wait stops as soon as
	 * another one is waiting to be accepted: a flood of idle connections
	 * must not queue HAProxy's behind AGENT_READ_MS each. */
	io_drain(fd, clock_deadline_ms(AGENT_READ_MS), s->listen_fd);
	close(fd);
}

/* The same rule for addresses as the HTTP listener's (net.h). */
static int open_listener(const char *addr, char *err, size_t errlen)
{
	char why[400];
	int fd = net_listen(addr, 0, why, sizeof why);

	if (fd < 0)
		snprintf(err, errlen, "agent-check: %s", why);
	return fd;
}

struct agent_server *agent_start(const char *addr, const struct agent_weight_cfg *w,
				 agent_view_fn view, void *ctx, char *err, size_t errlen)
{
	struct agent_server *s = calloc(1, sizeof *s);

	if (!s) {
		snprintf(err, errlen, "agent-check: out of memory");
		return NULL;
	}
	s->weight = *w;
	s->view = view;
	s->ctx = ctx;
	s->listen_fd = open_listener(addr, err, errlen);
	if (s->listen_fd < 0)
		goto fail;
	s->acceptor = acceptor_start(s->listen_fd, serve_connection, s, "agent-check", err, errlen);
	if (s->acceptor)
		return s;
	close(s->listen_fd);
fail:
	free(s);
	return NULL;
}

unsigned agent_port(const struct agent_server *s)
{
	return net_local_port(s->listen_fd);
}

void agent_stop(struct agent_server *s)
{
	if (!s)
		return;
	acceptor_stop(s->acceptor);
	close(s->listen_fd);
	free(s);
}
