/* The clustercheck drop-in's pure parts: who is invoked, the sysconfig file
 * read as data, the positional arguments, argv scrubbing, the mapping onto
 * our configuration and policy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dropin.h"

struct reports {
	int n;
	char last[512];
	char all[4096];
};

static void collect(void *ctx, const char *msg)
{
	struct reports *r = ctx;

	r->n++;
	snprintf(r->last, sizeof r->last, "%s", msg);
	strncat(r->all, msg, sizeof r->all - strlen(r->all) - 2);
	strcat(r->all, "\n");
}

static void test_invoked_by_name_or_positional_args(void **state)
{
	char *by_name[] = {"/usr/bin/clustercheck", NULL};
	char *by_name_args[] = {"clustercheck", "user", "pass", NULL};
	char *by_args[] = {"clustercheckd", "user", "pass", "1", "/var/log/cc.log", "0",
			   "/etc/my.cnf", NULL};
	char *dash[] = {"clustercheckd", "-", "1", "/dev/null", "1", "/etc/my.cnf", NULL};
	char *options[] = {"clustercheckd", "--inetd", NULL};
	char *plain[] = {"clustercheckd", NULL};

	(void)state;
	assert_true(dropin_invoked(1, by_name));
	assert_true(dropin_invoked(3, by_name_args));
	assert_true(dropin_invoked(7, by_args));
	assert_true(dropin_invoked(6, dash));
	assert_false(dropin_invoked(2, options));
	assert_false(dropin_invoked(1, plain));
}

/* A typo of a subcommand, or part of clustercheck's line, under our own
 * name is not a check. */
static void test_not_invoked_by_a_partial_positional_line(void **state)
{
	char *typo[] = {"clustercheckd", "stauts", NULL};
	char *two[] = {"/usr/sbin/clustercheckd", "user", "pass", NULL};
	char *three[] = {"clustercheckd", "user", "pass", "1", NULL};
	char *words[] = {"clustercheckd", "a", "b", "c", "d", "e", "f", NULL};
	char *dash_short[] = {"clustercheckd", "-", "1", "/dev/null", NULL};
	char *dash_words[] = {"clustercheckd", "-", "yes", "/dev/null", "1", "/etc/my.cnf", NULL};
	char *too_many[] = {"clustercheckd", "u", "p", "1", "/l", "0", "/d", "x", NULL};

	(void)state;
	assert_false(dropin_invoked(2, typo));
	assert_false(dropin_invoked(3, two));
	assert_false(dropin_invoked(4, three));
	assert_false(dropin_invoked(7, words));
	assert_false(dropin_invoked(4, dash_short));
	assert_false(dropin_invoked(6, dash_words));
	assert_false(dropin_invoked(8, too_many));
}

static void test_defaults_fix_the_username_bug(void **state)
{
	struct dropin_settings s;

	(void)state;
	dropin_settings_defaults(&s);
	/* Not "-clustercheckuser", the script's typo. */
	assert_string_equal(s.user, "clustercheckuser");
	assert_string_equal(s.password, "clustercheckpassword!");
	assert_false(s.donor_ok);
	assert_true(s.readonly_ok);
	assert_string_equal(s.err_file, "/dev/null");
	assert_string_equal(s.defaults_file, "/etc/my.cnf");
}

static void test_sysconfig_values_quotes_comments(void **state)
{
	struct dropin_settings s;
	struct reports r = {0};
	const char *text =
		"# /etc/sysconfig/clustercheck\n"
		"\n"
		"MYSQL_USERNAME=checker\n"
		"  export MYSQL_PASSWORD='s3cret with spaces'   # trailing comment\n"
		"MYSQL_HOST=\"10.0.0.1\"\n"
		"MYSQL_PORT=3307\n"
		"AVAILABLE_WHEN_DONOR=1\n"
		"AVAILABLE_WHEN_READONLY=0\n"
		"ERR_FILE=/var/log/cc\\ log\n"
		"DEFAULTS_EXTRA_FILE=\"/etc/my \\\"x\\\".cnf\"\n"
		"SOMETHING_ELSE=ignored\n"
		"TIMEOUT=10";

	(void)state;
	dropin_settings_defaults(&s);
	assert_int_equal(dropin_parse_sysconfig(text, &s, collect, &r), 0);
	assert_int_equal(r.n, 0);
	assert_string_equal(s.user, "checker");
	assert_string_equal(s.password, "s3cret with spaces");
	assert_string_equal(s.host, "10.0.0.1");
	assert_int_equal(s.port, 3307);
	assert_true(s.donor_ok);
	assert_false(s.readonly_ok);
	assert_string_equal(s.err_file, "/var/log/cc log");
	assert_string_equal(s.defaults_file, "/etc/my \"x\".cnf");
}

static void test_sysconfig_empty_user_means_defaults_file(void **state)
{
	struct dropin_settings s;

	(void)state;
	dropin_settings_defaults(&s);
	assert_int_equal(dropin_parse_sysconfig("MYSQL_USERNAME=\nMYSQL_PASSWORD=''\n", &s, NULL, NULL), 0);
	assert_string_equal(s.user, "");
	assert_string_equal(s.password, "");
}

