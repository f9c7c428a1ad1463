/* Who gets closed when a new connection needs room: never the newcomer,
 * always the oldest of the address that holds too many (or the most), and
 * deadlines come out oldest first. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pending.h"

static struct pending_addr ip(uint8_t last)
{
	struct pending_addr a = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, last}};
	return a;
}

/* Adds as a caller does: close (here: remove) victims first. Returns the
 * new id; *closed gets the fd of the last victim, or -1. */
static int admit(struct pending *p, uint8_t who, int fd, long long deadline, int *closed,
		 enum pending_why *why_out)
{
	struct pending_addr a = ip(who);
	enum pending_why why;
	int v;

	*closed = -1;
	*why_out = PENDING_ROOM;
	while ((v = pending_victim(p, &a, &why)) >= 0) {
		*closed = pending_fd(p, v);
		*why_out = why;
		pending_remove(p, v);
	}
	return pending_add(p, &a, fd, deadline);
}

static void test_room_means_no_victim(void **state)
{
	struct pending *p = pending_new(4, 2);
	enum pending_why why;
	int closed;

	(void)state;
	assert_true(admit(p, 1, 10, 100, &closed, &why) >= 0);
	assert_true(admit(p, 2, 11, 101, &closed, &why) >= 0);
	assert_int_equal(closed, -1);
	assert_int_equal(why, PENDING_ROOM);
	assert_int_equal(pending_count(p), 2);
	pending_free(p);
}

static void test_per_address_limit_closes_that_address_oldest(void **state)
{
	struct pending *p = pending_new(100, 3);
	struct pending_addr a = ip(1), b = ip(2);
	enum pending_why why;
	int closed;

	(void)state;
	admit(p, 2, 50, 100, &closed, &why); /* another address, older than all */
	for (int fd = 10; fd < 13; fd++)
		admit(p, 1, fd, 100 + fd, &closed, &why);
	assert_int_equal(pending_count_addr(p, &a), 3);
	/* The fourth from address 1: its own oldest goes, not address 2's. */
	assert_true(admit(p, 1, 13, 200, &closed, &why) >= 0);
	assert_int_equal(closed, 10);
	assert_int_equal(why, PENDING_PER_ADDR);
	assert_int_equal(pending_count_addr(p, &a), 3);
	assert_int_equal(pending_count_addr(p, &b), 1);
	pending_free(p);
}

static void test_load_balancer_with_a_full_quota_still_gets_in(void **state)
{
	/* 128 idle connections from the checker's own address: its next
	 * check is admitted, and one of the idle ones pays. */
	struct pending *p = pending_new(1000, 128);
	struct pending_addr lb = ip(1);
	enum pending_why why;
	int closed, id;

	(void)state;
	for (int fd = 100; fd < 228; fd++)
		admit(p, 1, fd, fd, &closed, &why);
	id = admit(p, 1, 999, 1000, &closed, &why);
	assert_true(id >= 0);
	assert_int_equal(pending_fd(p, id), 999);
	assert_int_equal(closed, 100);
	assert_int_equal(pending_count_addr(p, &lb), 128);
	pending_free(p);
}

static void test_full_table_closes_the_biggest_holders_oldest(void **state)
{
	struct pending *p = pending_new(6, 0);
	struct pending_addr lb = ip(1), flood = ip(9);
	enum pending_why why;
	int closed;

	(void)state;
	/* The checker's address holds the oldest connection of all... */
	admit(p, 1, 1, 10, &closed, &why);
	/* ...and a flood fills the rest. */
	for (int fd = 20; fd < 25; fd++)
		admit(p, 9, fd, fd, &closed, &why);
	assert_true(admit(p, 1, 2, 30, &closed, &why) >= 0);
	assert_int_equal(why, PENDING_FULL);
	assert_int_equal(closed, 20); /* the flood's oldest, not fd 1 */
	assert_int_equal(pending_count_addr(p, &lb), 2);
	assert_int_equal(pending_count_addr(p, &flood), 4);
	/* The flood coming back pushes out its own again. */
	assert_true(admit(p, 9, 25, 31, &closed, &why) >= 0);
	assert_int_equal(closed, 21);
	assert_int_equal(pending_count(p), 6);
	pending_free(p);
}

