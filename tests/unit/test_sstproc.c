/* Telling a state transfer from a lock: command lines as mysqld spawns
 * them (MariaDB 10.11, copied from a real donor's /proc), a /proc tree
 * built in a temporary directory, SO_PEERCRED on a real socket pair, and
 * the donor-episode memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sstproc.h"

/* A literal with embedded NULs, length without the final one. */
#define CMD(lit) lit, sizeof lit - 1

static enum sst_proc_kind classify(const char *cmd, size_t len, char method[SST_PROC_METHOD_MAX])
{
	memset(method, 'x', SST_PROC_METHOD_MAX);
	method[SST_PROC_METHOD_MAX - 1] = '\0';
	return sstproc_classify_cmdline(cmd, len, method);
}

static void test_classify_real_command_lines(void **state)
{
	char m[SST_PROC_METHOD_MAX];

	(void)state;
	/* mysqld's own spawn, as `sh -c` with quoted values */
	assert_int_equal(classify(CMD("sh\0-c\0wsrep_sst_rsync --role 'donor' --address '127.0.0.1:25218/rsync_sst' "
				       "--local-port 25200 --socket '/tmp/d/mysqld.sock' --datadir '/tmp/d/data/' "
				       "--gtid 'd3b3:15' --gtid-domain-id 0 --mysqld-args --defaults-file=/tmp/d/my.cnf\0"), m),
			 SST_PROC_SST);
	assert_string_equal(m, "rsync");
	/* the script under it, through its interpreter, for an IST */
	assert_int_equal(classify(CMD("bash\0/usr//bin/wsrep_sst_rsync\0--role\0donor\0--address\0127.0.0.1:25218/rsync_sst\0"
				       "--gtid\0d3b3:15\0--bypass\0--mysqld-args\0--defaults-file=/tmp/d/my.cnf\0"), m),
			 SST_PROC_IST);
	assert_string_equal(m, "rsync");
	assert_int_equal(classify(CMD("/usr/bin/wsrep_sst_mariabackup\0--role\0donor\0--address\0x\0"), m), SST_PROC_SST);
	assert_string_equal(m, "mariabackup");
	assert_int_equal(classify(CMD("sh\0-c\0wsrep_sst_xtrabackup-v2 --role 'donor' --bypass\0"), m), SST_PROC_IST);
	assert_string_equal(m, "xtrabackup-v2");
}

static void test_classify_not_a_donor_script(void **state)
{
	char m[SST_PROC_METHOD_MAX];

	(void)state;
	/* the joiner's side of a transfer */
	assert_int_equal(classify(CMD("bash\0/usr/bin/wsrep_sst_rsync\0--role\0joiner\0--address\0x\0"), m), SST_PROC_NONE);
	/* tools the script runs, and an operator's backup */
	assert_int_equal(classify(CMD("rsync\0--owner\0--group\0rsync://127.0.0.1:1/rsync_sst\0"), m), SST_PROC_NONE);
	assert_int_equal(classify(CMD("/usr/bin/mariadb-backup\0--backup\0--target-dir=/b\0"), m), SST_PROC_NONE);
	assert_int_equal(classify(CMD("sleep\0" "10\0"), m), SST_PROC_NONE);
	/* --role donor after --mysqld-args is mysqld's, not the script's */
	assert_int_equal(classify(CMD("wsrep_sst_rsync\0--role\0joiner\0--mysqld-args\0--role\0donor\0"), m), SST_PROC_NONE);
	/* --bypass after --mysqld-args does not make an SST an IST */
	assert_int_equal(classify(CMD("wsrep_sst_rsync\0--role\0donor\0--mysqld-args\0--bypass\0"), m), SST_PROC_SST);
	/* a name that only starts like one, an empty method, nothing at all */
	assert_int_equal(classify(CMD("wsrep_sst_\0--role\0donor\0"), m), SST_PROC_NONE);
	assert_int_equal(classify(CMD("/x/wsrep_sstrsync\0--role\0donor\0"), m), SST_PROC_NONE);
	assert_int_equal(classify(CMD("--role\0donor\0"), m), SST_PROC_NONE);
	assert_int_equal(classify("", 0, m), SST_PROC_NONE);
	assert_int_equal(classify(CMD("\0\0\0"), m), SST_PROC_NONE);
	assert_int_equal(classify(CMD("sh\0-c\0"), m), SST_PROC_NONE);
	/* no NUL at the end (a truncated read) */
	assert_int_equal(classify("wsrep_sst_rsync\0--role\0donor", 28, m), SST_PROC_SST);
}

static void test_classify_long_method_is_cut(void **state)
{
	char m[SST_PROC_METHOD_MAX];
	char cmd[256];
	int n = snprintf(cmd, sizeof cmd, "wsrep_sst_%0100d", 7);

	(void)state;
	memcpy(cmd + n + 1, "--role\0donor\0", 13);
	assert_int_equal(classify(cmd, (size_t)n + 1 + 13, m), SST_PROC_SST);
	assert_int_equal(strlen(m), SST_PROC_METHOD_MAX - 1);
}

