/* cluster.peers parsed straight from libconfig text (test_cfg covers the
 * same through cfg_load, with file:line): entries, duplicates, the cross
 * checks of the cluster keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cfgpeers.h"
#include "said.h"

static bool parse(const char *text, struct cluster_cfg *cc, struct said *s)
{
	config_t cf;
	const config_setting_t *list = said_read(&cf, text, "peers", s);
	bool ok;

	memset(cc, 0, sizeof *cc);
	assert_non_null(list);
	ok = cfgpeers_parse(list, "cluster.peers", cc, said_collect, s);
	config_destroy(&cf);
	return ok;
}

static void test_good_list(void **state)
{
	struct cluster_cfg cc;
	struct said s;

	(void)state;
	assert_true(parse("peers = ( { name = \"db1\"; url = \"http://10.0.0.1:9200/\"; priority = 1; },\n"
			  "          { priority = 2; url = \"http://[::1]:9201\"; name = \"db-2\"; } );",
			  &cc, &s));
	assert_int_equal(s.n, 0);
	assert_int_equal(cc.npeers, 2);
	assert_string_equal(cc.peers[0].name, "db1");
	assert_string_equal(cc.peers[0].url, "http://10.0.0.1:9200/");
	assert_int_equal(cc.peers[1].priority, 2);
	assert_true(parse("peers = ();", &cc, &s));
	assert_int_equal(cc.npeers, 0);
}

static void test_every_bad_entry_reported(void **state)
{
	struct cluster_cfg cc;
	struct said s;

	(void)state;
	assert_false(parse("peers = ( { name = \"db1\"; url = \"http://a:1\"; priority = 1; },\n"
			   "  { name = \"db1\"; url = \"http://b:1\"; priority = 2; },\n"
			   "  { name = \"db 3\"; url = \"ftp://c:1\"; priority = -1; },\n"
			   "  { name = \"db4\"; url = \"http://d:1\"; },\n"
			   "  5 );", &cc, &s));
	assert_int_equal(cc.npeers, 0);
	assert_int_equal(s.n, 6);
	assert_string_equal(s.text[0], "cluster.peers: duplicate peer name \"db1\" (first at line 1)");
	assert_int_equal(s.line[0], 2);
	assert_string_equal(s.text[1], "cluster.peers: name \"db 3\" is not a name: use letters, digits, '.', '_' and '-'");
	assert_string_equal(s.text[2], "cluster.peers: url \"ftp://c:1\" is not http://HOST:PORT or https://HOST:PORT (the peer agent's address)");
	assert_string_equal(s.text[3], "cluster.peers: priority: -1 is out of range (0..1000000)");
	assert_string_equal(s.text[4], "cluster.peers: a peer needs name, url and priority (missing priority)");
	assert_string_equal(s.text[5], "cluster.peers: expected a group { name = ...; url = ...; priority = N; }, got an integer");
}

static void test_urls(void **state)
{
	char why[160];

	(void)state;
	assert_true(cfgpeers_url_valid("http://db1.example:9200", why, sizeof why));
	assert_true(cfgpeers_url_valid("https://db1.example:9200/", why, sizeof why));
	assert_false(cfgpeers_url_valid("http://:9200", why, sizeof why));
	assert_string_equal(why, "is not http://HOST:PORT: no host");
	assert_false(cfgpeers_url_valid("http://*:9200", why, sizeof why));
	assert_false(cfgpeers_url_valid("http://db1", why, sizeof why));
	assert_string_equal(why, "is not http://HOST:PORT: missing :PORT");
	assert_false(cfgpeers_url_valid("http:///", why, sizeof why));
	assert_true(cfgpeers_name_valid("", why, sizeof why));
}

static void test_cross_checks(void **state)
{
	struct cluster_cfg cc = {.name = "db9", .npeers = 2, .failback_delay_ms = 6000, .timeout_ms = 3000};
	const struct cfgpeers_where w = {0};
	struct said s = {0};

	(void)state;
	snprintf(cc.peers[0].name, sizeof cc.peers[0].name, "db1");
	snprintf(cc.peers[1].name, sizeof cc.peers[1].name, "db2");
	cfgpeers_check(&cc, 3000, &w, said_collect, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.text[0], "cluster.name \"db9\" is not one of cluster.peers (db1, db2)");
	assert_string_equal(s.text[1], "cluster.failback_delay_ms (6000) must be at least 2 x poll.stale_after_ms + cluster.timeout_ms (9000): every agent must see a returning node before it ranks");
	assert_string_equal(s.text[2], "cluster.timeout_ms (3000) must be less than poll.stale_after_ms (3000)");

	memset(&s, 0, sizeof s);
	snprintf(cc.name, sizeof cc.name, "db2");
	cc.failback_delay_ms = 9000;
	cc.timeout_ms = 2999;
	cfgpeers_check(&cc, 3000, &w, said_collect, &s);
	assert_int_equal(s.n, 0);
	/* No peers: not cluster-aware, nothing to check. */
	cc.npeers = 0;
	cc.timeout_ms = 99999;
	cfgpeers_check(&cc, 3000, &w, said_collect, &s);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_list),
		cmocka_unit_test(test_every_bad_entry_reported),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_cross_checks),
	};
	return cmocka_run_group_tests_name("cfgpeers", tests, NULL, NULL);
}
