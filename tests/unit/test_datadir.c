/* The datadir: "cannot know" stays apart from "no", and mysqld's own
 * @@datadir wins over a wrong mysql.datadir. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "datadir.h"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/cck-datadir-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void touch(const char *name)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static void remove_dir(void)
{
	char path[128];

	chmod(dir, 0700);
	snprintf(path, sizeof path, "%s/%s", dir, DATADIR_SST_MARKER);
	unlink(path);
	snprintf(path, sizeof path, "%s/%s", dir, DATADIR_GRASTATE);
	unlink(path);
	rmdir(dir);
}

/* Reads `dir` without the right to search it: as its owner when it is
 * 0600 (no x bit), and as root (who may search anything) after dropping
 * to nobody in a child. Exit status: the facts, packed. */
static int read_unsearchable(void)
{
	pid_t pid;
	int st;

	assert_int_equal(chmod(dir, geteuid() == 0 ? 0700 : 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct datadir_facts d;

		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(99);
		datadir_read(dir, &d);
		_exit((d.checked ? 1 : 0) | (d.marker_errno == EACCES ? 2 : 0) |
		      (d.sst_in_progress ? 4 : 0) | (d.grastate_errno == EACCES ? 8 : 0) |
		      (datadir_marker_known(&d) ? 16 : 0) | (d.dir_errno ? 32 : 0));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void test_unsearchable_datadir_is_unknown_not_absent(void **state)
{
	int r;

	(void)state;
	make_dir();
	touch(DATADIR_SST_MARKER);
	touch(DATADIR_GRASTATE);
	r = read_unsearchable();
	remove_dir();
	assert_int_not_equal(r, 99);
	/* checked, marker unknown (EACCES), not "absent", grastate unknown */
	assert_int_equal(r, 1 | 2 | 8);
}

static void test_marker_known_absent_and_present(void **state)
{
	struct datadir_facts d;

	(void)state;
	make_dir();
	datadir_read(dir, &d);
	assert_true(datadir_marker_known(&d));
	assert_false(d.sst_in_progress);
	assert_true(datadir_grastate_known(&d)); /* known to be absent */
	assert_string_equal(d.path, dir);
	touch(DATADIR_SST_MARKER);
	datadir_read(dir, &d);
	assert_true(datadir_marker_known(&d));
	assert_true(d.sst_in_progress);
	remove_dir();

	datadir_read(dir, &d); /* gone */
	assert_false(datadir_marker_known(&d));
	assert_int_equal(d.marker_errno, ENOENT);
	assert_false(d.sst_in_progress);
	datadir_read("", &d);
	assert_false(d.checked);
	assert_false(datadir_marker_known(&d));
}

static void test_problem_lines(void **state)
{
	struct datadir_facts d = {.checked = true, .path = "/var/lib/mysql"};
	char line[512];

	(void)state;
	datadir_problem(&d, line, sizeof line);
	assert_string_equal(line, "");
	d.marker_errno = EACCES;
	d.grastate_errno = EACCES;
	datadir_problem(&d, line, sizeof line);
	assert_string_equal(line, "datadir /var/lib/mysql: cannot look for sst_in_progress (Permission denied): "
				  "whether a state transfer is under way cannot be known, nor grastate.dat read");
	d.marker_errno = 0;
	datadir_problem(&d, line, sizeof line);
	assert_string_equal(line, "datadir /var/lib/mysql: cannot read grastate.dat (Permission denied)");
	d.grastate_errno = ENOENT;
	datadir_problem(&d, line, sizeof line);
	assert_string_equal(line, "");
	d.dir_errno = ENOENT;
	datadir_problem(&d, line, sizeof line);
	assert_non_null(strstr(line, "No such file or directory: whether a state transfer is under way cannot be known"));
	d = (struct datadir_facts){0};
	datadir_problem(&d, line, sizeof line);
	assert_string_equal(line, "");
}

static void test_watch_prefers_mysqlds_datadir(void **state)
{
	struct datadir_watch w = {0};
	struct datadir_facts d;
	char reported[80];

	(void)state;
	make_dir();
	touch(DATADIR_SST_MARKER);
	/* Until mysqld says where, the configured path (wrong here). */
	datadir_watch_read(&w, "/nonexistent/mysql", NULL, &d);
	assert_string_equal(d.path, "/nonexistent/mysql");
	assert_false(d.from_mysqld);
	assert_false(datadir_marker_known(&d));
	/* mysqld says "<dir>/", as @@datadir does: read there from now on,
	 * also in polls mysqld does not answer. */
	snprintf(reported, sizeof reported, "%s/", dir);
	datadir_watch_read(&w, "/nonexistent/mysql", reported, &d);
	assert_string_equal(d.path, dir);
	assert_true(d.from_mysqld);
	assert_true(d.sst_in_progress);
	datadir_watch_read(&w, "/nonexistent/mysql", NULL, &d);
	assert_string_equal(d.path, dir);
	assert_true(d.sst_in_progress);
	/* The same path configured: nothing to choose. */
	datadir_watch_read(&w, dir, NULL, &d);
	assert_string_equal(d.path, dir);
	assert_true(d.from_mysqld);
	/* A relative path would be mysqld's cwd's, not ours: not learned. */
	{
		struct datadir_watch fresh = {0};

		datadir_watch_read(&fresh, "/nonexistent/mysql", "./data/", &d);
		assert_string_equal(d.path, "/nonexistent/mysql");
	}
	/* "" means: read nothing, whatever mysqld says. */
	datadir_watch_read(&w, "", reported, &d);
	assert_false(d.checked);
	remove_dir();
}

static void test_watch_keeps_configured_when_mysqlds_path_is_elsewhere(void **state)
{
	struct datadir_watch w = {0};
	struct datadir_facts d;

	(void)state;
	make_dir();
	/* A sidecar mounts the volume at another path than mysqld's. */
	datadir_watch_read(&w, dir, "/nonexistent/var/lib/mysql/", &d);
	assert_string_equal(d.path, dir);
	assert_false(d.from_mysqld);
	assert_true(datadir_marker_known(&d));
	remove_dir();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsearchable_datadir_is_unknown_not_absent),
		cmocka_unit_test(test_marker_known_absent_and_present),
		cmocka_unit_test(test_problem_lines),
		cmocka_unit_test(test_watch_prefers_mysqlds_datadir),
		cmocka_unit_test(test_watch_keeps_configured_when_mysqlds_path_is_elsewhere),
	};
	return cmocka_run_group_tests_name("datadir", tests, NULL, NULL);
}