/* ---------------------------------------------------------------- /proc */

static char root[64];

static void put_file(const char *rel, const char *data, size_t len)
{
	char path[200], dir[300];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	snprintf(dir, sizeof dir, "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(dir), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static int setup_root(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "/tmp/cck-sstproc.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown_root(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd);
}

static void test_scan_finds_the_donor_script_two_levels_down(void **state)
{
	struct sst_process p;

	(void)state;
	/* mysqld 100 has threads 100 and 101; 101 forked sh 200, which
	 * runs bash 201 (the script), which runs rsync 202 */
	put_file("100/task/100/children", CMD(""));
	put_file("100/task/101/children", CMD("200 "));
	put_file("200/cmdline", CMD("sh\0-c\0wsrep_sst_rsync --role 'joiner'\0"));
	put_file("200/task/200/children", CMD("201 "));
	put_file("201/cmdline", CMD("bash\0/usr/bin/wsrep_sst_rsync\0--role\0donor\0--bypass\0"));
	put_file("201/task/201/children", CMD("202 "));
	put_file("202/cmdline", CMD("rsync\0"));
	sstproc_scan(root, 100, &p);
	assert_int_equal(p.kind, SST_PROC_IST);
	assert_string_equal(p.method, "rsync");
	assert_int_equal(p.mysqld_pid, 100);
}

static void test_scan_none_and_unknown(void **state)
{
	struct sst_process p;

	(void)state;
	/* children that ended between the two reads are skipped */
	put_file("300/task/300/children", CMD("301 302 "));
	put_file("301/cmdline", CMD("sleep\0" "1\0"));
	sstproc_scan(root, 300, &p);
	assert_int_equal(p.kind, SST_PROC_NONE);

	sstproc_scan(root, 0, &p);
	assert_int_equal(p.kind, SST_PROC_UNKNOWN);
	assert_non_null(strstr(p.why, "pid unknown"));

	sstproc_scan(root, 999, &p); /* no such process: cannot know */
	assert_int_equal(p.kind, SST_PROC_UNKNOWN);
	assert_non_null(strstr(p.why, "pid 999"));

	/* a live thread without a children file: a kernel without it */
	put_file("400/task/400/stat", CMD("x"));
	sstproc_scan(root, 400, &p);
	assert_int_equal(p.kind, SST_PROC_UNKNOWN);
	assert_non_null(strstr(p.why, "children"));
}

static void test_peer_pid_of_a_real_socket(void **state)
{
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(sstproc_peer_pid(sv[0]), getpid());
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(sstproc_peer_pid(-1), 0);
}

/* ---------------------------------------------------------------- episodes */

static struct sst_process seen(enum sst_proc_kind k)
{
	struct sst_process p = {.kind = k, .mysqld_pid = 7};
	snprintf(p.method, sizeof p.method, "rsync");
	return p;
}

static void test_track_keeps_the_transfer_for_a_moment_after_the_script(void **state)
{
	struct sst_tracker t = {0};
	struct sst_process out, ist = seen(SST_PROC_IST), none = seen(SST_PROC_NONE);

	(void)state;
	sstproc_track(&t, false, &none, 0, &out);
	assert_int_equal(out.kind, SST_PROC_NOT_LOOKED);
	sstproc_track(&t, true, &ist, 1000, &out);
	assert_int_equal(out.kind, SST_PROC_IST);
	/* script gone, node still in state 2: the transfer is ending */
	sstproc_track(&t, true, &none, 1000 + SSTPROC_GRACE_MS, &out);
	assert_int_equal(out.kind, SST_PROC_IST);
	assert_non_null(strstr(out.why, "ended"));
	/* longer than that: whatever holds the node now is not the transfer */
	sstproc_track(&t, true, &none, 1001 + SSTPROC_GRACE_MS, &out);
	assert_int_equal(out.kind, SST_PROC_NONE);
	/* a new episode forgets the old one */
	sstproc_track(&t, false, &none, 5000, &out);
	sstproc_track(&t, true, &none, 5001, &out);
	assert_int_equal(out.kind, SST_PROC_NONE);
	/* unknown stays unknown, even right after a transfer */
	sstproc_track(&t, true, &ist, 6000, &out);
	{
		struct sst_process unk = seen(SST_PROC_UNKNOWN);
		sstproc_track(&t, true, &unk, 6001, &out);
		assert_int_equal(out.kind, SST_PROC_UNKNOWN);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_real_command_lines),
		cmocka_unit_test(test_classify_not_a_donor_script),
		cmocka_unit_test(test_classify_long_method_is_cut),
		cmocka_unit_test_setup_teardown(test_scan_finds_the_donor_script_two_levels_down, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_scan_none_and_unknown, setup_root, teardown_root),
		cmocka_unit_test(test_peer_pid_of_a_real_socket),
		cmocka_unit_test(test_track_keeps_the_transfer_for_a_moment_after_the_script),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