static void test_biggest_holder_follows_removals(void **state)
{
	struct pending *p = pending_new(4, 0);
	struct pending_addr a = ip(1);
	enum pending_why why;
	int closed, ids[3];

	(void)state;
	for (int i = 0; i < 3; i++)
		ids[i] = admit(p, 1, 10 + i, i, &closed, &why);
	admit(p, 2, 20, 5, &closed, &why);
	/* Address 1's first two requests arrive and leave the table... */
	pending_remove(p, ids[0]);
	pending_remove(p, ids[1]);
	admit(p, 2, 21, 6, &closed, &why);
	admit(p, 3, 30, 7, &closed, &why);
	assert_int_equal(closed, -1);
	/* ...so address 2 is now the biggest holder and pays. */
	assert_true(admit(p, 3, 31, 8, &closed, &why) >= 0);
	assert_int_equal(why, PENDING_FULL);
	assert_int_equal(closed, 20);
	assert_int_equal(pending_count_addr(p, &a), 1);
	pending_free(p);
}

static void test_deadlines_expire_oldest_first(void **state)
{
	struct pending *p = pending_new(8, 0);
	enum pending_why why;
	int closed, first, second;

	(void)state;
	first = admit(p, 1, 10, 1000, &closed, &why);
	second = admit(p, 2, 11, 1500, &closed, &why);
	assert_int_equal(pending_next_deadline(p), 1000);
	assert_int_equal(pending_expired(p, 999), -1);
	assert_int_equal(pending_expired(p, 1000), first);
	pending_remove(p, first);
	assert_int_equal(pending_expired(p, 1200), -1);
	assert_int_equal(pending_expired(p, 1600), second);
	pending_remove(p, second);
	assert_int_equal(pending_next_deadline(p), -1);
	assert_int_equal(pending_oldest(p), -1);
	assert_int_equal(pending_count(p), 0);
	pending_free(p);
}

static void test_slots_are_reused_without_limit(void **state)
{
	/* A long flood churns through the same few slots: nothing grows. */
	struct pending *p = pending_new(3, 2);
	enum pending_why why;
	int closed;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		int id = admit(p, (uint8_t)(i % 7), 1000 + i, i, &closed, &why);
		assert_true(id >= 0 && id < 3);
		assert_int_equal(pending_fd(p, id), 1000 + i);
		*pending_scanned(p, id) = 5;
	}
	assert_int_equal(pending_count(p), 3);
	assert_int_equal(pending_capacity(p), 3);
	pending_free(p);
}

static void test_ipv6_and_ipv4_are_distinct_addresses(void **state)
{
	struct pending *p = pending_new(8, 1);
	struct pending_addr v6 = {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1}};
	struct pending_addr v4 = ip(1);
	enum pending_why why;

	(void)state;
	assert_true(pending_add(p, &v4, 1, 10) >= 0);
	assert_int_equal(pending_victim(p, &v6, &why), -1);
	assert_true(pending_add(p, &v6, 2, 10) >= 0);
	assert_true(pending_victim(p, &v4, &why) >= 0);
	assert_int_equal(why, PENDING_PER_ADDR);
	assert_int_equal(pending_add(p, &v4, 3, 10), -1); /* no room without a victim */
	pending_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_room_means_no_victim),
		cmocka_unit_test(test_per_address_limit_closes_that_address_oldest),
		cmocka_unit_test(test_load_balancer_with_a_full_quota_still_gets_in),
		cmocka_unit_test(test_full_table_closes_the_biggest_holders_oldest),
		cmocka_unit_test(test_biggest_holder_follows_removals),
		cmocka_unit_test(test_deadlines_expire_oldest_first),
		cmocka_unit_test(test_slots_are_reused_without_limit),
		cmocka_unit_test(test_ipv6_and_ipv4_are_distinct_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
