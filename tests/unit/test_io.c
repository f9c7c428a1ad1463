/* Socket I/O with deadlines, on real socketpairs: partial writes through a
 * full buffer, the deadline when nobody reads, a closed peer, bounded
 * reads, and the drain's three ways out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "io.h"

#define BIG (1 << 20)

static void pair(int sv[2])
{
	int small = 4096;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	/* A small buffer makes send() partial and then EAGAIN at once. */
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
}

struct reader {
	int fd;
	size_t got;
	unsigned char *buf;
};

static void *slow_reader(void *arg)
{
	struct reader *r = arg;
	struct timespec pause = {.tv_nsec = 20 * 1000000L};

	/* Start late so that the writer meets a full buffer first. */
	nanosleep(&pause, NULL);
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->got, BIG - r->got);
		if (n <= 0)
			break;
		r->got += (size_t)n;
	}
	return NULL;
}

static void test_write_all_goes_through_a_full_buffer(void **state)
{
	unsigned char *out = malloc(BIG);
	struct reader r = {.buf = malloc(BIG)};
	pthread_t t;
	int sv[2];

	(void)state;
	assert_non_null(out);
	assert_non_null(r.buf);
	for (size_t i = 0; i < BIG; i++)
		out[i] = (unsigned char)(i * 31 + 7);
	pair(sv);
	r.fd = sv[1];
	assert_int_equal(pthread_create(&t, NULL, slow_reader, &r), 0);
	assert_int_equal(io_write_all(sv[0], out, BIG, clock_deadline_ms(30000)), 0);
	close(sv[0]);
	pthread_join(t, NULL);
	close(sv[1]);
	assert_int_equal(r.got, BIG);
	assert_memory_equal(out, r.buf, BIG);
	free(out);
	free(r.buf);
}

static void test_write_all_gives_up_at_the_deadline(void **state)
{
	unsigned char *out = calloc(1, BIG);
	long long t0;
	int sv[2];

	(void)state;
	assert_non_null(out);
	pair(sv);
	t0 = clock_mono_ms();
	assert_int_equal(io_write_all(sv[0], out, BIG, clock_deadline_ms(100)), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_true(clock_mono_ms() - t0 >= 100);
	/* generous: a loaded CI box, but no hang */
	assert_true(clock_mono_ms() - t0 < 5000);
	close(sv[0]);
	close(sv[1]);
	free(out);
}

static void test_write_to_a_closed_peer_is_epipe_not_sigpipe(void **state)
{
	int sv[2];

	(void)state;
	pair(sv);
	close(sv[1]);
	/* SIGPIPE's default action would end this test process here. */
	assert_int_equal(io_write_all(sv[0], "up\n", 3, clock_deadline_ms(1000)), -1);
	assert_int_equal(errno, EPIPE);
	close(sv[0]);
}

static void test_read_bounded(void **state)
{
	char buf[16];
	int sv[2];

	(void)state;
	pair(sv);
	/* stops at the newline */
	assert_int_equal(write(sv[1], "drain\n", 6), 6);
	assert_int_equal(io_read_bounded(sv[0], buf, sizeof buf, true, clock_deadline_ms(1000)), 6);
	assert_string_equal(buf, "drain\n");
	/* nothing before the deadline: -1, ETIMEDOUT, still terminated */
	assert_int_equal(io_read_bounded(sv[0], buf, sizeof buf, true, clock_deadline_ms(50)), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_string_equal(buf, "");
	/* some bytes then the deadline: those bytes */
	assert_int_equal(write(sv[1], "sta", 3), 3);
	assert_int_equal(io_read_bounded(sv[0], buf, sizeof buf, true, clock_deadline_ms(50)), 3);
	assert_string_equal(buf, "sta");
	/* a full buffer stops the read, terminated */
	assert_int_equal(write(sv[1], "0123456789abcdefXYZ", 19), 19);
	assert_int_equal(io_read_bounded(sv[0], buf, sizeof buf, true, clock_deadline_ms(1000)), 15);
	assert_string_equal(buf, "0123456789abcde");
	/* EOF ends it without waiting */
	close(sv[1]);
	assert_int_equal(io_read_bounded(sv[0], buf, sizeof buf, false, clock_deadline_ms(30000)), 4);
	assert_string_equal(buf, "fXYZ");
	close(sv[0]);
}

static void test_drain_ends_at_eof_stop_fd_or_deadline(void **state)
{
	int sv[2], stop[2];
	long long t0;

	(void)state;
	/* EOF: at once, whatever came before it is discarded */
	pair(sv);
	assert_int_equal(write(sv[1], "agent-send junk\n", 16), 16);
	close(sv[1]);
	t0 = clock_mono_ms();
	io_drain(sv[0], clock_deadline_ms(30000), -1);
	assert_true(clock_mono_ms() - t0 < 5000);
	close(sv[0]);

	/* another connection waiting (stop_fd readable): at once */
	pair(sv);
	pair(stop);
	assert_int_equal(write(stop[1], "x", 1), 1);
	t0 = clock_mono_ms();
	io_drain(sv[0], clock_deadline_ms(30000), stop[0]);
	assert_true(clock_mono_ms() - t0 < 5000);

	/* a silent peer: the deadline */
	t0 = clock_mono_ms();
	io_drain(sv[0], clock_deadline_ms(100), -1);
	assert_true(clock_mono_ms() - t0 >= 100);
	assert_true(clock_mono_ms() - t0 < 5000);
	close(sv[0]);
	close(sv[1]);
	close(stop[0]);
	close(stop[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_all_goes_through_a_full_buffer),
		cmocka_unit_test(test_write_all_gives_up_at_the_deadline),
		cmocka_unit_test(test_write_to_a_closed_peer_is_epipe_not_sigpipe),
		cmocka_unit_test(test_read_bounded),
		cmocka_unit_test(test_drain_ends_at_eof_stop_fd_or_deadline),
	};

	return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}
