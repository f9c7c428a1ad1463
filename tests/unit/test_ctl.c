/* The control channel, the agent's side: the line protocol, mysqld's
 * notify arguments, the resolution of intents, a real socket round trip
 * with its safety rules, and the health's "mysqld said it is going down"
 * flag. The client's own behaviour is in test_ctlclient.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "ctl.h"
#include "ctlclient.h"
#include "health.h"
#include "notify.h"
#include "fixtures.h"
#include "tmpdir.h"

static char tmpdir[128];

/* ---- protocol ---- */

static void test_parse_simple_commands(void **state)
{
	struct ctl_request r;

	(void)state;
	assert_int_equal(ctl_parse_line("drain\n", &r), 0);
	assert_int_equal(r.cmd, CTL_DRAIN);
	assert_int_equal(ctl_parse_line("maint", &r), 0);
	assert_int_equal(r.cmd, CTL_MAINT);
	assert_int_equal(ctl_parse_line("  ready\r\n", &r), 0);
	assert_int_equal(r.cmd, CTL_READY);
	assert_int_equal(ctl_parse_line("status\n", &r), 0);
	assert_int_equal(r.cmd, CTL_STATUS);
}

static void test_parse_notify(void **state)
{
	struct ctl_request r;

	(void)state;
	assert_int_equal(ctl_parse_line("notify disconnecting no\n", &r), 0);
	assert_int_equal(r.cmd, CTL_NOTIFY);
	assert_string_equal(r.status, "disconnecting");
	assert_int_equal(r.primary, 0);
	assert_int_equal(ctl_parse_line("notify synced yes", &r), 0);
	assert_int_equal(r.primary, 1);
	assert_int_equal(ctl_parse_line("notify joined -", &r), 0);
	assert_int_equal(r.primary, -1);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "\n", "DRAIN", "drain now", "drainx", "notify", "notify synced",
		"notify synced maybe", "notify Synced yes", "notify syn;ced yes",
		"notify synced yes extra", "notify aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa yes",
		"status status status status status",
	};
	struct ctl_request r;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		print_message("  '%s'\n", bad[i]);
		assert_int_equal(ctl_parse_line(bad[i], &r), -1);
	}
}

/* ---- notify arguments ---- */

static void test_notify_args_from_mysqld(void **state)
{
	char *argv[] = {"notify", "--ctl", "/run/x.sock", "--status", "Disconnecting", "--uuid",
			"6f2c-11ee", "--primary", "no", "--index", "2", "--members",
			"a/node1/127.0.0.1:3306,b/node2/127.0.0.1:3307", "--future-option", NULL};
	struct notify_event ev;
	char line[96];

	(void)state;
	assert_int_equal(notify_parse_args(14, argv, &ev), 0);
	assert_string_equal(ev.status, "disconnecting");
	assert_int_equal(ev.primary, 0);
	assert_int_equal(ev.index, 2);
	assert_string_equal(ev.ctl, "/run/x.sock");
	assert_int_equal(notify_line(&ev, line, sizeof line), strlen("notify disconnecting no\n"));
	assert_string_equal(line, "notify disconnecting no\n");
	/* and the agent reads it back */
	struct ctl_request r;
	assert_int_equal(ctl_parse_line(line, &r), 0);
	assert_string_equal(r.status, "disconnecting");
}

static void test_notify_args_bad(void **state)
{
	char *no_status[] = {"notify", "--uuid", "x", "--primary", "yes", NULL};
	char *bad_status[] = {"notify", "--status", "rm -rf", NULL};
	char *dangling[] = {"notify", "--status", NULL};
	struct notify_event ev;

	(void)state;
	assert_int_equal(notify_parse_args(5, no_status, &ev), -1);
	assert_int_equal(notify_parse_args(3, bad_status, &ev), -1);
	assert_int_equal(notify_parse_args(2, dangling, &ev), -1);
}

static void test_notify_down_statuses(void **state)
{
	(void)state;
	assert_true(notify_status_is_down("disconnecting"));
	assert_true(notify_status_is_down("disconnected"));
	assert_false(notify_status_is_down("synced"));
	assert_false(notify_status_is_down("joined"));
	assert_false(notify_status_is_down("donor"));
}

/* ---- intent resolution ---- */