static void test_sysconfig_flags_follow_the_scripts_eq_tests(void **state)
{
	struct dropin_settings s;

	(void)state;
	/* Donor counts only for 1; read-only refuses only for 0. */
	dropin_settings_defaults(&s);
	dropin_parse_sysconfig("AVAILABLE_WHEN_DONOR=2\nAVAILABLE_WHEN_READONLY=2\n", &s, NULL, NULL);
	assert_false(s.donor_ok);
	assert_true(s.readonly_ok);
}

static void test_sysconfig_is_never_executed_and_bad_lines_are_reported(void **state)
{
	struct dropin_settings s;
	struct reports r = {0};
	const char *text =
		"MYSQL_USERNAME=$LOGNAME\n"              /* literal, with a warning */
		"rm -rf /tmp/x\n"                         /* not KEY=VALUE */
		"MYSQL_PASSWORD='unterminated\n"
		"MYSQL_PORT=http\n"
		"AVAILABLE_WHEN_DONOR=1; touch /tmp/pwned\n"
		"A=1 B=2\n"
		"MYSQL_HOST = db\n";

	(void)state;
	dropin_settings_defaults(&s);
	assert_int_equal(dropin_parse_sysconfig(text, &s, collect, &r), 7);
	assert_string_equal(s.user, "$LOGNAME");
	assert_string_equal(s.password, "clustercheckpassword!");
	assert_int_equal(s.port, 3306);
	assert_false(s.donor_ok);
	assert_string_equal(s.host, "");
	assert_non_null(strstr(r.all, "line 1: MYSQL_USERNAME contains $"));
	assert_non_null(strstr(r.all, "line 2: not KEY=VALUE"));
	assert_non_null(strstr(r.all, "line 3: MYSQL_PASSWORD: unterminated"));
	assert_non_null(strstr(r.all, "line 4: MYSQL_PORT: not a port"));
	assert_non_null(strstr(r.all, "line 5: AVAILABLE_WHEN_DONOR: shell syntax"));
	assert_non_null(strstr(r.all, "line 6: A: one KEY=VALUE per line"));
	assert_non_null(strstr(r.all, "line 7: not KEY=VALUE"));
	/* A report never echoes a value: it could be the password. */
	assert_null(strstr(r.all, "unterminated\n'"));
}

static void test_args_scrub_the_password_from_argv(void **state)
{
	char a0[] = "clustercheck", a1[] = "checker", a2[] = "hunter2", a3[] = "1",
	     a4[] = "/var/log/cc.log", a5[] = "0", a6[] = "/etc/cc.cnf";
	char *argv[] = {a0, a1, a2, a3, a4, a5, a6, NULL};
	struct dropin_args a;
	struct dropin_settings s;

	(void)state;
	assert_int_equal(dropin_take_args(7, argv, &a), 0);
	/* The bytes /proc/PID/cmdline shows are gone; our copy is intact. */
	assert_int_equal(memcmp(a2, "\0\0\0\0\0\0\0", sizeof a2), 0);
	assert_string_equal(a.password, "hunter2");
	assert_string_equal(argv[1], "checker");

	dropin_settings_defaults(&s);
	assert_int_equal(dropin_apply_args(&a, &s, NULL, NULL), 0);
	assert_string_equal(s.user, "checker");
	assert_string_equal(s.password, "hunter2");
	assert_true(s.donor_ok);
	assert_string_equal(s.err_file, "/var/log/cc.log");
	assert_false(s.readonly_ok);
	assert_string_equal(s.defaults_file, "/etc/cc.cnf");
	dropin_args_free(&a);
}

static void test_dash_form_takes_credentials_from_the_defaults_file(void **state)
{
	char a0[] = "clustercheck", a1[] = "-", a2[] = "1", a3[] = "/dev/null", a4[] = "1",
	     a5[] = "/etc/mysql/clustercheck.cnf";
	char *argv[] = {a0, a1, a2, a3, a4, a5, NULL};
	struct dropin_args a;
	struct dropin_settings s;

	(void)state;
	assert_int_equal(dropin_take_args(6, argv, &a), 0);
	/* Nothing to scrub: the argument after "-" is a flag, left as is. */
	assert_string_equal(argv[2], "1");
	dropin_settings_defaults(&s);
	assert_int_equal(dropin_apply_args(&a, &s, NULL, NULL), 0);
	assert_string_equal(s.user, "");
	assert_string_equal(s.password, "");
	assert_true(s.donor_ok);
	assert_true(s.readonly_ok);
	assert_string_equal(s.defaults_file, "/etc/mysql/clustercheck.cnf");
	dropin_args_free(&a);
}

