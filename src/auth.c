#include "auth.h"

#include <crypt.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

_Static_assert(AUTH_REASON_COUNT == METRICS_AUTH_REASONS, "metrics.h counts every refusal");

/* A success is remembered this long: a password changed in the config
 * takes a restart anyway, and a scrape every 15 s or a peer polling every
 * half second then costs one bcrypt per 10 minutes, not one per request. */
#define AUTH_CACHE_TTL_MS (10 * 60 * 1000)
/* A refusal too, for a shorter while, in slots of its own (a flood of
 * different wrong passwords cannot push the successes out): a client that
 * repeats the same wrong password (a peer or a scraper with a stale one)
 * costs one bcrypt a minute, not one per request. */
#define AUTH_REFUSAL_TTL_MS (60 * 1000)
#define AUTH_CACHE_SLOTS 32
#define AUTH_MAC_LEN 32

static const char *const reason_names[AUTH_REASON_COUNT] = {
	[AUTH_OK] = "ok", [AUTH_MISSING] = "missing", [AUTH_MALFORMED] = "malformed",
	[AUTH_UNKNOWN_USER] = "unknown_user", [AUTH_WRONG_PASSWORD] = "wrong_password",
	[AUTH_BUSY] = "busy",
};

const char *auth_reason_name(enum auth_reason r)
{
	return (unsigned)r < AUTH_REASON_COUNT ? reason_names[r] : "pending";
}

/* ---- pure ---- */

bool auth_protects(unsigned protect, enum metrics_endpoint e, bool verbose, bool json)
{
	if (protect == AUTH_PROTECT_NONE)
		return false;
	if (protect == AUTH_PROTECT_ALL)
		return true;
	switch (e) {
	case EP_STATUS:
	case EP_METRICS:
	case EP_CLUSTER:
		return true;
	case EP_ROOT:
	case EP_READY:
	case EP_LIVE:
	case EP_WRITER:
		/* The full report is the same whichever path asks for it. */
		return verbose || json;
	case EP_OTHER:
	case EP_COUNT:
		break;
	}
	return false; /* a 404 tells nothing */
}

static int b64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* Strict RFC 4648 with padding, as every client sends it; returns the
 * length decoded or -1. */
