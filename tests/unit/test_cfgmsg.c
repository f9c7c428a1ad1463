/* How configuration messages speak of values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libconfig.h>
#include <string.h>

#include "cfgmsg.h"

static void test_type_phrases(void **state)
{
	(void)state;
	assert_string_equal(cfgmsg_type_phrase(CONFIG_TYPE_INT), "an integer");
	assert_string_equal(cfgmsg_type_phrase(CONFIG_TYPE_INT64), "an integer");
	assert_string_equal(cfgmsg_type_phrase(CONFIG_TYPE_STRING), "a string");
	assert_string_equal(cfgmsg_type_phrase(CONFIG_TYPE_GROUP), "a group");
	assert_string_equal(cfgmsg_type_phrase(CONFIG_TYPE_LIST), "a list");
	assert_string_equal(cfgmsg_type_phrase(-1), "a value of unknown type");
}

static void test_printable(void **state)
{
	char buf[8], wide[16];

	(void)state;
	assert_string_equal(cfgmsg_printable("abc", buf, sizeof buf), "abc");
	assert_string_equal(cfgmsg_printable("a\nb\033c", wide, sizeof wide), "a?b?c");
	/* Cut to fit, and said to be cut. */
	assert_string_equal(cfgmsg_printable("abcdefghij", buf, sizeof buf), "abcd...");
	assert_string_equal(cfgmsg_printable("abcd", buf, sizeof buf), "abcd");
}

static void test_distance(void **state)
{
	char long_name[80];

	(void)state;
	assert_int_equal(cfgmsg_distance("timeout", "timeout"), 0);
	assert_int_equal(cfgmsg_distance("timeuot", "timeout"), 2);
	assert_int_equal(cfgmsg_distance("interval", "interval_ms"), 3);
	assert_int_equal(cfgmsg_distance("", "abc"), 3);
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_int_equal(cfgmsg_distance(long_name, "a"), SIZE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_phrases),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_distance),
	};
	return cmocka_run_group_tests_name("cfgmsg", tests, NULL, NULL);
}
