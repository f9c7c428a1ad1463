/* The one-shot path without mysqld: the answer goes through the daemon's
 * HTTP engine (over a real loopback connection), the disabled file decides
 * before any probe, and taking the inetd connection leaves fds 0-2 on
 * /dev/null. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oneshot.h"

static char *serve(const struct cfg *c, const struct oneshot_intent *in, int *status)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*status = oneshot_serve_to(c, in, f);
	fclose(f);
	return buf;
}

static void test_unprobed_answer_is_a_framed_503(void **state)
{
	struct cfg c;
	struct oneshot_intent in = {.admin = ADMIN_READY, .no_probe_why = "not asked: test"};
	int status;
	char *out;

	(void)state;
	cfg_defaults(&c);
	out = serve(&c, &in, &status);
	assert_int_equal(status, 503);
	assert_non_null(strstr(out, "HTTP/1.1 503 Service Unavailable\r\n"));
	assert_non_null(strstr(out, "\r\nContent-Length: 62\r\n"));
	assert_non_null(strstr(out, "\r\n\r\nGalera node is not ready: mysqld unreachable: not asked: test\n"));
	free(out);
}

static void test_disabled_file_answers_without_probing(void **state)
{
	struct cfg c;
	char path[] = "/tmp/test_oneshot_XXXXXX";
	int fd = mkstemp(path), status;
	/* A probe would fail loudly: this one must never be attempted. */
	struct oneshot_intent in = {.admin = ADMIN_READY, .disabled_file = path};
	char *out;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	cfg_defaults(&c);
	snprintf(c.mysql.socket, sizeof c.mysql.socket, "/nonexistent/mysqld.sock");
	c.bodies = BODIES_CLUSTERCHECK;
	out = serve(&c, &in, &status);
	assert_int_equal(status, 503);
	assert_non_null(strstr(out, "\r\n\r\nPercona XtraDB Cluster Node is manually disabled.\r\n"));
	free(out);
	unlink(path);
	/* Gone: now mysqld is asked, and cannot be reached. */
	out = serve(&c, &in, &status);
	assert_int_equal(status, 503);
	assert_non_null(strstr(out, "\r\n\r\nPercona XtraDB Cluster Node is not synced.\r\n"));
	free(out);
}

static void test_take_connection_moves_it_off_stdio(void **state)
{
	int sv[2], wstatus;
	pid_t pid;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct stat st, null_st;
		int fd, bad = 0;

		for (int i = 0; i <= 2; i++)
			dup2(sv[1], i);
		fd = oneshot_take_connection();
		if (fd < 3 || fstat(fd, &st) || !S_ISSOCK(st.st_mode))
			_exit(10);
		stat("/dev/null", &null_st);
		for (int i = 0; i <= 2; i++)
			if (fstat(i, &st) || st.st_rdev != null_st.st_rdev || !S_ISCHR(st.st_mode))
				bad = 11 + i;
		/* Writes to stdout/stderr must not reach the client. */
		if (write(2, "leak", 4) != 4 || write(1, "leak", 4) != 4)
			bad = 20;
		if (write(fd, "ok", 2) != 2)
			bad = 21;
		_exit(bad);
	}
	close(sv[1]);
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	assert_true(WIFEXITED(wstatus));
	assert_int_equal(WEXITSTATUS(wstatus), 0);
	{
		char buf[16] = {0};
		ssize_t n = read(sv[0], buf, sizeof buf - 1);
		assert_int_equal(n, 2);
		assert_string_equal(buf, "ok");
	}
	close(sv[0]);
}

static void test_take_connection_refuses_a_non_socket(void **state)
{
	int wstatus;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		_exit(oneshot_take_connection() == -1 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	assert_int_equal(WEXITSTATUS(wstatus), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unprobed_answer_is_a_framed_503),
		cmocka_unit_test(test_disabled_file_answers_without_probing),
		cmocka_unit_test(test_take_connection_moves_it_off_stdio),
		cmocka_unit_test(test_take_connection_refuses_a_non_socket),
	};
	int rc;

	mysql_library_init(0, NULL, NULL);
	rc = cmocka_run_group_tests_name("oneshot", tests, NULL, NULL);
	mysql_library_end();
	return rc;
}