static long b64_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap)
{
	size_t o = 0;

	if (in_len == 0 || in_len % 4 != 0 || in_len / 4 * 3 > out_cap)
		return -1;
	for (size_t i = 0; i < in_len; i += 4) {
		int v[4];
		int pad = 0;

		for (int j = 0; j < 4; j++) {
			unsigned char ch = (unsigned char)in[i + j];

			if (ch == '=' && i + 4 == in_len && j >= 2) {
				v[j] = 0;
				pad++;
			} else if (pad || (v[j] = b64_value(ch)) < 0) {
				return -1; /* a digit after '=', or not base64 */
			}
		}
		uint32_t bits = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		out[o++] = (unsigned char)(bits >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(bits >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)bits;
	}
	return (long)o;
}

enum auth_reason auth_parse_basic(const char *header, char *user, size_t user_len,
				  char *password, size_t password_len)
{
	unsigned char buf[AUTH_NAME_MAX + AUTH_PASSWORD_MAX + 8];
	const char *p, *end;
	unsigned char *colon;
	long n;
	enum auth_reason r = AUTH_MALFORMED;

	user[0] = password[0] = '\0';
	if (!header)
		return AUTH_MISSING;
	p = header + strspn(header, " \t");
	if (!*p)
		return AUTH_MISSING;
	if (strncasecmp(p, "Basic", 5) != 0 || (p[5] != ' ' && p[5] != '\t'))
		return AUTH_MALFORMED;
	p += 5;
	p += strspn(p, " \t");
	end = p + strcspn(p, " \t");
	if (end[strspn(end, " \t")] != '\0')
		return AUTH_MALFORMED;
	n = b64_decode(p, (size_t)(end - p), buf, sizeof buf);
	if (n <= 0 || memchr(buf, '\0', (size_t)n))
		goto out;
	colon = memchr(buf, ':', (size_t)n);
	/* RFC 7617: the user name cannot hold a colon, the password can. */
	if (!colon || colon == buf)
		goto out;
	size_t ulen = (size_t)(colon - buf), plen = (size_t)n - ulen - 1;
	if (ulen >= user_len || plen >= password_len)
		goto out;
	memcpy(user, buf, ulen);
	user[ulen] = '\0';
	memcpy(password, colon + 1, plen);
	password[plen] = '\0';
	r = AUTH_OK;
out:
	explicit_bzero(buf, sizeof buf);
	if (r != AUTH_OK) {
		explicit_bzero(user, user_len);
		explicit_bzero(password, password_len);
		user[0] = password[0] = '\0';
	}
	return r;
}

bool auth_hash_valid(const char *hash, char *why, size_t why_len)
{
	bool scheme = strncmp(hash, "$2b$", 4) == 0 || strncmp(hash, "$2y$", 4) == 0 ||
		      strncmp(hash, "$y$", 3) == 0;

	if (!scheme) {
		snprintf(why, why_len, "is not a bcrypt ($2b$, $2y$) or yescrypt ($y$) hash "
			 "(a clear password is never accepted; see docs/auth.md)");
		return false;
	}
	/* A setting alone (no hash part) would make every password match
	 * nothing; crypt_checksalt only judges the prefix, so check the
	 * length a full hash has too. */
	if (crypt_checksalt(hash) != CRYPT_SALT_OK ||
	    strlen(hash) < (hash[1] == '2' ? 60u : 40u)) {
		snprintf(why, why_len, "is not a complete bcrypt or yescrypt hash that libcrypt accepts");
		return false;
	}
	/* Every check pays the cost, on one verifier thread: 10 takes ~60 ms
	 * here, each step doubles it; beyond 14 a scrape would time out. */
	if (hash[1] == '2') {
		int cost = (hash[4] - '0') * 10 + (hash[5] - '0');

		if (cost < AUTH_BCRYPT_COST_MIN || cost > AUTH_BCRYPT_COST_MAX) {
			snprintf(why, why_len, "has bcrypt cost %d: use %d to %d (10 is usual)", cost,
				 AUTH_BCRYPT_COST_MIN, AUTH_BCRYPT_COST_MAX);
			return false;
		}
	}
	return true;
}

/* The same time whatever the first difference. */
static bool same_bytes(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

bool auth_password_matches(const char *hash, const char *password)
{
	struct crypt_data *cd = calloc(1, sizeof *cd);
	bool ok = false;
	size_t n = strlen(hash);

	if (!cd)
		return false;
	/* crypt_rn returns NULL (never a "*0" string) on a bad setting. */
	const char *out = crypt_rn(password, hash, cd, (int)sizeof *cd);
	if (out && strlen(out) == n)
		ok = same_bytes(out, hash, n);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return ok;
}

/* ---- the engine ---- */

struct cache_slot {
	unsigned char mac[AUTH_MAC_LEN];
	long long until_ms; /* 0: empty */
};

struct auth {
	struct auth_cfg cfg;
	unsigned char key[32];   /* this process's MAC key */
	pthread_mutex_t lock;    /* the cache and the queue */
	struct cache_slot cache[AUTH_CACHE_SLOTS];    /* successes */
	struct cache_slot refused[AUTH_CACHE_SLOTS];  /* wrong passwords */
	/* verifier */
	bool threaded, stopping;
	pthread_t thread;
	pthread_cond_t wake;
	struct auth_check *head, *tail;
	unsigned queued;
	unsigned long long submitted, completed; /* checks queued, and done, ever */
	pthread_cond_t idle;
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* MAC of (the user's configured hash, user, password): a success stays
 * valid only for the same hash, and no password is kept. */
static int credential_mac(const struct auth *a, const struct auth_check *chk,
			  unsigned char out[AUTH_MAC_LEN])
{
	const char *hash = a->cfg.users[chk->index].hash;
	gnutls_hmac_hd_t h;
	int rc;

	if (gnutls_hmac_init(&h, GNUTLS_MAC_SHA256, a->key, sizeof a->key) < 0)
		return -1;
	rc = gnutls_hmac(h, hash, strlen(hash) + 1);
	if (rc >= 0)
		rc = gnutls_hmac(h, chk->user, strlen(chk->user) + 1);
	if (rc >= 0)
		rc = gnutls_hmac(h, chk->password, strlen(chk->password));
	gnutls_hmac_deinit(h, out);
	return rc < 0 ? -1 : 0;
}

static bool cache_hit(struct auth *a, const struct cache_slot *slots, const unsigned char mac[AUTH_MAC_LEN])
{
	long long now = now_ms();
	bool hit = false;

	pthread_mutex_lock(&a->lock);
	for (int i = 0; i < AUTH_CACHE_SLOTS; i++)
		if (slots[i].until_ms > now && same_bytes(slots[i].mac, mac, AUTH_MAC_LEN))
			hit = true;
	pthread_mutex_unlock(&a->lock);
	return hit;
}

static void cache_add(struct auth *a, struct cache_slot *slots, const unsigned char mac[AUTH_MAC_LEN],
		      long long ttl_ms)
{
	long long now = now_ms();
	int pick = 0;

	pthread_mutex_lock(&a->lock);
	/* An empty or expired slot, else the one closest to expiry. */
	for (int i = 0; i < AUTH_CACHE_SLOTS; i++)
		if (slots[i].until_ms < slots[pick].until_ms)
			pick = i;
	memcpy(slots[pick].mac, mac, AUTH_MAC_LEN);
	slots[pick].until_ms = now + ttl_ms;
	pthread_mutex_unlock(&a->lock);
}

static void *verifier(void *arg);

struct auth *auth_new(const struct auth_cfg *cfg, bool threaded, char *err, size_t err_len)
{
	struct auth *a = calloc(1, sizeof *a);
	int rc;

	if (!a) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	a->cfg = *cfg;
	if (getrandom(a->key, sizeof a->key, 0) != (ssize_t)sizeof a->key) {
		snprintf(err, err_len, "cannot get random bytes: %s", strerror(errno));
		free(a);
		return NULL;
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->wake, NULL);
	pthread_cond_init(&a->idle, NULL);
	if (threaded) {
		rc = pthread_create(&a->thread, NULL, verifier, a);
		if (rc != 0) {
			snprintf(err, err_len, "cannot start the password verifier: %s", strerror(rc));
			pthread_cond_destroy(&a->idle);
			pthread_cond_destroy(&a->wake);
			pthread_mutex_destroy(&a->lock);
			explicit_bzero(a, sizeof *a);
			free(a);
			return NULL;
		}
		a->threaded = true;
	}
	return a;
}

void auth_free(struct auth *a)
{
	if (!a)
		return;
	if (a->threaded) {
		pthread_mutex_lock(&a->lock);
		a->stopping = true;
		pthread_cond_signal(&a->wake);
		pthread_mutex_unlock(&a->lock);
		pthread_join(a->thread, NULL);
	}
	pthread_cond_destroy(&a->idle);
	pthread_cond_destroy(&a->wake);
	pthread_mutex_destroy(&a->lock);
	explicit_bzero(a, sizeof *a);
	free(a);
}

void auth_wait_idle(struct auth *a)
{
	if (!a || !a->threaded)
		return;
	pthread_mutex_lock(&a->lock);
	/* Only what is queued now (FIFO): a flood that keeps the queue full
	 * cannot hold the caller. */
	unsigned long long target = a->submitted;
	while (a->completed < target)
		pthread_cond_wait(&a->idle, &a->lock);
	pthread_mutex_unlock(&a->lock);
}

static int user_index(const struct auth *a, const char *name, bool by_subject)
{
	int found = -1;

	for (unsigned i = 0; i < a->cfg.nusers; i++) {
		const struct auth_user *u = &a->cfg.users[i];

		if (by_subject ? u->subject[0] && strcmp(u->subject, name) == 0
			       : u->hash[0] && strcmp(u->name, name) == 0)
			found = (int)i;
	}
	return found;
}

enum auth_reason auth_begin(struct auth *a, const char *authorization, const char *subject,
			    struct auth_check *chk)
{
	unsigned char mac[AUTH_MAC_LEN];
	enum auth_reason r;

	chk->index = -1;
	chk->result = AUTH_PENDING;
	chk->user[0] = chk->password[0] = '\0';
	/* The TLS layer verified the certificate against http.tls.client_ca. */
	if (subject && subject[0] && user_index(a, subject, true) >= 0)
		return AUTH_OK;
	r = auth_parse_basic(authorization, chk->user, sizeof chk->user, chk->password,
			     sizeof chk->password);
	if (r != AUTH_OK)
		return r;
	chk->index = user_index(a, chk->user, false);
	r = AUTH_PENDING;
	if (chk->index >= 0 && credential_mac(a, chk, mac) == 0)
		r = cache_hit(a, a->cache, mac) ? AUTH_OK
		  : cache_hit(a, a->refused, mac) ? AUTH_WRONG_PASSWORD : AUTH_PENDING;
	if (r != AUTH_PENDING)
		explicit_bzero(chk->password, sizeof chk->password);
	explicit_bzero(mac, sizeof mac);
	return r;
}

/* The first password user stands in for an unknown one: the answer
 * then takes as long whether or not the name exists. */
static int timing_stand_in(const struct auth *a)
{
	for (unsigned i = 0; i < a->cfg.nusers; i++)
		if (a->cfg.users[i].hash[0])
			return (int)i;
	return -1;
}

enum auth_reason auth_verify(struct auth *a, struct auth_check *chk)
{
	unsigned char mac[AUTH_MAC_LEN];
	int i = chk->index >= 0 ? chk->index : timing_stand_in(a);
	bool match = i >= 0 && auth_password_matches(a->cfg.users[i].hash, chk->password);

	if (chk->index < 0)
		chk->result = AUTH_UNKNOWN_USER;
	else
		chk->result = match ? AUTH_OK : AUTH_WRONG_PASSWORD;
	if (chk->index >= 0 && credential_mac(a, chk, mac) == 0)
		cache_add(a, match ? a->cache : a->refused, mac, match ? AUTH_CACHE_TTL_MS : AUTH_REFUSAL_TTL_MS);
	explicit_bzero(mac, sizeof mac);
	explicit_bzero(chk->password, sizeof chk->password);
	return chk->result;
}

bool auth_submit(struct auth *a, struct auth_check *chk)
{
	bool ok = false;

	if (!a->threaded) {
		auth_verify(a, chk);
		chk->done(chk->ctx);
		return true;
	}
	pthread_mutex_lock(&a->lock);
	if (!a->stopping && a->queued < AUTH_QUEUE_MAX) {
		chk->next = NULL;
		if (a->tail)
			a->tail->next = chk;
		else
			a->head = chk;
		a->tail = chk;
		a->queued++;
		a->submitted++;
		pthread_cond_signal(&a->wake);
		ok = true;
	}
	pthread_mutex_unlock(&a->lock);
	if (!ok)
		explicit_bzero(chk->password, sizeof chk->password);
	return ok;
}

/* One thread: a flood of wrong passwords costs at most one core, and
 * the HTTP threads that answer the probes never wait for a hash. */
static void *verifier(void *arg)
{
	struct auth *a = arg;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		struct auth_check *chk;

		while (!a->head && !a->stopping)
			pthread_cond_wait(&a->wake, &a->lock);
		chk = a->head;
		if (!chk)
			break; /* stopping, nothing left */
		a->head = chk->next;
		if (!a->head)
			a->tail = NULL;
		a->queued--;
		bool stopping = a->stopping;
		pthread_mutex_unlock(&a->lock);
		if (stopping) {
			explicit_bzero(chk->password, sizeof chk->password);
			chk->result = AUTH_BUSY;
		} else {
			auth_verify(a, chk);
		}
		chk->done(chk->ctx);
		pthread_mutex_lock(&a->lock);
		a->completed++;
		pthread_cond_broadcast(&a->idle);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

void auth_log_refusal(const struct auth *a, const struct auth_check *chk, enum auth_reason r,
		      const char *path, const char *client)
{
	static const char *const what[AUTH_REASON_COUNT] = {
		[AUTH_MISSING] = "no credentials",
		[AUTH_MALFORMED] = "a malformed credential (not basic auth, or bad base64)",
		[AUTH_UNKNOWN_USER] = "an unknown user",
		[AUTH_WRONG_PASSWORD] = "a wrong password",
		[AUTH_BUSY] = "too many password checks waiting",
	};

	if ((unsigned)r >= AUTH_REASON_COUNT || r == AUTH_OK)
		return;
	if (r == AUTH_WRONG_PASSWORD && chk && chk->index >= 0)
		log_rate(&reason_names[r], LOG_WARNING, "http: %s from %s refused: %s for user \"%s\"",
			 path, client, what[r], a->cfg.users[chk->index].name);
	else
		log_rate(&reason_names[r], LOG_WARNING, "http: %s from %s refused: %s", path, client,
			 what[r]);
}