static void test_resolve_strongest_wins(void **state)
{
	struct admin_inputs in = {.ctl = ADMIN_READY, .drain_seconds = 10};
	char why[256];

	(void)state;
	assert_int_equal(admin_resolve(&in, "/f", why, sizeof why), ADMIN_READY);
	in.ctl = ADMIN_DRAIN;
	snprintf(in.ctl_why, sizeof in.ctl_why, "ctl drain by uid 0");
	assert_int_equal(admin_resolve(&in, "/f", why, sizeof why), ADMIN_DRAIN);
	assert_string_equal(why, "ctl drain by uid 0");
	in.stopping = true;
	assert_int_equal(admin_resolve(&in, "/f", why, sizeof why), ADMIN_DRAIN);
	assert_string_equal(why, "SIGTERM: draining for 10 s, then exiting");
	in.ctl = ADMIN_MAINT;
	assert_int_equal(admin_resolve(&in, "/f", why, sizeof why), ADMIN_MAINT);
	in.ctl = ADMIN_READY;
	in.stopping = false;
	in.maint_file = true;
	assert_int_equal(admin_resolve(&in, "/var/tmp/clustercheck.disabled", why, sizeof why), ADMIN_MAINT);
	assert_string_equal(why, "maintenance file /var/tmp/clustercheck.disabled exists");
}

/* ---- a real socket ---- */

struct served {
	int calls;
	struct ctl_request last;
	struct ctl_peer peer;
};

static void handler(void *ctx, const struct ctl_request *req, const struct ctl_peer *peer,
		    char *reply, size_t len)
{
	struct served *s = ctx;

	__atomic_add_fetch(&s->calls, 1, __ATOMIC_SEQ_CST);
	s->last = *req;
	s->peer = *peer;
	snprintf(reply, len, "ok %d\n", (int)req->cmd);
}

static void sock_path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", tmpdir, name);
}

