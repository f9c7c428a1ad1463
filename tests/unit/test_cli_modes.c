/* The command line's modes: --inetd, --check [--json], and finding --inetd
 * before any parsing (main takes the connection off fds 0-2 first). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int parse(int argc, char **argv, struct cli *o)
{
	FILE *saved = stderr;
	int rc;

	memset(o, 0, sizeof *o);
	optind = 0; /* reset getopt between parses */
	stderr = fopen("/dev/null", "w");
	rc = cli_parse(argc, argv, o);
	fclose(stderr);
	stderr = saved;
	return rc;
}

static void test_modes(void **state)
{
	char *daemon[] = {"clustercheckd", NULL};
	char *inetd[] = {"clustercheckd", "--inetd", "--socket", "/s", NULL};
	char *check[] = {"clustercheckd", "--check", "--json", NULL};
	struct cli o;

	(void)state;
	assert_int_equal(parse(1, daemon, &o), 0);
	assert_int_equal(o.mode, MODE_DAEMON);
	assert_int_equal(parse(4, inetd, &o), 0);
	assert_int_equal(o.mode, MODE_INETD);
	assert_string_equal(o.socket, "/s");
	assert_int_equal(parse(3, check, &o), 0);
	assert_int_equal(o.mode, MODE_CHECK);
	assert_true(o.json);
}

static void test_conflicting_modes_are_refused(void **state)
{
	char *both[] = {"clustercheckd", "--inetd", "--check", NULL};
	char *json_alone[] = {"clustercheckd", "--json", NULL};
	char *json_inetd[] = {"clustercheckd", "--inetd", "--json", NULL};
	struct cli o;

	(void)state;
	assert_int_equal(parse(3, both, &o), -1);
	assert_int_equal(parse(2, json_alone, &o), -1);
	assert_int_equal(parse(3, json_inetd, &o), -1);
}

static void test_has_flag_stops_at_double_dash(void **state)
{
	char *a[] = {"clustercheckd", "--config", "/c", "--inetd", NULL};
	char *b[] = {"clustercheckd", "--", "--inetd", NULL};

	(void)state;
	assert_true(cli_has_flag(4, a, "--inetd"));
	assert_false(cli_has_flag(3, b, "--inetd"));
	assert_false(cli_has_flag(4, a, "--check"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_conflicting_modes_are_refused),
		cmocka_unit_test(test_has_flag_stops_at_double_dash),
	};
	return cmocka_run_group_tests_name("cli_modes", tests, NULL, NULL);
}
