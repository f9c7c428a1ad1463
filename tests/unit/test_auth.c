/* auth: the Authorization header, the hash schemes, which endpoints each
 * protect setting covers, and the engine (subjects, the success cache,
 * the verifier's queue). Hashes are made here with libcrypt at a low cost. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <crypt.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"

static void make_hash(const char *prefix, unsigned long cost, const char *password, char *out,
		      size_t len)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;

	assert_non_null(crypt_gensalt_rn(prefix, cost, NULL, 0, setting, sizeof setting));
	memset(&cd, 0, sizeof cd);
	assert_non_null(crypt_rn(password, setting, &cd, (int)sizeof cd));
	assert_true(strlen(cd.output) < len);
	memcpy(out, cd.output, strlen(cd.output) + 1);
}

static enum auth_reason parse(const char *header, char *user, char *password)
{
	return auth_parse_basic(header, user, AUTH_NAME_MAX, password, AUTH_PASSWORD_MAX);
}

static void test_parse_basic(void **state)
{
	char u[AUTH_NAME_MAX], p[AUTH_PASSWORD_MAX];

	(void)state;
	/* "prometheus:s3cret" */
	assert_int_equal(parse("Basic cHJvbWV0aGV1czpzM2NyZXQ=", u, p), AUTH_OK);
	assert_string_equal(u, "prometheus");
	assert_string_equal(p, "s3cret");
	/* The scheme is case-insensitive, blanks around the token are fine. */
	assert_int_equal(parse("  bAsIc   cHJvbWV0aGV1czpzM2NyZXQ=  ", u, p), AUTH_OK);
	assert_string_equal(u, "prometheus");
	/* Colons in the password are the password's: "u:a:b:" */
	assert_int_equal(parse("Basic dTphOmI6", u, p), AUTH_OK);
	assert_string_equal(u, "u");
	assert_string_equal(p, "a:b:");
	/* An empty password is a password (it will not match any hash). */
	assert_int_equal(parse("Basic dTo=", u, p), AUTH_OK);
	assert_string_equal(p, "");
}

static void test_parse_refusals(void **state)
{
	static const struct {
		const char *header;
		enum auth_reason want;
	} cases[] = {
		{NULL, AUTH_MISSING},
		{"", AUTH_MISSING},
		{"   ", AUTH_MISSING},
		{"Bearer cHJvbWV0aGV1czpzM2NyZXQ=", AUTH_MALFORMED},  /* another scheme */
		{"Digest username=\"u\"", AUTH_MALFORMED},
		{"Basic", AUTH_MALFORMED},                            /* no token */
		{"Basic ", AUTH_MALFORMED},
		{"BasicdTpw", AUTH_MALFORMED},                        /* no blank after the scheme */
		{"Basic OnB3", AUTH_MALFORMED},                       /* ":pw": empty user */
		{"Basic dXNlcg==", AUTH_MALFORMED},                   /* "user": no colon */
		{"Basic dTpw!", AUTH_MALFORMED},                      /* not base64 */
		{"Basic dTp", AUTH_MALFORMED},                        /* length not a multiple of 4 */
		{"Basic dT=w", AUTH_MALFORMED},                       /* a digit after '=' */
		{"Basic d===", AUTH_MALFORMED},                       /* too much padding */
		{"Basic dTpw dTpw", AUTH_MALFORMED},                  /* two tokens */
		{"Basic dQA6cA==", AUTH_MALFORMED},                   /* "u\0:p": a NUL byte */
	};
	char u[AUTH_NAME_MAX], p[AUTH_PASSWORD_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum auth_reason r = parse(cases[i].header, u, p);

		if (r != cases[i].want)
			fail_msg("\"%s\": %s, expected %s", cases[i].header ? cases[i].header : "(null)",
				 auth_reason_name(r), auth_reason_name(cases[i].want));
		assert_string_equal(u, "");
		assert_string_equal(p, "");
	}
}

