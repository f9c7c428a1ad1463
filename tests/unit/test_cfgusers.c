/* http.auth.users parsed straight from libconfig text (test_cfg covers the
 * same through cfg_load, with file:line): entries, every bad one reported
 * at its line, duplicates, a clear password refused and never echoed, the
 * subject rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cfgusers.h"
#include "said.h"

#define GOOD_HASH "$2b$10$GE1Lo1bbcWTL4YLKSBKb/OyYYnnSGZwMO72mbv8.b6IvD5KHcwWXq"
static bool parse(const char *text, struct auth_cfg *ac, struct said *s)
{
	config_t cf;
	const config_setting_t *list = said_read(&cf, text, "users", s);
	bool ok;

	memset(ac, 0, sizeof *ac);
	assert_non_null(list);
	ok = cfgusers_parse(list, "http.auth.users", ac, said_collect, s);
	config_destroy(&cf);
	return ok;
}

static bool nothing_said_contains(const struct said *s, const char *needle)
{
	for (int i = 0; i < s->n && i < SAID_MAX; i++)
		if (strstr(s->text[i], needle))
			return false;
	return true;
}

static void test_good_list(void **state)
{
	struct auth_cfg ac;
	struct said s;

	(void)state;
	assert_true(parse("users = ( { name = \"prometheus\"; hash = \"" GOOD_HASH "\"; },\n"
			  "          { subject = \"CN=scraper,O=db\"; name = \"scraper\"; } );",
			  &ac, &s));
	assert_int_equal(s.n, 0);
	assert_int_equal(ac.nusers, 2);
	assert_string_equal(ac.users[0].name, "prometheus");
	assert_string_equal(ac.users[0].hash, GOOD_HASH);
	assert_string_equal(ac.users[0].subject, "");
	assert_string_equal(ac.users[1].name, "scraper");
	assert_string_equal(ac.users[1].hash, "");
	assert_string_equal(ac.users[1].subject, "CN=scraper,O=db");
	assert_true(parse("users = ();", &ac, &s));
	assert_int_equal(ac.nusers, 0);
	assert_int_equal(s.n, 0);
}

static void test_every_bad_entry_reported(void **state)
{
	static const struct {
		unsigned line;
		const char *text;
	} want[] = {
		{2, "http.auth.users: hash is not a bcrypt ($2b$, $2y$) or yescrypt ($y$) hash "
		    "(a clear password is never accepted; see docs/auth.md)"},
		{3, "http.auth.users: name: a user name cannot hold ':' (basic auth splits there)"},
		{4, "http.auth.users: user \"b\" needs exactly one of hash and subject"},
		{5, "http.auth.users: user \"c\" needs exactly one of hash and subject"},
		{6, "http.auth.users: a user needs a name"},
		{7, "http.auth.users: unknown setting 'password' (a user has name, and hash or subject)"},
		{8, "http.auth.users: name: expected a string, got an integer"},
		{9, "http.auth.users: name: empty"},
		{10, "http.auth.users: expected a group { name = ...; hash = ...; }, got an integer"},
		{11, "http.auth.users: duplicate user \"prometheus\""},
	};
	const size_t n = sizeof want / sizeof want[0];
	struct auth_cfg ac;
	struct said s;

	(void)state;
	assert_false(parse("users = ( { name = \"prometheus\"; hash = \"" GOOD_HASH "\"; },\n" /* 1 */
			   "  { name = \"a\"; hash = \"hunter2-clear\"; },\n"                   /* 2 */
			   "  { name = \"d:e\"; hash = \"" GOOD_HASH "\"; },\n"                  /* 3 */
			   "  { name = \"b\"; hash = \"" GOOD_HASH "\"; subject = \"CN=b\"; },\n" /* 4 */
			   "  { name = \"c\"; },\n"                                              /* 5 */
			   "  { hash = \"" GOOD_HASH "\"; },\n"                                  /* 6 */
			   "  { name = \"f\"; password = \"x\"; },\n"                            /* 7 */
			   "  { name = 7; hash = \"" GOOD_HASH "\"; },\n"                        /* 8 */
			   "  { name = \"\"; subject = \"CN=x\"; },\n"                           /* 9 */
			   "  5,\n"                                                              /* 10 */
			   "  { name = \"prometheus\"; subject = \"CN=p\"; } );",                /* 11 */
			   &ac, &s));
	for (int i = 0; s.n != (int)n && i < s.n && i < SAID_MAX; i++)
		print_message("said %u: %s\n", s.line[i], s.text[i]);
	assert_int_equal(s.n, (int)n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(s.text[i], want[i].text);
		assert_int_equal(s.line[i], want[i].line);
	}
	/* The clear password is not echoed, and nothing of the list is kept. */
	assert_true(nothing_said_contains(&s, "hunter2"));
	assert_int_equal(ac.nusers, 0);
	assert_string_equal(ac.users[0].name, "");
	assert_string_equal(ac.users[0].hash, "");
}

static void test_too_long_and_too_many(void **state)
{
	char text[8192], name[AUTH_NAME_MAX + 1];
	size_t used = 0;
	struct auth_cfg ac;
	struct said s;

	(void)state;
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	snprintf(text, sizeof text, "users = ( { name = \"%s\"; hash = \"" GOOD_HASH "\"; } );", name);
	assert_false(parse(text, &ac, &s));
	assert_int_equal(s.n, 1);
	assert_string_equal(s.text[0], "http.auth.users: name: too long");

	used += (size_t)snprintf(text, sizeof text, "users = (\n");
	for (int i = 0; i <= AUTH_USERS_MAX; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "%s{ name = \"u%d\"; subject = \"CN=u%d\"; }\n",
					 i ? "," : "", i, i);
	snprintf(text + used, sizeof text - used, ");");
	assert_false(parse(text, &ac, &s));
	assert_int_equal(s.n, 1);
	assert_string_equal(s.text[0], "http.auth.users: 17 users, at most 16");
	assert_int_equal(ac.nusers, 0);
}

/* A subject is only learnt from a certificate http.tls.client_ca verified. */
static void test_subjects_need_client_ca(void **state)
{
	struct auth_cfg ac;
	struct said s;

	(void)state;
	assert_true(parse("users = ( { name = \"p\"; hash = \"" GOOD_HASH "\"; },\n"
			  "  { name = \"scraper\"; subject = \"CN=scraper\"; } );", &ac, &s));
	cfgusers_check_subjects(&ac, true, NULL, said_collect, &s);
	assert_int_equal(s.n, 0);
	cfgusers_check_subjects(&ac, false, NULL, said_collect, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.text[0], "http.auth.users: user \"scraper\" has a subject, but http.tls.client_ca "
		"is not set: no client certificate is asked for");

	assert_true(parse("users = ( { name = \"p\"; hash = \"" GOOD_HASH "\"; } );", &ac, &s));
	cfgusers_check_subjects(&ac, false, NULL, said_collect, &s);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_list),
		cmocka_unit_test(test_every_bad_entry_reported),
		cmocka_unit_test(test_too_long_and_too_many),
		cmocka_unit_test(test_subjects_need_client_ca),
	};
	return cmocka_run_group_tests_name("cfgusers", tests, NULL, NULL);
}
