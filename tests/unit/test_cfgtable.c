/* The config rows read without a file (test_cfg covers the same through
 * cfg_load, with file:line): value names in nested groups, the "did you
 * mean" rules one by one, the spelling of a list of choices, and a reload
 * merge of the list keys, which compare by their entries only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "cfgtable.h"

struct said {
	int n;
	char text[8][256];
};

static void collect(void *ctx, const char *msg)
{
	struct said *s = ctx;

	if (s->n < 8)
		snprintf(s->text[s->n], sizeof s->text[0], "%s", msg);
	s->n++;
}

static void test_value_names(void **state)
{
	char key[200];

	(void)state;
	/* The group holds a dot: the name is what follows the last one. */
	assert_string_equal(cfg_value_name("http.auth.protect", AUTH_PROTECT_ALL), "all");
	assert_string_equal(cfg_value_name("http.auth.protect", AUTH_PROTECT_NONE), "none");
	assert_string_equal(cfg_value_name("http.bodies", BODIES_CLUSTERCHECK), "clustercheck");
	assert_string_equal(cfg_value_name("ctl.mode", 0600), "0600");
	assert_string_equal(cfg_value_name("ctl.mode", 0644), "?");
	/* A name in the wrong group, or with none, is no key. */
	assert_string_equal(cfg_value_name("bodies", BODIES_CLUSTERCHECK), "?");
	assert_string_equal(cfg_value_name("auth.protect", AUTH_PROTECT_ALL), "?");
	assert_string_equal(cfg_value_name("", 0), "?");
	/* A group longer than any is no key either, not a read past a buffer. */
	memset(key, 'g', sizeof key);
	snprintf(key + 150, sizeof key - 150, ".donor");
	assert_string_equal(cfg_value_name(key, DONOR_NEVER), "?");
}

static void test_lookup(void **state)
{
	const struct cfg_key *k;
	char name[64];

	(void)state;
	k = cfgtable_key("http.tls", "cert");
	assert_non_null(k);
	cfgtable_full_name(k, name, sizeof name);
	assert_string_equal(name, "http.tls.cert");
	k = cfgtable_key(NULL, "listen");
	assert_non_null(k);
	cfgtable_full_name(k, name, sizeof name);
	assert_string_equal(name, "listen");
	assert_null(cfgtable_key(NULL, "timeout"));
	assert_null(cfgtable_key("http", "cert"));
	assert_true(cfgtable_is_group("http"));
	assert_true(cfgtable_is_group("http.tls"));
	assert_false(cfgtable_is_group("tls"));
	assert_false(cfgtable_is_group("listen"));
}

static void test_suggestions(void **state)
{
	char hint[160];

	(void)state;
	/* A key in the wrong group is named where it lives, typos or not. */
	cfgtable_suggest(NULL, "timeout", false, hint, sizeof hint);
	assert_string_equal(hint, " (did you mean 'http.timeout'?)");
	cfgtable_suggest("mysql", "listen", false, hint, sizeof hint);
	assert_string_equal(hint, " (did you mean 'listen'?)");
	/* A typo of two edits at most, in its own group. */
	cfgtable_suggest("poll", "intervl_ms", false, hint, sizeof hint);
	assert_string_equal(hint, " (did you mean 'poll.interval_ms'?)");
	cfgtable_suggest("http.tls", "clientca", false, hint, sizeof hint);
	assert_string_equal(hint, " (did you mean 'http.tls.client_ca'?)");
	/* Three letters or fewer are too short to guess from; far is far. */
	cfgtable_suggest("mysql", "prt", false, hint, sizeof hint);
	assert_string_equal(hint, "");
	cfgtable_suggest("mysql", "sockets_dir", false, hint, sizeof hint);
	assert_string_equal(hint, "");
	/* Groups: only at the top level. */
	cfgtable_suggest(NULL, "htpp", true, hint, sizeof hint);
	assert_string_equal(hint, " (did you mean 'http'?)");
	cfgtable_suggest(NULL, "mysqk", true, hint, sizeof hint);
	assert_string_equal(hint, " (did you mean 'mysql'?)");
	cfgtable_suggest("http", "tsl", true, hint, sizeof hint);
	assert_string_equal(hint, "");
	cfgtable_suggest(NULL, "replication", true, hint, sizeof hint);
	assert_string_equal(hint, "");
}

