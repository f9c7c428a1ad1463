#include "acceptor.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

struct acceptor {
	pthread_t thread;
	int listen_fd;
	int wake_fd; /* eventfd: stop */
	acceptor_serve_fn serve;
	void *ctx;
	char name[32];
};

static void *run(void *arg)
{
	struct acceptor *a = arg;

	for (;;) {
		struct pollfd fds[2] = {{.fd = a->wake_fd, .events = POLLIN},
					{.fd = a->listen_fd, .events = POLLIN}};

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_warn("%s: poll", a->name);
			break;
		}
		if (fds[0].revents)
			break;
		if (fds[1].revents & POLLIN) {
			int fd = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (fd >= 0)
				a->serve(a->ctx, fd);
		}
	}
	return NULL;
}

struct acceptor *acceptor_start(int listen_fd, acceptor_serve_fn serve, void *ctx,
				const char *name, char *err, size_t errlen)
{
	struct acceptor *a = calloc(1, sizeof *a);
	int rc;

	if (!a) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	a->listen_fd = listen_fd;
	a->serve = serve;
	a->ctx = ctx;
	snprintf(a->name, sizeof a->name, "%s", name);
	a->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (a->wake_fd < 0) {
		snprintf(err, errlen, "%s: eventfd: %s", name, strerror(errno));
		free(a);
		return NULL;
	}
	rc = pthread_create(&a->thread, NULL, run, a);
	if (rc == 0)
		return a;
	snprintf(err, errlen, "%s: cannot start thread: %s", name, strerror(rc));
	close(a->wake_fd);
	free(a);
	return NULL;
}

void acceptor_stop(struct acceptor *a)
{
	uint64_t one = 1;

	if (!a)
		return;
	if (write(a->wake_fd, &one, sizeof one) < 0)
		log_warn("%s: cannot wake the thread", a->name);
	pthread_join(a->thread, NULL);
	close(a->wake_fd);
	free(a);
}
