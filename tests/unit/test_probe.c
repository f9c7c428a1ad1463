/* Failure paths of the probe that a real server cannot produce on demand,
 * with libmariadb's entry points replaced by --wrap mocks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <string.h>

#include "probe.h"

MYSQL *__wrap_mysql_real_connect(MYSQL *m, const char *host, const char *user, const char *passwd,
				 const char *db, unsigned int port, const char *unix_socket,
				 unsigned long flags);
int __wrap_mysql_real_query(MYSQL *m, const char *q, unsigned long len);
MYSQL_RES *__wrap_mysql_store_result(MYSQL *m);
int __wrap_mysql_next_result(MYSQL *m);
unsigned int __wrap_mysql_errno(MYSQL *m);
const char *__wrap_mysql_error(MYSQL *m);

/* The error the last mocked call "raised", as mysql_errno/mysql_error see it. */
static unsigned int last_errno;
static const char *last_error = "";

static void raise_error(unsigned int code, const char *text)
{
	last_errno = code;
	last_error = text;
}

MYSQL *__wrap_mysql_real_connect(MYSQL *m, const char *host, const char *user, const char *passwd,
				 const char *db, unsigned int port, const char *unix_socket,
				 unsigned long flags)
{
	(void)db;
	(void)port;
	check_expected_ptr(user);
	check_expected_ptr(passwd);
	check_expected_ptr(unix_socket);
	assert_string_equal(host, "localhost");
	assert_true(flags & CLIENT_MULTI_STATEMENTS);
	unsigned int code = mock_type(unsigned int);
	if (code) {
		raise_error(code, mock_ptr_type(const char *));
		return NULL;
	}
	raise_error(0, "");
	return m;
}

int __wrap_mysql_real_query(MYSQL *m, const char *q, unsigned long len)
{
	(void)m;
	(void)len;
	check_expected_ptr(q);
	unsigned int code = mock_type(unsigned int);
	if (code) {
		raise_error(code, mock_ptr_type(const char *));
		return 1;
	}
	raise_error(0, "");
	return 0;
}

MYSQL_RES *__wrap_mysql_store_result(MYSQL *m)
{
	(void)m;
	unsigned int code = mock_type(unsigned int);
	raise_error(code, code ? mock_ptr_type(const char *) : "");
	return NULL;
}

int __wrap_mysql_next_result(MYSQL *m)
{
	(void)m;
	int rc = mock_type(int);
	if (rc > 0)
		raise_error(2013, "Lost connection to server during query");
	return rc;
}

unsigned int __wrap_mysql_errno(MYSQL *m)
{
	(void)m;
	return last_errno;
}

const char *__wrap_mysql_error(MYSQL *m)
{
	(void)m;
	return last_error;
}

static void config(struct probe_cfg *c)
{
	memset(c, 0, sizeof *c);
	strcpy(c->socket, "/run/test.sock");
	strcpy(c->user, "clustercheck");
	strcpy(c->password, "s3cret-never-shown");
	c->connect_timeout_s = c->read_timeout_s = c->write_timeout_s = 1;
}

static void expect_connect(unsigned int code, const char *text)
{
	expect_string(__wrap_mysql_real_connect, user, "clustercheck");
	expect_string(__wrap_mysql_real_connect, passwd, "s3cret-never-shown");
	expect_string(__wrap_mysql_real_connect, unix_socket, "/run/test.sock");
	will_return(__wrap_mysql_real_connect, code);
	if (code)
		will_return(__wrap_mysql_real_connect, text);
}

static void expect_query(const char *prefix, unsigned int code, const char *text)
{
	expect_memory(__wrap_mysql_real_query, q, prefix, strlen(prefix));
	will_return(__wrap_mysql_real_query, code);
	if (code)
		will_return(__wrap_mysql_real_query, text);
}

static void expect_empty_results(void)
{
	will_return(__wrap_mysql_store_result, 0);
	will_return(__wrap_mysql_next_result, 0);
	will_return(__wrap_mysql_store_result, 0);
	will_return(__wrap_mysql_next_result, -1);
}

