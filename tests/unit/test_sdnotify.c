/* systemd notifications against a real AF_UNIX datagram socket named by
 * NOTIFY_SOCKET (what systemd listens on), and the sockets systemd passes
 * (LISTEN_FDS) as real sockets on fd 3. The module keeps its state across
 * calls, as in the daemon: the tests run in order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

static char dir[64];
static char path[96];
static int notify_fd = -1;

static int setup(void **state)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cck_sdnotify.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/notify", dir);
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (notify_fd < 0 || bind(notify_fd, (struct sockaddr *)&a, sizeof a) != 0)
		return -1;
	return setenv("NOTIFY_SOCKET", path, 1);
}

static int teardown(void **state)
{
	(void)state;
	close(notify_fd);
	unlink(path);
	rmdir(dir);
	unsetenv("NOTIFY_SOCKET");
	return 0;
}

/* The next datagram, or "" when none comes within ms. */
static const char *next_message(int ms)
{
	static char buf[512];
	struct pollfd p = {.fd = notify_fd, .events = POLLIN};
	ssize_t n;

	buf[0] = '\0';
	if (poll(&p, 1, ms) != 1)
		return buf;
	n = recv(notify_fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static struct timespec at_ms(long long ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += (time_t)(ms / 1000);
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

static struct verdict verdict_of(int code, const char *reason)
{
	struct verdict v = {.code = code, .failed = code == 200 ? CHECK_COUNT : 0};

	snprintf(v.reason, sizeof v.reason, "%s", reason);
	return v;
}

/* A watchdog meant for another process (inherited from a parent unit)
 * does not turn pings on. */
static void test_ready_and_status_changes_only(void **state)
{
	char pid[32];
	struct verdict synced = verdict_of(200, "Synced"), desynced = verdict_of(503, "Donor/Desynced");
	struct timespec later = at_ms(10000);

	(void)state;
	snprintf(pid, sizeof pid, "%d", (int)getpid() + 1);
	setenv("WATCHDOG_USEC", "100000", 1);
	setenv("WATCHDOG_PID", pid, 1);
	sdnotify_ready("starting");
	assert_string_equal(next_message(1000), "READY=1\nSTATUS=starting");

	sdnotify_tick(&synced, &later);
	assert_string_equal(next_message(1000), "STATUS=ready (200): Synced");
	/* the same verdict again: nothing, and no watchdog ping either */
	sdnotify_tick(&synced, &later);
	assert_string_equal(next_message(50), "");
	sdnotify_tick(&desynced, &later);
	assert_string_equal(next_message(1000), "STATUS=not ready (503): Donor/Desynced");
	sdnotify_tick(&desynced, &later);
	assert_string_equal(next_message(50), "");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

/* WatchdogSec=: a ping once half the interval has passed, not before. */
static void test_watchdog_every_half_interval(void **state)
{
	char pid[32];
	struct verdict v = verdict_of(503, "Donor/Desynced"); /* as last sent */
	struct timespec soon, half;

	(void)state;
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	setenv("WATCHDOG_USEC", "2000000", 1);
	setenv("WATCHDOG_PID", pid, 1);
	sdnotify_ready("again");
	assert_string_equal(next_message(1000), "READY=1\nSTATUS=again");
	soon = at_ms(200);
	sdnotify_tick(&v, &soon);
	assert_string_equal(next_message(50), "");
	half = at_ms(1000);
	sdnotify_tick(&v, &half);
	assert_string_equal(next_message(1000), "WATCHDOG=1");
	/* counted from that ping */
	sdnotify_tick(&v, &half);
	assert_string_equal(next_message(50), "");
	half = at_ms(2100);
	sdnotify_tick(&v, &half);
	assert_string_equal(next_message(1000), "WATCHDOG=1");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

static void test_stopping_says_why(void **state)
{
	(void)state;
	sdnotify_stopping("SIGTERM");
	assert_string_equal(next_message(1000), "STOPPING=1\nSTATUS=stopping: SIGTERM");
}

/* Not started by systemd: every notification is a no-op. */
static void test_no_notify_socket_is_quiet(void **state)
{
	struct verdict v = verdict_of(200, "back");
	struct timespec now = at_ms(0);

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	sdnotify_ready("x");
	sdnotify_tick(&v, &now);
	sdnotify_stopping("y");
	assert_string_equal(next_message(50), "");
	setenv("NOTIFY_SOCKET", path, 1);
}

/* ---- sockets passed by systemd, on fd 3 (SD_LISTEN_FDS_START) */

static int saved3 = -1;

static void pass_fds(int fd, const char *n)
{
	char pid[32];

	saved3 = fcntl(3, F_DUPFD_CLOEXEC, 10); /* whatever fd 3 was, if anything */
	assert_int_equal(dup2(fd, 3), 3);
	close(fd);
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", n, 1);
}

static void unpass_fds(void)
{
	close(3);
	if (saved3 >= 0) {
		dup2(saved3, 3);
		close(saved3);
		saved3 = -1;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
}

static int tcp_socket(bool listening)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	if (listening)
		assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static void test_listen_fd_none(void **state)
{
	char err[256] = "";

	(void)state;
	unsetenv("LISTEN_FDS");
	assert_int_equal(sdnotify_listen_fd(err, sizeof err), -1);
	assert_string_equal(err, "");
	assert_int_equal(sdnotify_connection_fd(), -1);
}

static void test_listen_fd_takes_the_listening_socket(void **state)
{
	char err[256] = "";

	(void)state;
	pass_fds(tcp_socket(true), "1");
	assert_int_equal(sdnotify_listen_fd(err, sizeof err), 3);
	/* no child inherits them */
	assert_null(getenv("LISTEN_FDS"));
	assert_null(getenv("LISTEN_PID"));
	unpass_fds();
}

static void test_listen_fd_refuses_a_connection(void **state)
{
	char err[256] = "";

	(void)state;
	pass_fds(tcp_socket(false), "1");
	assert_int_equal(sdnotify_listen_fd(err, sizeof err), -2);
	assert_non_null(strstr(err, "not a listening stream socket"));
	assert_non_null(strstr(err, "--inetd"));
	unpass_fds();
}

static void test_listen_fd_refuses_two(void **state)
{
	char err[256] = "";
	int four_saved = fcntl(4, F_DUPFD_CLOEXEC, 10);

	(void)state;
	dup2(notify_fd, 4);
	pass_fds(tcp_socket(true), "2");
	assert_int_equal(sdnotify_listen_fd(err, sizeof err), -2);
	assert_non_null(strstr(err, "passed 2 sockets"));
	assert_non_null(strstr(err, "exactly one"));
	unpass_fds();
	close(4);
	if (four_saved >= 0) {
		dup2(four_saved, 4);
		close(four_saved);
	}
}

static void test_listen_fds_for_another_process_are_ignored(void **state)
{
	char err[256] = "", pid[32];

	(void)state;
	pass_fds(tcp_socket(true), "1");
	snprintf(pid, sizeof pid, "%d", (int)getpid() + 1);
	setenv("LISTEN_PID", pid, 1);
	assert_int_equal(sdnotify_listen_fd(err, sizeof err), -1);
	unpass_fds();
}

/* Accept=yes: the accepted connection is fd 3. */
static void test_connection_fd(void **state)
{
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pass_fds(sv[0], "1");
	assert_int_equal(sdnotify_connection_fd(), 3);
	unpass_fds();
	close(sv[1]);

	/* a listening socket is not a connection */
	pass_fds(tcp_socket(true), "1");
	assert_int_equal(sdnotify_connection_fd(), -1);
	unpass_fds();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_and_status_changes_only),
		cmocka_unit_test(test_watchdog_every_half_interval),
		cmocka_unit_test(test_stopping_says_why),
		cmocka_unit_test(test_no_notify_socket_is_quiet),
		cmocka_unit_test(test_listen_fd_none),
		cmocka_unit_test(test_listen_fd_takes_the_listening_socket),
		cmocka_unit_test(test_listen_fd_refuses_a_connection),
		cmocka_unit_test(test_listen_fd_refuses_two),
		cmocka_unit_test(test_listen_fds_for_another_process_are_ignored),
		cmocka_unit_test(test_connection_fd),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
