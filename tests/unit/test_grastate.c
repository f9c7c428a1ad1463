/* grastate.dat parsing (pure) and reading it from a datadir. */
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
#include <unistd.h>

#include "datadir.h"
#include "grastate.h"

#define UUID "5ee99582-bb8d-11e2-b8e3-23de375c1d30"

static int parse(const char *text, struct grastate *g)
{
	return grastate_parse(text, strlen(text), g);
}

static void test_galera_file(void **state)
{
	struct grastate g;

	(void)state;
	assert_int_equal(parse("# GALERA saved state\nversion: 2.1\nuuid:    " UUID "\n"
			       "seqno:   1234\nsafe_to_bootstrap: 1\n", &g), 3);
	assert_string_equal(g.uuid, UUID);
	assert_int_equal(g.seqno, 1234);
	assert_true(g.safe_to_bootstrap);
	assert_string_equal(g.version, "2.1");
}

static void test_running_node_and_crlf(void **state)
{
	struct grastate g;

	(void)state;
	assert_int_equal(parse("version: 2.1\r\nuuid: " UUID "\r\nseqno: -1\r\nsafe_to_bootstrap: 0", &g), 3);
	assert_int_equal(g.seqno, -1);
	assert_false(g.safe_to_bootstrap);
}

static void test_garbage_marks_fields_not_ok(void **state)
{
	static const char *const bad[] = {
		"uuid: 5ee99582-bb8d-11e2-b8e3-23de375c1d3\nseqno: 12x\nsafe_to_bootstrap: yes\n",
		"uuid: 5ee99582xbb8d-11e2-b8e3-23de375c1d30\nseqno: -2\nsafe_to_bootstrap: 10\n",
		"uuid: \nseqno: \nsafe_to_bootstrap:\n",
		"seqno: 99999999999999999999999\n",
		"seqno: --1\n",
		"seqno: +5\n",
		"\x01\x02\xff:::\n:\n\n",
		"",
	};
	struct grastate g;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(parse(bad[i], &g), 0);
		assert_false(g.uuid_ok);
		assert_false(g.seqno_ok);
		assert_false(g.safe_to_bootstrap_ok);
		assert_string_equal(g.uuid, "");
	}
}

static void test_not_nul_terminated_and_bounded(void **state)
{
	char *big = malloc(GRASTATE_MAX_BYTES * 2);
	struct grastate g;
	static const char tail[] = "seqno: 7\n";

	(void)state;
	/* A seqno line beyond the bound is never looked at. */
	memset(big, '#', GRASTATE_MAX_BYTES * 2);
	big[0] = '\n';
	memcpy(big + GRASTATE_MAX_BYTES + 10, tail, sizeof tail - 1);
	assert_int_equal(grastate_parse(big, GRASTATE_MAX_BYTES * 2, &g), 0);
	/* The length is respected: no read past "seqno: 4". */
	memcpy(big, "seqno: 42", 9);
	assert_int_equal(grastate_parse(big, 8, &g), 1);
	assert_int_equal(g.seqno, 4);
	free(big);
}

static char dir[64];

static void write_file(const char *name, const char *text, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void test_datadir_read(void **state)
{
	struct datadir_facts d;
	char path[128];

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cck-grastate-XXXXXX");
	assert_non_null(mkdtemp(dir));

	datadir_read("", &d);
	assert_false(d.checked);

	datadir_read(dir, &d);
	assert_true(d.checked);
	assert_int_equal(d.dir_errno, 0);
	assert_int_equal(d.grastate_errno, ENOENT);
	assert_false(d.sst_in_progress);

	static const char gs[] = "version: 2.1\nuuid: " UUID "\nseqno: 77\nsafe_to_bootstrap: 1\n";
	write_file("grastate.dat", gs, sizeof gs - 1);
	write_file("sst_in_progress", "", 0);
	datadir_read(dir, &d);
	assert_int_equal(d.grastate_errno, 0);
	assert_int_equal(d.grastate.seqno, 77);
	assert_true(d.grastate.safe_to_bootstrap);
	assert_true(d.sst_in_progress);

	char *big = calloc(1, GRASTATE_MAX_BYTES + 1);
	write_file("grastate.dat", big, GRASTATE_MAX_BYTES + 1);
	free(big);
	datadir_read(dir, &d);
	assert_int_equal(d.grastate_errno, EFBIG);
	assert_false(d.grastate.seqno_ok);

	snprintf(path, sizeof path, "%s/grastate.dat", dir);
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	datadir_read(dir, &d);
	assert_int_equal(d.grastate_errno, EINVAL);
	unlink(path);
	snprintf(path, sizeof path, "%s/sst_in_progress", dir);
	unlink(path);
	rmdir(dir);

	datadir_read(dir, &d);
	assert_int_equal(d.dir_errno, ENOENT);
	datadir_read("/etc/hostname", &d);
	assert_int_equal(d.dir_errno, ENOTDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_galera_file),
		cmocka_unit_test(test_running_node_and_crlf),
		cmocka_unit_test(test_garbage_marks_fields_not_ok),
		cmocka_unit_test(test_not_nul_terminated_and_bounded),
		cmocka_unit_test(test_datadir_read),
	};
	return cmocka_run_group_tests_name("grastate", tests, NULL, NULL);
}
