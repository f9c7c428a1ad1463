#include "poller.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "clock.h"
#include "datadir.h"
#include "log.h"
#include "probe.h"

/* First retry after a failure comes quickly (a killed connection is usually
 * back at once), then doubles up to the poll interval. */
#define BACKOFF_FIRST_MS 50

struct poller {
	pthread_t thread;
	pthread_mutex_t lock;
	int wake_fd;             /* eventfd: stop, kick, reconfigure */
	bool stop;
	bool reconfigured;
	struct probe_cfg cfg;
	unsigned interval_ms;
	poller_publish_fn publish;
	void *ctx;
};

static void wake(struct poller *p)
{
	uint64_t one = 1;
	/* The counter only saturates after 2^64-2 unread wakes; a failed
	 * write can only mean the poller is already awake. */
	if (write(p->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_warn("poller: cannot wake the poll thread");
}

/* Sleeps up to timeout_ms; returns early when woken or when mysqld closes
 * our idle connection (killed, shutting down, restarted): that must be
 * seen now, not at the next poll. */
static void idle(struct poller *p, struct probe *probe, int timeout_ms)
{
	struct pollfd fds[2] = {{.fd = p->wake_fd, .events = POLLIN}, {.fd = -1}};
	nfds_t n = 1;
	int fd = probe_fd(probe);

	if (fd >= 0) {
		fds[1].fd = fd;
		fds[1].events = POLLIN;
		n = 2;
	}
	if (poll(fds, n, timeout_ms) > 0 && (fds[0].revents & POLLIN)) {
		uint64_t count;
		if (read(p->wake_fd, &count, sizeof count) < 0 && errno != EAGAIN)
			log_warn("poller: cannot read wake counter");
	}
}

static void *run(void *arg)
{
	struct poller *p = arg;
	struct probe *probe = NULL;
	struct sst_tracker sst = {0};
	uint64_t seq = 0;
	unsigned backoff = 0, interval;
	struct datadir_watch watch = {0};

	for (;;) {
		struct snapshot snap;
		char datadir[sizeof p->cfg.datadir];
		int wait_ms;

		pthread_mutex_lock(&p->lock);
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		if (p->reconfigured || !probe) {
			probe_free(probe);
			probe = probe_new(&p->cfg);
			p->reconfigured = false;
		}
		interval = p->interval_ms;
		memcpy(datadir, p->cfg.datadir, sizeof datadir);
		pthread_mutex_unlock(&p->lock);

		if (!probe) {
			snapshot_init(&snap);
			snapshot_set_unreachable(&snap, 0, "out of memory");
			clock_mono(&snap.taken);
		} else {
			probe_poll(probe, &snap);
			probe_look_for_sst(probe, &snap, &sst);
		}
		/* Also, and above all, when mysqld is down: grastate.dat and the
		 * SST marker are what /status and /live have left then. */
		datadir_watch_read(&watch, datadir,
				   snap.outcome == SNAP_OK ? snap.mysqld_datadir : NULL, &snap.datadir);
		snap.seq = ++seq;
		p->publish(p->ctx, &snap);

		if (snap.outcome == SNAP_OK) {
			backoff = 0;
			wait_ms = (int)interval;
		} else {
			backoff = backoff ? backoff * 2 : BACKOFF_FIRST_MS;
			if (backoff > interval)
				backoff = interval;
			wait_ms = (int)backoff;
		}
		idle(p, probe, wait_ms);
	}
	probe_free(probe);
	return NULL;
}

struct poller *poller_start(const struct probe_cfg *cfg, unsigned interval_ms,
			    poller_publish_fn publish, void *ctx)
{
	struct poller *p = calloc(1, sizeof *p);
	int err;

	if (!p)
		return NULL;
	p->cfg = *cfg;
	p->interval_ms = interval_ms;
	p->publish = publish;
	p->ctx = ctx;
	pthread_mutex_init(&p->lock, NULL);
	p->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->wake_fd < 0) {
		err = errno;
		goto fail;
	}
	err = pthread_create(&p->thread, NULL, run, p);
	if (err == 0)
		return p;
	close(p->wake_fd);
fail:
	pthread_mutex_destroy(&p->lock);
	explicit_bzero(&p->cfg, sizeof p->cfg);
	free(p);
	errno = err;
	return NULL;
}

void poller_reconfigure(struct poller *p, const struct probe_cfg *cfg, unsigned interval_ms)
{
	pthread_mutex_lock(&p->lock);
	p->cfg = *cfg;
	p->interval_ms = interval_ms;
	p->reconfigured = true;
	pthread_mutex_unlock(&p->lock);
	wake(p);
}

void poller_kick(struct poller *p)
{
	wake(p);
}

void poller_stop(struct poller *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_mutex_unlock(&p->lock);
	wake(p);
	pthread_join(p->thread, NULL);
	close(p->wake_fd);
	pthread_mutex_destroy(&p->lock);
	explicit_bzero(&p->cfg, sizeof p->cfg);
	free(p);
}