static void test_connect_refused_is_unreachable_with_the_reason(void **state)
{
	struct probe_cfg c;
	struct probe *p;
	struct snapshot s;

	(void)state;
	config(&c);
	p = probe_new(&c);
	expect_connect(2002, "Can't connect to local server through socket '/run/test.sock' (2)");
	assert_int_equal(probe_poll(p, &s), -1);
	assert_int_equal(s.outcome, SNAP_UNREACHABLE);
	assert_int_equal(s.error_code, 2002);
	assert_string_equal(s.error, "Can't connect to local server through socket '/run/test.sock' (2) (2002)");
	assert_null(strstr(s.error, "s3cret"));
	assert_false(probe_connected(p));
	assert_int_equal(s.failure, SNAP_FAIL_SILENT);
	probe_free(p);
}

/* The error packets that keep the agent out while mysqld runs fine. */
static const unsigned server_refusals[] = {
	ER_ACCESS_DENIED_ERROR,          /* 1045 wrong password, dropped account */
	ER_CON_COUNT_ERROR,              /* 1040 max_connections */
	ER_HOST_IS_BLOCKED,              /* 1129 max_connect_errors */
	ER_HOST_NOT_PRIVILEGED,          /* 1130 no account for this host */
	ER_TOO_MANY_USER_CONNECTIONS,    /* 1203 max_user_connections */
	ER_USER_LIMIT_REACHED,           /* 1226 per-account resource limits */
	ER_DBACCESS_DENIED_ERROR,        /* 1044 */
	ER_ACCESS_DENIED_NO_PASSWORD_ERROR, /* 1698 unix_socket/PAM refused */
	ER_MUST_CHANGE_PASSWORD_LOGIN,   /* 1862 expired password */
	ER_MUST_CHANGE_PASSWORD,         /* 1820 expired password, sandbox */
	ER_SERVER_SHUTDOWN,              /* 1053 */
	ER_CONNECTION_KILLED,            /* 1927 */
	ER_UNKNOWN_COM_ERROR,            /* 1047 WSREP has not yet prepared node */
	3118,                            /* MySQL ER_ACCOUNT_HAS_BEEN_LOCKED */
	4151,                            /* MariaDB ER_ACCOUNT_HAS_BEEN_LOCKED */
	1,                               /* anything mysqld may send */
	65535 - 1,
};

/* Connector/C's own codes that mean nothing came back. */
static const unsigned client_silences[] = {
	0, CR_UNKNOWN_ERROR, CR_SOCKET_CREATE_ERROR, CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR,
	CR_IPSOCK_ERROR, CR_UNKNOWN_HOST, CR_SERVER_GONE_ERROR, CR_OUT_OF_MEMORY, CR_SERVER_LOST,
	CR_COMMANDS_OUT_OF_SYNC, CR_SERVER_LOST_EXTENDED, CR_ERR_NET_READ, CR_ERR_NET_WRITE,
	CR_EVENT_CREATE_FAILED, CR_BIND_ADDR_FAILED, CR_FILE_NOT_FOUND,
};

/* ...and those that mean mysqld's handshake (or a packet) did arrive. */
static const unsigned client_replies[] = {
	CR_VERSION_ERROR, CR_SERVER_HANDSHAKE_ERR, CR_NET_PACKET_TOO_LARGE, CR_SSL_CONNECTION_ERROR,
	CR_MALFORMED_PACKET, CR_SECURE_AUTH, CR_AUTH_PLUGIN_CANNOT_LOAD, CR_AUTH_PLUGIN_ERR,
};

static bool in(const unsigned *list, size_t n, unsigned code)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == code)
			return true;
	return false;
}

#define IN(list, code) in(list, sizeof list / sizeof *list, code)

static void test_failure_class_named_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof server_refusals / sizeof *server_refusals; i++)
		if (probe_failure_class(server_refusals[i]) != SNAP_FAIL_REFUSED)
			fail_msg("server error %u taken for silence", server_refusals[i]);
	for (size_t i = 0; i < sizeof client_silences / sizeof *client_silences; i++)
		if (probe_failure_class(client_silences[i]) != SNAP_FAIL_SILENT)
			fail_msg("client error %u taken for a reply", client_silences[i]);
	for (size_t i = 0; i < sizeof client_replies / sizeof *client_replies; i++)
		if (probe_failure_class(client_replies[i]) != SNAP_FAIL_REFUSED)
			fail_msg("client error %u (a reply arrived) taken for silence", client_replies[i]);
}

