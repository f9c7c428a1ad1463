/* The ctl client: where it looks for the socket, that it never waits longer
 * than its timeout, and the exit codes of `clustercheckd ctl`. The round
 * trip through the agent's side is in test_ctl.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "ctlclient.h"
#include "tmpdir.h"

static char tmpdir[64];

static void test_socket_path_sources(void **state)
{
	char path[PATH_MAX], note[PATH_MAX + 64], conf[256];
	FILE *f;

	(void)state;
	/* --ctl wins, whatever the config says */
	ctlclient_socket_path("/run/x.sock", "/nonexistent/c.conf", path, sizeof path, note, sizeof note);
	assert_string_equal(path, "/run/x.sock");
	assert_string_equal(note, "");

	/* the config's */
	snprintf(conf, sizeof conf, "%s/c.conf", tmpdir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "ctl = { socket = \"%s/agent.sock\"; };\n", tmpdir);
	fclose(f);
	assert_int_equal(chmod(conf, 0600), 0);
	ctlclient_socket_path(NULL, conf, path, sizeof path, note, sizeof note);
	assert_string_equal(path + strlen(tmpdir), "/agent.sock");
	assert_string_equal(note, "");

	/* an unreadable config: the default, and a note saying so */
	ctlclient_socket_path(NULL, "/nonexistent/c.conf", path, sizeof path, note, sizeof note);
	assert_string_equal(path, "/run/clustercheckd/ctl.sock");
	assert_non_null(strstr(note, "could not read /nonexistent/c.conf; pass --ctl PATH"));
}

static void test_send_refusals_name_the_problem(void **state)
{
	char path[256], longp[200], err[512];

	(void)state;
	snprintf(path, sizeof path, "%s/nobody.sock", tmpdir);
	assert_int_equal(ctlclient_send(path, "status\n", NULL, 0, 200, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot connect"));

	memset(longp, 'x', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = '\0';
	assert_int_equal(ctlclient_send(longp, "status\n", NULL, 0, 200, err, sizeof err), -1);
	assert_non_null(strstr(err, "path too long"));
}

/* An agent that accepted nothing (stuck, or busy with another client): the
 * kernel completes the connection from its backlog, and only the client's
 * own deadline ends the wait for an answer. */
static void test_silent_agent_costs_only_the_timeout(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char reply[CTL_REPLY_MAX], err[512];
	long long t0, took;
	int fd;

	(void)state;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/silent.sock", tmpdir);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 4), 0);
	t0 = clock_mono_ms();
	assert_int_equal(ctlclient_send(sa.sun_path, "status\n", reply, sizeof reply, 150, err,
					sizeof err), -1);
	took = clock_mono_ms() - t0;
	assert_non_null(strstr(err, "no answer from"));
	assert_true(took >= 150);
	assert_true(took < 5000);
	close(fd);
	unlink(sa.sun_path);
}

static int run_main(const char *a, const char *b, const char *c, const char *d)
{
	char *argv[] = {"ctl", (char *)a, (char *)b, (char *)c, (char *)d, NULL};
	int argc = 1;

	while (argv[argc])
		argc++;
	return ctlclient_main(argc, argv);
}

static void test_main_exit_codes(void **state)
{
	char path[256];

	(void)state;
	snprintf(path, sizeof path, "%s/nobody.sock", tmpdir);
	/* usage: no command, a notify (mysqld's, not the operator's), two commands */
	assert_int_equal(run_main(NULL, NULL, NULL, NULL), 2);
	assert_int_equal(run_main("--ctl", path, "notify", NULL), 2);
	assert_int_equal(run_main("--ctl", path, "drain", "ready"), 2);
	assert_int_equal(run_main("--ctl", path, "reboot", NULL), 2);
	/* no agent there */
	assert_int_equal(run_main("--ctl", path, "status", NULL), 3);
	/* ctl.socket = "" in the configuration */
	assert_int_equal(run_main("--ctl", "", "status", NULL), 3);
}

static int make_tmpdir(void **state)
{
	(void)state;
	return tmpdir_make(tmpdir, sizeof tmpdir, "test_ctlclient");
}

static int remove_tmpdir(void **state)
{
	(void)state;
	return tmpdir_remove(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_path_sources),
		cmocka_unit_test(test_send_refusals_name_the_problem),
		cmocka_unit_test(test_silent_agent_costs_only_the_timeout),
		cmocka_unit_test(test_main_exit_codes),
	};

	return cmocka_run_group_tests_name("ctlclient", tests, make_tmpdir, remove_tmpdir);
}
