/* Failure paths of the probe that a real server cannot produce on demand,
 * with libmariadb's entry points replaced by --wrap mocks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <mysql.h>
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
