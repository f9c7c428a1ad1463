/* The acceptor thread against real loopback sockets: each connection is
 * handed over non-blocking and close-on-exec, one at a time, and stopping
 * joins the thread whether or not anyone connected. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "acceptor.h"

struct served {
	pthread_mutex_t lock;
	int count;
	int busy;          /* serve calls running now */
	int most_busy;     /* the most at once */
	bool nonblocking;  /* every fd handed over was */
	bool cloexec;
};

static void serve(void *ctx, int fd)
{
	struct served *s = ctx;
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
	static const char hello[] = "hello\n";

	pthread_mutex_lock(&s->lock);
	s->busy++;
	if (s->busy > s->most_busy)
		s->most_busy = s->busy;
	s->nonblocking &= (fl & O_NONBLOCK) != 0;
	s->cloexec &= (fdfl & FD_CLOEXEC) != 0;
	pthread_mutex_unlock(&s->lock);
	usleep(20000); /* a connection that takes a moment */
	if (send(fd, hello, sizeof hello - 1, MSG_NOSIGNAL) < 0)
		(void)0;
	close(fd);
	pthread_mutex_lock(&s->lock);
	s->busy--;
	s->count++;
	pthread_mutex_unlock(&s->lock);
}

static int listener(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static int dial(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {.tv_sec = 5};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

static void read_hello(int fd)
{
	char buf[16] = "";
	size_t got = 0;
	ssize_t n;

	while (got < sizeof buf - 1 && (n = recv(fd, buf + got, sizeof buf - 1 - got, 0)) > 0)
		got += (size_t)n;
	assert_string_equal(buf, "hello\n");
	close(fd);
}

static void test_serves_each_connection_one_at_a_time(void **state)
{
	struct served s = {.lock = PTHREAD_MUTEX_INITIALIZER, .nonblocking = true, .cloexec = true};
	char err[128] = "";
	int port, lfd = listener(&port), c[5];
	struct acceptor *a;

	(void)state;
	a = acceptor_start(lfd, serve, &s, "test", err, sizeof err);
	assert_non_null(a);
	/* five clients at once: all answered, never two served together */
	for (int i = 0; i < 5; i++)
		c[i] = dial(port);
	for (int i = 0; i < 5; i++)
		read_hello(c[i]);
	acceptor_stop(a);
	assert_int_equal(s.count, 5);
	assert_int_equal(s.most_busy, 1);
	assert_true(s.nonblocking);
	assert_true(s.cloexec);
	/* the listening socket stays the caller's */
	assert_int_not_equal(fcntl(lfd, F_GETFD), -1);
	close(lfd);
}

static void test_stop_without_connections(void **state)
{
	struct served s = {.lock = PTHREAD_MUTEX_INITIALIZER, .nonblocking = true, .cloexec = true};
	char err[128] = "";
	int port, lfd = listener(&port);
	struct acceptor *a;

	(void)state;
	a = acceptor_start(lfd, serve, &s, "test", err, sizeof err);
	assert_non_null(a);
	acceptor_stop(a);
	assert_int_equal(s.count, 0);
	close(lfd);
	acceptor_stop(NULL);
}

/* Out of file descriptors: a clear error naming the acceptor and the
 * step, nothing started. */
static void test_start_fails_with_a_clear_error(void **state)
{
	struct served s = {.lock = PTHREAD_MUTEX_INITIALIZER};
	char err[128] = "";
	int port, lfd = listener(&port), next;
	struct rlimit saved, low;
	struct acceptor *a;

	(void)state;
	next = dup(lfd); /* the lowest free descriptor */
	assert_true(next >= 0);
	close(next);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	low = saved;
	low.rlim_cur = (rlim_t)next;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	a = acceptor_start(lfd, serve, &s, "agent-check", err, sizeof err);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
	assert_null(a);
	assert_string_equal(err, "agent-check: eventfd: Too many open files");
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serves_each_connection_one_at_a_time),
		cmocka_unit_test(test_stop_without_connections),
		cmocka_unit_test(test_start_fails_with_a_clear_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