static void test_round_trip_and_mode(void **state)
{
	char path[256], reply[CTL_REPLY_MAX], err[512];
	struct served s = {0};
	struct stat st;

	(void)state;
	sock_path(path, sizeof path, "ctl.sock");
	struct ctl_server *srv = ctl_server_start(path, 0600, "", handler, &s, err, sizeof err);
	if (!srv)
		print_message("%s\n", err);
	assert_non_null(srv);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(ctlclient_send(path, "drain\n", reply, sizeof reply, 2000, err, sizeof err), 0);
	assert_string_equal(reply, "ok 1\n");
	assert_int_equal(s.last.cmd, CTL_DRAIN);
	assert_int_equal(s.peer.uid, geteuid());
	assert_int_equal(s.peer.pid, getpid());

	/* garbage gets an error, not the handler */
	assert_int_equal(ctlclient_send(path, "rm -rf /\n", reply, sizeof reply, 2000, err, sizeof err), 0);
	assert_non_null(strstr(reply, "error: unknown command"));
	assert_int_equal(s.calls, 1);

	/* a line longer than the limit is refused whole */
	char longline[CTL_LINE_MAX * 2];
	memset(longline, 'a', sizeof longline - 2);
	longline[sizeof longline - 2] = '\n';
	longline[sizeof longline - 1] = '\0';
	assert_int_equal(ctlclient_send(path, longline, reply, sizeof reply, 2000, err, sizeof err), 0);
	assert_string_equal(reply, "error: line too long\n");
	assert_int_equal(s.calls, 1);

	/* notify does not wait for the answer */
	assert_int_equal(ctlclient_send(path, "notify synced yes\n", NULL, 0, 200, err, sizeof err), 0);

	/* a second server on a live socket is refused */
	struct served s2 = {0};
	assert_null(ctl_server_start(path, 0600, "", handler, &s2, err, sizeof err));
	assert_non_null(strstr(err, "another agent is running"));

	/* notify did not wait: its line may still be in the backlog */
	for (int i = 0; i < 200 && __atomic_load_n(&s.calls, __ATOMIC_SEQ_CST) < 2; i++)
		usleep(5000);
	ctl_server_stop(srv);
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.last.cmd, CTL_NOTIFY);
	/* the file is gone, and a client says so without blocking */
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(ctlclient_send(path, "status\n", reply, sizeof reply, 200, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot connect"));
}

static void test_stale_socket_is_replaced(void **state)
{
	char path[256], err[512];
	struct served s = {0};

	(void)state;
	sock_path(path, sizeof path, "stale.sock");
	struct ctl_server *srv = ctl_server_start(path, 0660, "", handler, &s, err, sizeof err);
	assert_non_null(srv);
	ctl_server_stop(srv);
	/* leave a socket file nobody listens on, as a killed agent would */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	assert_true(strlen(path) < sizeof sa.sun_path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);
	srv = ctl_server_start(path, 0660, "", handler, &s, err, sizeof err);
	if (!srv)
		print_message("%s\n", err);
	assert_non_null(srv);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	ctl_server_stop(srv);
}

static void test_unsafe_places_are_refused(void **state)
{
	char path[512], dir[256], err[512];
	struct served s = {0};
	FILE *f;

	(void)state;
	/* a regular file is never deleted to make room */
	sock_path(path, sizeof path, "regular");
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_null(ctl_server_start(path, 0600, "", handler, &s, err, sizeof err));
	assert_non_null(strstr(err, "not a socket"));
	assert_int_equal(access(path, F_OK), 0);

	/* a directory others can write to */
	sock_path(dir, sizeof dir, "open");
	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	snprintf(path, sizeof path, "%s/ctl.sock", dir);
	assert_null(ctl_server_start(path, 0600, "", handler, &s, err, sizeof err));
	assert_non_null(strstr(err, "writable by group or other"));

	/* a missing directory is created, private */
	sock_path(dir, sizeof dir, "made");
	snprintf(path, sizeof path, "%s/ctl.sock", dir);
	struct ctl_server *srv = ctl_server_start(path, 0600, "", handler, &s, err, sizeof err);
	assert_non_null(srv);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
	ctl_server_stop(srv);

	/* an unknown group */
	assert_null(ctl_server_start(path, 0660, "no-such-group-here", handler, &s, err, sizeof err));
	assert_non_null(strstr(err, "no group"));

	/* too long for sun_path */
	char longp[200];
	memset(longp, 'x', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = '\0';
	assert_null(ctl_server_start(longp, 0600, "", handler, &s, err, sizeof err));
	assert_non_null(strstr(err, "too long"));
}

/* ---- health: notified shutdown ---- */

static void synced(struct snapshot *s, const struct timespec *taken, double secs)
{
	static const char *const kv[][2] = {
		{"wsrep_on", "ON"}, {"wsrep_local_state", "4"}, {"wsrep_ready", "ON"},
		{"wsrep_connected", "ON"}, {"wsrep_cluster_status", "Primary"},
		{"wsrep_desync", "OFF"},
	};

	snapshot_init(s);
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
		snapshot_set(s, kv[i][0], strlen(kv[i][0]), kv[i][1], strlen(kv[i][1]));
	s->outcome = SNAP_OK;
	s->taken = *taken;
	s->poll_seconds = secs;
}

static void test_notified_down_until_a_later_poll(void **state)
{
	struct verdict_policy p;
	struct health_view v;
	struct snapshot snap;
	struct timespec t0, now;

	(void)state;
	fixture_policy(&p);
	struct health *h = health_new(&p);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	synced(&snap, &t0, 0.001);
	health_publish(h, &snap);
	assert_int_equal(health_tick(h, &t0).code, 200);

	health_notify_down(h, "disconnecting");
	clock_gettime(CLOCK_MONOTONIC, &now);
	struct verdict vd = health_tick(h, &now);
	assert_int_equal(vd.code, 503);
	assert_non_null(strstr(vd.reason, "shutting down (notified: disconnecting)"));

	/* an answer to a poll sent before the notification does not count */
	synced(&snap, &now, 10.0);
	health_publish(h, &snap);
	assert_int_equal(health_tick(h, &now).code, 503);

	/* one sent after it does */
	usleep(2000);
	clock_gettime(CLOCK_MONOTONIC, &now);
	synced(&snap, &now, 0.0005);
	health_publish(h, &snap);
	health_view(h, &v);
	assert_int_equal(health_tick(h, &now).code, 200);
	health_free(h);
}

static int make_tmpdir(void **state)
{
	(void)state;
	return tmpdir_make(tmpdir, sizeof tmpdir, "test_ctl");
}

static int remove_tmpdir(void **state)
{
	(void)state;
	return tmpdir_remove(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_simple_commands),
		cmocka_unit_test(test_parse_notify),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_notify_args_from_mysqld),
		cmocka_unit_test(test_notify_args_bad),
		cmocka_unit_test(test_notify_down_statuses),
		cmocka_unit_test(test_resolve_strongest_wins),
		cmocka_unit_test(test_round_trip_and_mode),
		cmocka_unit_test(test_stale_socket_is_replaced),
		cmocka_unit_test(test_unsafe_places_are_refused),
		cmocka_unit_test(test_notified_down_until_a_later_poll),
	};

	return cmocka_run_group_tests_name("ctl", tests, make_tmpdir, remove_tmpdir);
}