/* Every code a 16-bit error packet can carry, and beyond: outside the
 * client's ranges it came from mysqld; inside, only the listed handshake
 * failures mean a reply. */
static void test_failure_class_every_code(void **state)
{
	(void)state;
	for (unsigned code = 0; code <= 70000; code++) {
		bool client = code == 0 || (code >= CR_MIN_ERROR && code <= CR_MAX_ERROR) ||
			      (code >= CER_MIN_ERROR && code <= CER_MAX_ERROR);
		enum snapshot_failure want = !client || IN(client_replies, code) ? SNAP_FAIL_REFUSED
										  : SNAP_FAIL_SILENT;

		if (probe_failure_class(code) != want)
			fail_msg("code %u: got %d, want %d", code, probe_failure_class(code), want);
	}
}

static void test_refused_login_is_a_reply(void **state)
{
	static const struct {
		unsigned code;
		const char *text;
		enum snapshot_failure want;
	} cases[] = {
		{1045, "Access denied for user 'clustercheck'@'localhost' (using password: YES)", SNAP_FAIL_REFUSED},
		{1040, "Too many connections", SNAP_FAIL_REFUSED},
		{1862, "Your password has expired. To log in you must change it using a client that supports expired passwords", SNAP_FAIL_REFUSED},
		{4151, "Access denied, this account is locked", SNAP_FAIL_REFUSED},
		{2013, "Lost connection to server at 'handshake: reading initial communication packet', system error: 110", SNAP_FAIL_SILENT},
		{2002, "Can't connect to local server through socket '/run/test.sock' (111)", SNAP_FAIL_SILENT},
	};
	struct probe_cfg c;
	struct probe *p;
	struct snapshot s;

	(void)state;
	config(&c);
	p = probe_new(&c);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		expect_connect(cases[i].code, cases[i].text);
		assert_int_equal(probe_poll(p, &s), -1);
		assert_int_equal(s.outcome, SNAP_UNREACHABLE);
		assert_int_equal(s.error_code, cases[i].code);
		assert_int_equal(s.failure, cases[i].want);
		assert_int_equal(snapshot_refused(&s), cases[i].want == SNAP_FAIL_REFUSED);
		assert_non_null(strstr(s.error, cases[i].text));
	}
	/* Connected, then the server answers the query with an error. */
	expect_connect(0, NULL);
	expect_query("SET SESSION wsrep_sync_wait", 1927, "Connection was killed");
	assert_int_equal(probe_poll(p, &s), -1);
	assert_int_equal(s.failure, SNAP_FAIL_REFUSED);
	probe_free(p);
}

static void test_server_without_wsrep_sync_wait_still_polls(void **state)
{
	struct probe_cfg c;
	struct probe *p;
	struct snapshot s;

	(void)state;
	config(&c);
	p = probe_new(&c);
	expect_connect(0, NULL);
	expect_query("SET SESSION wsrep_sync_wait=0", 1193, "Unknown system variable 'wsrep_sync_wait'");
	expect_query("SHOW GLOBAL STATUS WHERE Variable_name IN (", 0, NULL);
	expect_empty_results();
	assert_int_equal(probe_poll(p, &s), 0);
	assert_int_equal(s.outcome, SNAP_OK);
	/* No rows came back: every fact is absent, none is zero. */
	for (int i = 0; i < FACT_COUNT; i++)
		assert_false(s.facts[i].present);
	assert_true(probe_connected(p));
	probe_free(p);
}

static void test_other_init_errors_fail_the_connect(void **state)
{
	struct probe_cfg c;
	struct probe *p;
	struct snapshot s;

	(void)state;
	config(&c);
	p = probe_new(&c);
	expect_connect(0, NULL);
	expect_query("SET SESSION wsrep_sync_wait=0", 1047, "WSREP has not yet prepared node for application use");
	assert_int_equal(probe_poll(p, &s), -1);
	assert_int_equal(s.error_code, 1047);
	assert_false(probe_connected(p));
	probe_free(p);
}