static void test_parse_too_long(void **state)
{
	char header[1024] = "Basic ", raw[600], u[8], p[8];
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = 0;

	(void)state;
	/* A 300-byte user: longer than any buffer; refused, nothing overrun. */
	memset(raw, 'a', 300);
	raw[300] = ':';
	raw[301] = 'p';
	for (size_t i = 0; i < 302; i += 3) {
		unsigned v = (unsigned)(unsigned char)raw[i] << 16 |
			     (i + 1 < 302 ? (unsigned)(unsigned char)raw[i + 1] << 8 : 0) |
			     (i + 2 < 302 ? (unsigned char)raw[i + 2] : 0);
		char *o = header + 6 + n;

		o[0] = b64[v >> 18 & 63];
		o[1] = b64[v >> 12 & 63];
		o[2] = i + 1 < 302 ? b64[v >> 6 & 63] : '=';
		o[3] = i + 2 < 302 ? b64[v & 63] : '=';
		n += 4;
	}
	header[6 + n] = '\0';
	assert_int_equal(auth_parse_basic(header, u, sizeof u, p, sizeof p), AUTH_MALFORMED);
	/* And a short password in a small buffer: "u:toolong" */
	assert_int_equal(auth_parse_basic("Basic dTp0b29sb25n", u, sizeof u, p, 4), AUTH_MALFORMED);
}

static void test_hash_schemes(void **state)
{
	char h[AUTH_HASH_MAX], why[200];

	(void)state;
	make_hash("$2b$", 4, "pw", h, sizeof h);
	assert_true(auth_hash_valid(h, why, sizeof why));
	h[2] = 'y'; /* $2y$ is the same algorithm */
	assert_true(auth_hash_valid(h, why, sizeof why));
	assert_true(auth_password_matches(h, "pw"));
	assert_false(auth_password_matches(h, "pW"));
	assert_false(auth_password_matches(h, ""));
	make_hash("$y$", 0, "pw", h, sizeof h);
	assert_true(auth_hash_valid(h, why, sizeof why));
	assert_true(auth_password_matches(h, "pw"));
	assert_false(auth_password_matches(h, "pw "));

	/* Weaker schemes, settings without a hash, and clear passwords. */
	static const char *const refused[] = {
		"s3cret", "", "$1$abcdefgh$abcdefghijklmnopqrstuv",
		"$6$saltsalt$N0tAHashN0tAHashN0tAHashN0tAHashN0tAHashN0tAHashN0tAHashN0tAHashN0tAHashN0tAHash1234",
		"$2y$10$abcdefghijklmnopqrstuu", /* a setting: no hash part */
		"$2y$99$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234",
		"$2a$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234",
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (auth_hash_valid(refused[i], why, sizeof why))
			fail_msg("\"%s\" accepted", refused[i]);
	assert_non_null(strstr(why, "bcrypt"));
	/* A bad setting never matches, even the "*0" failure token. */
	assert_false(auth_password_matches("$2y$99$abcdefghijklmnopqrstuu", "x"));
	assert_false(auth_password_matches("*0", "*0"));
}

static void test_protect_classes(void **state)
{
	static const enum metrics_endpoint probes[] = {EP_ROOT, EP_READY, EP_LIVE, EP_WRITER};
	static const enum metrics_endpoint info[] = {EP_STATUS, EP_METRICS, EP_CLUSTER};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		/* "info": the bare probe is open, its verbose and JSON forms are not. */
		assert_false(auth_protects(AUTH_PROTECT_INFO, probes[i], false, false));
		assert_true(auth_protects(AUTH_PROTECT_INFO, probes[i], true, false));
		assert_true(auth_protects(AUTH_PROTECT_INFO, probes[i], false, true));
		assert_true(auth_protects(AUTH_PROTECT_ALL, probes[i], false, false));
		assert_false(auth_protects(AUTH_PROTECT_NONE, probes[i], true, true));
	}
	for (size_t i = 0; i < 3; i++) {
		assert_true(auth_protects(AUTH_PROTECT_INFO, info[i], false, false));
		assert_true(auth_protects(AUTH_PROTECT_ALL, info[i], false, false));
		assert_false(auth_protects(AUTH_PROTECT_NONE, info[i], false, false));
	}
	assert_false(auth_protects(AUTH_PROTECT_INFO, EP_OTHER, true, false));
	assert_true(auth_protects(AUTH_PROTECT_ALL, EP_OTHER, false, false));
}

static struct auth_cfg two_users(void)
{
	struct auth_cfg c = {.nusers = 2, .protect = AUTH_PROTECT_INFO};