static void test_args_win_over_sysconfig_and_partial_args_keep_the_rest(void **state)
{
	char a0[] = "clustercheck", a1[] = "argsuser";
	char *argv[] = {a0, a1, NULL};
	struct dropin_args a;
	struct dropin_settings s;
	struct reports r = {0};

	(void)state;
	dropin_settings_defaults(&s);
	dropin_parse_sysconfig("MYSQL_USERNAME=fileuser\nMYSQL_PASSWORD=filepass\n", &s, NULL, NULL);
	assert_int_equal(dropin_take_args(2, argv, &a), 0);
	assert_int_equal(dropin_apply_args(&a, &s, collect, &r), 0);
	assert_string_equal(s.user, "argsuser");
	assert_string_equal(s.password, "filepass");
	dropin_args_free(&a);
}

static void test_bad_and_extra_args_are_reported(void **state)
{
	char a0[] = "clustercheck", a1[] = "u", a2[] = "p", a3[] = "yes", a4[] = "/dev/null",
	     a5[] = "1", a6[] = "/etc/my.cnf", a7[] = "extra";
	char *argv[] = {a0, a1, a2, a3, a4, a5, a6, a7, NULL};
	struct dropin_args a;
	struct dropin_settings s;
	struct reports r = {0};

	(void)state;
	assert_int_equal(dropin_take_args(8, argv, &a), 0);
	dropin_settings_defaults(&s);
	assert_int_equal(dropin_apply_args(&a, &s, collect, &r), 2);
	assert_non_null(strstr(r.all, "available_when_donor: not a number"));
	assert_non_null(strstr(r.all, "after the sixth"));
	assert_false(s.donor_ok);
	dropin_args_free(&a);
}

static void test_mapping_onto_cfg(void **state)
{
	struct dropin_settings s;
	struct cfg c;
	char path[] = "/tmp/test_dropin_XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	dropin_settings_defaults(&s);
	s.donor_ok = true;
	s.readonly_ok = false;
	snprintf(s.defaults_file, sizeof s.defaults_file, "%s", path);
	cfg_defaults(&c);
	dropin_to_cfg(&s, &c);
	assert_int_equal(c.policy.donor, DONOR_ALWAYS);
	assert_false(c.policy.read_only_ok);
	assert_int_equal(c.bodies, BODIES_CLUSTERCHECK);
	assert_string_equal(c.mysql.user, "clustercheckuser");
	assert_string_equal(c.mysql.defaults_file, path);
	/* The readable defaults file may name the socket: ours steps aside. */
	assert_string_equal(c.mysql.socket, "");
	assert_string_equal(c.mysql.host, "");

	/* An unreadable defaults file is not used, as the script does. */
	snprintf(s.defaults_file, sizeof s.defaults_file, "/nonexistent/my.cnf");
	s.donor_ok = false;
	snprintf(s.host, sizeof s.host, "127.0.0.1");
	s.port = 3307;
	cfg_defaults(&c);
	dropin_to_cfg(&s, &c);
	assert_int_equal(c.policy.donor, DONOR_NEVER);
	assert_string_equal(c.mysql.defaults_file, "");
	assert_string_equal(c.mysql.socket, "/run/mysqld/mysqld.sock");
	assert_string_equal(c.mysql.host, "127.0.0.1");
	assert_int_equal(c.mysql.port, 3307);
	close(fd);
	unlink(path);
}

static void test_err_file_naming_our_stdio(void **state)
{
	char mine[64];

	(void)state;
	assert_true(dropin_err_file_is_stdio("/proc/self/fd/2"));
	assert_true(dropin_err_file_is_stdio("/dev/stderr"));
	assert_true(dropin_err_file_is_stdio("/dev/fd/1"));
	snprintf(mine, sizeof mine, "/proc/%ld/fd/2", (long)getpid());
	assert_true(dropin_err_file_is_stdio(mine));
	assert_false(dropin_err_file_is_stdio("/var/log/clustercheck.log"));
	assert_false(dropin_err_file_is_stdio("/dev/null"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invoked_by_name_or_positional_args),
		cmocka_unit_test(test_not_invoked_by_a_partial_positional_line),
		cmocka_unit_test(test_defaults_fix_the_username_bug),
		cmocka_unit_test(test_sysconfig_values_quotes_comments),
		cmocka_unit_test(test_sysconfig_empty_user_means_defaults_file),
		cmocka_unit_test(test_sysconfig_flags_follow_the_scripts_eq_tests),
		cmocka_unit_test(test_sysconfig_is_never_executed_and_bad_lines_are_reported),
		cmocka_unit_test(test_args_scrub_the_password_from_argv),
		cmocka_unit_test(test_dash_form_takes_credentials_from_the_defaults_file),
		cmocka_unit_test(test_args_win_over_sysconfig_and_partial_args_keep_the_rest),
		cmocka_unit_test(test_bad_and_extra_args_are_reported),
		cmocka_unit_test(test_mapping_onto_cfg),
		cmocka_unit_test(test_err_file_naming_our_stdio),
	};
	return cmocka_run_group_tests_name("dropin", tests, NULL, NULL);
}