static void test_lost_connection_closes_and_next_poll_reconnects(void **state)
{
	struct probe_cfg c;
	struct probe *p;
	struct snapshot s;

	(void)state;
	config(&c);
	p = probe_new(&c);
	expect_connect(0, NULL);
	expect_query("SET SESSION", 0, NULL);
	expect_query("SHOW GLOBAL STATUS", 0, NULL);
	expect_empty_results();
	assert_int_equal(probe_poll(p, &s), 0);

	/* Same connection, no reconnect: the query itself fails. */
	expect_query("SHOW GLOBAL STATUS", 2013, "Lost connection to server during query");
	assert_int_equal(probe_poll(p, &s), -1);
	assert_string_equal(s.error, "Lost connection to server during query (2013)");
	assert_false(probe_connected(p));

	expect_connect(0, NULL);
	expect_query("SET SESSION", 0, NULL);
	expect_query("SHOW GLOBAL STATUS", 0, NULL);
	expect_empty_results();
	assert_int_equal(probe_poll(p, &s), 0);
	probe_free(p);
}

static void test_result_errors_are_unreachable(void **state)
{
	struct probe_cfg c;
	struct probe *p;
	struct snapshot s;

	(void)state;
	config(&c);
	p = probe_new(&c);
	expect_connect(0, NULL);
	expect_query("SET SESSION", 0, NULL);
	expect_query("SHOW GLOBAL STATUS", 0, NULL);
	will_return(__wrap_mysql_store_result, 2008);
	will_return(__wrap_mysql_store_result, "MySQL client ran out of memory");
	assert_int_equal(probe_poll(p, &s), -1);
	assert_int_equal(s.error_code, 2008);

	expect_connect(0, NULL);
	expect_query("SET SESSION", 0, NULL);
	expect_query("SHOW GLOBAL STATUS", 0, NULL);
	will_return(__wrap_mysql_store_result, 0);
	will_return(__wrap_mysql_next_result, 1); /* the second statement failed */
	assert_int_equal(probe_poll(p, &s), -1);
	assert_int_equal(s.error_code, 2013);
	assert_false(probe_connected(p));
	probe_free(p);
}

static void test_empty_credentials_are_left_to_the_defaults_file(void **state)
{
	struct probe_cfg c;
	struct probe *p;
	struct snapshot s;

	(void)state;
	config(&c);
	c.user[0] = c.password[0] = '\0';
	strcpy(c.defaults_file, "/nonexistent/my.cnf");
	p = probe_new(&c);
	expect_value(__wrap_mysql_real_connect, user, NULL);
	expect_value(__wrap_mysql_real_connect, passwd, NULL);
	expect_string(__wrap_mysql_real_connect, unix_socket, "/run/test.sock");
	will_return(__wrap_mysql_real_connect, 1045);
	will_return(__wrap_mysql_real_connect, "Access denied for user 'x'@'localhost' (using password: NO)");
	assert_int_equal(probe_poll(p, &s), -1);
	assert_int_equal(s.error_code, 1045);
	probe_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_refused_is_unreachable_with_the_reason),
		cmocka_unit_test(test_failure_class_named_codes),
		cmocka_unit_test(test_failure_class_every_code),
		cmocka_unit_test(test_refused_login_is_a_reply),
		cmocka_unit_test(test_server_without_wsrep_sync_wait_still_polls),
		cmocka_unit_test(test_other_init_errors_fail_the_connect),
		cmocka_unit_test(test_lost_connection_closes_and_next_poll_reconnects),
		cmocka_unit_test(test_result_errors_are_unreachable),
		cmocka_unit_test(test_empty_credentials_are_left_to_the_defaults_file),
	};
	mysql_library_init(0, NULL, NULL);
	int failed = cmocka_run_group_tests_name("probe", tests, NULL, NULL);
	mysql_library_end();
	return failed;
}