	snprintf(c.users[0].name, sizeof c.users[0].name, "prometheus");
	make_hash("$2b$", 4, "s3cret", c.users[0].hash, sizeof c.users[0].hash);
	snprintf(c.users[1].name, sizeof c.users[1].name, "scraper");
	snprintf(c.users[1].subject, sizeof c.users[1].subject, "CN=scraper,O=db");
	return c;
}

static void test_engine_inline(void **state)
{
	struct auth_cfg c = two_users();
	struct auth_check chk;
	char err[128];
	struct auth *a = auth_new(&c, false, err, sizeof err);

	(void)state;
	assert_non_null(a);
	/* A configured subject is enough; another one is not. */
	assert_int_equal(auth_begin(a, NULL, "CN=scraper,O=db", &chk), AUTH_OK);
	assert_int_equal(auth_begin(a, NULL, "CN=scraper", &chk), AUTH_MISSING);
	/* A subject user has no password: its name in basic auth is unknown. */
	assert_int_equal(auth_begin(a, "Basic c2NyYXBlcjpz", NULL, &chk), AUTH_PENDING); /* scraper:s */
	assert_int_equal(auth_verify(a, &chk), AUTH_UNKNOWN_USER);
	assert_int_equal(auth_begin(a, "Basic bm9ib2R5OnMzY3JldA==", NULL, &chk), AUTH_PENDING); /* nobody:s3cret */
	assert_int_equal(auth_verify(a, &chk), AUTH_UNKNOWN_USER);
	/* prometheus:wrong: checked, refused; the same again is refused at
	 * once, without a hash. */
	assert_int_equal(auth_begin(a, "Basic cHJvbWV0aGV1czp3cm9uZw==", NULL, &chk), AUTH_PENDING);
	assert_int_equal(auth_verify(a, &chk), AUTH_WRONG_PASSWORD);
	assert_string_equal(chk.password, "");
	assert_int_equal(auth_begin(a, "Basic cHJvbWV0aGV1czp3cm9uZw==", NULL, &chk), AUTH_WRONG_PASSWORD);
	assert_string_equal(chk.password, "");
	assert_int_equal(chk.index, 0);
	/* Another wrong one is checked. */
	assert_int_equal(auth_begin(a, "Basic cHJvbWV0aGV1czp3cm9uZzI=", NULL, &chk), AUTH_PENDING);
	/* prometheus:s3cret: checked once, then remembered. */
	assert_int_equal(auth_begin(a, "Basic cHJvbWV0aGV1czpzM2NyZXQ=", NULL, &chk), AUTH_PENDING);
	assert_int_equal(auth_verify(a, &chk), AUTH_OK);
	assert_string_equal(chk.password, "");
	assert_int_equal(auth_begin(a, "Basic cHJvbWV0aGV1czpzM2NyZXQ=", NULL, &chk), AUTH_OK);
	/* The cache holds that pair only. */
	assert_int_equal(auth_begin(a, "Basic cHJvbWV0aGV1czpzM2NyZXQx", NULL, &chk), AUTH_PENDING);
	assert_int_equal(auth_begin(a, "Token x", NULL, &chk), AUTH_MALFORMED);
	auth_free(a);
	/* A new engine (a restart) remembers nothing. */
	a = auth_new(&c, false, err, sizeof err);
	assert_int_equal(auth_begin(a, "Basic cHJvbWV0aGV1czpzM2NyZXQ=", NULL, &chk), AUTH_PENDING);
	auth_free(a);
}

struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;
};