static void test_list_choices(void **state)
{
	static const struct cfg_choice one[] = {{"only", 1}, {NULL, 0}};
	static const struct cfg_choice two[] = {{"404", 404}, {"503", 503}, {NULL, 0}};
	static const struct cfg_choice three[] = {{"a", 1}, {"b", 2}, {"c", 3}, {NULL, 0}};
	char out[64], tiny[6];

	(void)state;
	cfgtable_list_choices(one, true, out, sizeof out);
	assert_string_equal(out, "\"only\"");
	cfgtable_list_choices(two, false, out, sizeof out);
	assert_string_equal(out, "404 or 503");
	cfgtable_list_choices(three, true, out, sizeof out);
	assert_string_equal(out, "\"a\", \"b\" or \"c\"");
	/* Cut, never overrun. */
	cfgtable_list_choices(three, true, tiny, sizeof tiny);
	assert_string_equal(tiny, "\"a\", ");
	assert_ptr_equal(cfgtable_choice_by_name(three, "b"), &three[1]);
	assert_null(cfgtable_choice_by_name(three, "d"));
	assert_ptr_equal(cfgtable_choice_by_value(two, 503), &two[1]);
	assert_null(cfgtable_choice_by_value(two, 500));
}

static void add_user(struct auth_cfg *ac, const char *name)
{
	struct auth_user *u = &ac->users[ac->nusers++];

	snprintf(u->name, sizeof u->name, "%s", name);
	snprintf(u->subject, sizeof u->subject, "CN=%s", name);
}

/* http.auth.users and cluster.peers wait for a restart: a changed list is
 * put back whole, entries and count, and named once. */
static void test_reload_merge_of_lists(void **state)
{
	struct cfg running, next;
	struct said s = {0};

	(void)state;
	cfg_defaults(&running);
	add_user(&running.auth, "a");
	add_user(&running.auth, "b");
	next = running;
	next.auth.nusers = 0;
	add_user(&next.auth, "c");
	next.cluster.npeers = 1;
	snprintf(next.cluster.peers[0].name, sizeof next.cluster.peers[0].name, "db1");
	next.mysql.port = 3307;

	assert_int_equal(cfg_reload_merge(&next, &running, collect, &s), 2);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.text[0], "http.auth.users changed, but applies only after a restart: keeping the running value");
	assert_string_equal(s.text[1], "cluster.peers changed, but applies only after a restart: keeping the running value");
	assert_int_equal(next.auth.nusers, 2);
	assert_string_equal(next.auth.users[0].name, "a");
	assert_string_equal(next.auth.users[1].name, "b");
	assert_int_equal(next.cluster.npeers, 0);
	assert_int_equal(next.mysql.port, 3307); /* SIGHUP applies it */

	/* Only the entries in use count: what lies past them is no change. */
	memset(&s, 0, sizeof s);
	next = running;
	snprintf(next.auth.users[5].name, sizeof next.auth.users[5].name, "stale");
	snprintf(next.cluster.peers[3].name, sizeof next.cluster.peers[3].name, "stale");
	assert_int_equal(cfg_reload_merge(&next, &running, collect, &s), 0);
	assert_int_equal(s.n, 0);
}

static void test_described_lists(void **state)
{
	struct cfg_key_info info;
	int lists = 0;

	(void)state;
	for (size_t i = 0; cfg_key_describe(i, &info) == 0; i++) {
		if (strcmp(info.type, "list") != 0)
			continue;
		lists++;
		assert_string_equal(info.def, "()");
		assert_false(info.reload);
		assert_true(strncmp(info.range, "groups of { name; ", 18) == 0);
	}
	assert_int_equal(lists, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_names),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_suggestions),
		cmocka_unit_test(test_list_choices),
		cmocka_unit_test(test_reload_merge_of_lists),
		cmocka_unit_test(test_described_lists),
	};
	return cmocka_run_group_tests_name("cfgtable", tests, NULL, NULL);
}
