/* The command line's modes: --inetd, --check [--json], and finding --inetd
 * before any parsing (main takes the connection off fds 0-2 first); an
 * unknown word is an unknown command; --help lists every option and
 * subcommand; --check-config binds `listen` as the daemon would. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* cli_parse's stderr, captured. */
static int parse_capture(int argc, char **argv, struct cli *o, char *out, size_t len)
{
	FILE *saved = stderr, *f = tmpfile();
	size_t n;
	int rc;

	assert_non_null(f);
	memset(o, 0, sizeof *o);
	optind = 0;
	stderr = f;
	rc = cli_parse(argc, argv, o);
	stderr = saved;
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
	return rc;
}

static void test_a_stray_word_is_an_unknown_command(void **state)
{
	char *typo[] = {"clustercheckd", "stauts", NULL};
	char *late[] = {"clustercheckd", "--config", "/c", "stauts", NULL};
	char err[8192];
	struct cli o;

	(void)state;
	assert_int_equal(parse_capture(2, typo, &o, err, sizeof err), -1);
	assert_non_null(strstr(err, "clustercheckd: unknown command 'stauts'\n"));
	assert_non_null(strstr(err, "usage: clustercheckd"));
	assert_int_equal(parse_capture(4, late, &o, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown command 'stauts'"));
}

static void usage_text(char *out, size_t len)
{
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	cli_usage(f);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
}

/* --help cannot forget an option or a subcommand: both come from tables. */
static void test_help_lists_every_option_and_subcommand(void **state)
{
	char text[16384], want[64];
	int n = 0;

	(void)state;
	usage_text(text, sizeof text);
	for (const struct option *opt = cli_options(); opt->name; opt++, n++) {
		snprintf(want, sizeof want, "--%s", opt->name);
		if (!strstr(text, want))
			fail_msg("--help does not mention %s", want);
	}
	assert_true(n >= 14);
	n = 0;
	for (const struct cli_command *c = cli_commands; c->name; c++, n++) {
		snprintf(want, sizeof want, "clustercheckd %s ", c->name);
		if (!strstr(text, want))
			fail_msg("--help has no synopsis for '%s'", c->name);
		assert_ptr_equal(cli_command_find(c->name), c);
	}
	assert_true(n >= 2);
	assert_non_null(cli_command_find("ctl"));
	assert_non_null(cli_command_find("notify"));
	assert_null(cli_command_find("stauts"));
	assert_non_null(strstr(text, "clustercheck [<user> <pass> | -]"));
}

struct reports {
	int n;
	char all[2048];
};

static void collect(void *ctx, const char *msg)
{
	struct reports *r = ctx;

	r->n++;
	strncat(r->all, msg, sizeof r->all - strlen(r->all) - 2);
	strcat(r->all, "\n");
}

static void test_check_listen_binds_like_the_daemon(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sin;
	struct reports r = {0};
	struct cfg c;
	int fd;

	(void)state;
	cfg_defaults(&c);
	/* A free loopback port binds. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	snprintf(c.listen, sizeof c.listen, "127.0.0.1:%u", ntohs(sin.sin_port));
	assert_int_equal(cli_check_listen(&c, collect, &r), 0);
	assert_int_equal(r.n, 0);

	/* Held by a listener (the running agent, say): a warning, no error. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(cli_check_listen(&c, collect, &r), 0);
	assert_int_equal(r.n, 1);
	assert_non_null(strstr(r.all, "warning: listen"));
	assert_non_null(strstr(r.all, "address already in use"));
	close(fd);

	/* An address that is not this host's (TEST-NET-1): the daemon could
	 * not bind it, so it is an error. agent.listen is checked too. */
	memset(&r, 0, sizeof r);
	snprintf(c.listen, sizeof c.listen, "192.0.2.1:9200");
	snprintf(c.agent_listen, sizeof c.agent_listen, "[2001:db8::1]:9201");
	assert_int_equal(cli_check_listen(&c, collect, &r), 2);
	assert_non_null(strstr(r.all, "listen '192.0.2.1:9200': cannot bind"));
	assert_non_null(strstr(r.all, "agent.listen '[2001:db8::1]:9201': cannot bind"));
}

/* Flags that stand for keys land in the configuration, which every mode
 * reads: --debug is `debug = true`, --syslog is `log = "syslog"`. */
static void test_flags_override_their_keys(void **state)
{
	struct cli o = {.config = "conf/clustercheckd.conf"};
	struct cfg c;

	(void)state;
	assert_int_equal(cli_load_config(&c, &o, cli_report_to_stderr), 0);
	assert_false(c.debug);
	assert_int_equal(c.log, LOG_TO_STDERR);
	o.debug = true;
	o.syslog = true;
	assert_int_equal(cli_load_config(&c, &o, cli_report_to_stderr), 0);
	assert_true(c.debug);
	assert_int_equal(c.log, LOG_TO_SYSLOG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_flags_override_their_keys),
		cmocka_unit_test(test_conflicting_modes_are_refused),
		cmocka_unit_test(test_has_flag_stops_at_double_dash),
		cmocka_unit_test(test_a_stray_word_is_an_unknown_command),
		cmocka_unit_test(test_help_lists_every_option_and_subcommand),
		cmocka_unit_test(test_check_listen_binds_like_the_daemon),
	};
	return cmocka_run_group_tests_name("cli_modes", tests, NULL, NULL);
}