static void on_done(void *ctx)
{
	struct waiter *w = ctx;

	pthread_mutex_lock(&w->lock);
	w->done++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void test_engine_verifier_queue(void **state)
{
	struct auth_cfg c = two_users();
	struct waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
	/* prometheus:wrong00 .. wrong11: each a password of its own */
	static const char *const wrong[AUTH_QUEUE_MAX + 4] = {
		"Basic cHJvbWV0aGV1czp3cm9uZzAw",
		"Basic cHJvbWV0aGV1czp3cm9uZzAx",
		"Basic cHJvbWV0aGV1czp3cm9uZzAy",
		"Basic cHJvbWV0aGV1czp3cm9uZzAz",
		"Basic cHJvbWV0aGV1czp3cm9uZzA0",
		"Basic cHJvbWV0aGV1czp3cm9uZzA1",
		"Basic cHJvbWV0aGV1czp3cm9uZzA2",
		"Basic cHJvbWV0aGV1czp3cm9uZzA3",
		"Basic cHJvbWV0aGV1czp3cm9uZzA4",
		"Basic cHJvbWV0aGV1czp3cm9uZzA5",
		"Basic cHJvbWV0aGV1czp3cm9uZzEw",
		"Basic cHJvbWV0aGV1czp3cm9uZzEx",
	};
	struct auth_check chk[AUTH_QUEUE_MAX + 4];
	char err[128];
	struct auth *a;
	int accepted = 0, refused = 0;

	(void)state;
	/* Slow enough that the queue fills before the first is checked. */
	make_hash("$2b$", 8, "s3cret", c.users[0].hash, sizeof c.users[0].hash);
	a = auth_new(&c, true, err, sizeof err);
	assert_non_null(a);
	for (size_t i = 0; i < sizeof chk / sizeof chk[0]; i++) {
		assert_int_equal(auth_begin(a, wrong[i], NULL, &chk[i]), AUTH_PENDING);
		chk[i].done = on_done;
		chk[i].ctx = &w;
		if (auth_submit(a, &chk[i]))
			accepted++;
		else {
			refused++;
			assert_string_equal(chk[i].password, "");
		}
	}
	/* One being checked, AUTH_QUEUE_MAX waiting: the rest refused at once. */
	assert_true(accepted >= AUTH_QUEUE_MAX && accepted <= AUTH_QUEUE_MAX + 1);
	assert_int_equal(accepted + refused, (int)(sizeof chk / sizeof chk[0]));
	/* Once the first is checked, stopping completes every other accepted
	 * one: checked, or refused as busy if still waiting. How many the
	 * verifier gets through before the stop is the scheduler's business
	 * (under valgrind it may be all of them), so only the count and the
	 * kinds are asserted. */
	pthread_mutex_lock(&w.lock);
	while (w.done == 0)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
	auth_free(a);
	pthread_mutex_lock(&w.lock);
	assert_int_equal(w.done, accepted);
	pthread_mutex_unlock(&w.lock);
	for (int i = 0; i < accepted; i++)
		assert_true(chk[i].result == AUTH_WRONG_PASSWORD || chk[i].result == AUTH_BUSY);
	assert_int_equal(chk[0].result, AUTH_WRONG_PASSWORD);
}

static void test_wait_idle_waits_for_what_is_queued(void **state)
{
	struct auth_cfg c = two_users();
	struct waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
	static const char *const headers[3] = {
		"Basic cHJvbWV0aGV1czp3cm9uZzAw", "Basic cHJvbWV0aGV1czp3cm9uZzAx",
		"Basic cHJvbWV0aGV1czpzM2NyZXQ=",
	};
	struct auth_check chk[3];
	char err[128];
	struct auth *a = auth_new(&c, true, err, sizeof err);

	(void)state;
	assert_non_null(a);
	auth_wait_idle(a); /* nothing queued: at once */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(auth_begin(a, headers[i], NULL, &chk[i]), AUTH_PENDING);
		chk[i].done = on_done;
		chk[i].ctx = &w;
		assert_true(auth_submit(a, &chk[i]));
	}
	auth_wait_idle(a);
	pthread_mutex_lock(&w.lock);
	assert_int_equal(w.done, 3);
	pthread_mutex_unlock(&w.lock);
	assert_int_equal(chk[0].result, AUTH_WRONG_PASSWORD);
	assert_int_equal(chk[2].result, AUTH_OK);
	auth_free(a);
	auth_wait_idle(NULL);
}

static void test_reason_names(void **state)
{
	(void)state;
	assert_string_equal(auth_reason_name(AUTH_MISSING), "missing");
	assert_string_equal(auth_reason_name(AUTH_WRONG_PASSWORD), "wrong_password");
	assert_string_equal(auth_reason_name(AUTH_BUSY), "busy");
	assert_int_equal(AUTH_REASON_COUNT, METRICS_AUTH_REASONS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_parse_too_long),
		cmocka_unit_test(test_hash_schemes),
		cmocka_unit_test(test_protect_classes),
		cmocka_unit_test(test_engine_inline),
		cmocka_unit_test(test_engine_verifier_queue),
		cmocka_unit_test(test_wait_idle_waits_for_what_is_queued),
		cmocka_unit_test(test_reason_names),
	};

	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
