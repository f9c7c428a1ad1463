/* Who may read the informative endpoints: HTTP basic auth checked against
 * bcrypt or yescrypt hashes (libxcrypt), or the subject of a client
 * certificate the TLS layer has verified. The decisions (which endpoints
 * are protected, parsing the Authorization header, which scheme a hash is)
 * are pure; checking a password is slow on purpose (bcrypt), so it runs on
 * a verifier thread of its own with a short queue, and a success is
 * remembered for a while (as a keyed MAC of the credentials, never the
 * password) so that Prometheus and the peers pay for it once, not on every
 * scrape; a wrong password repeated as is, for a minute. Nothing here ever logs or keeps a password or the header. */
#ifndef CLUSTERCHECKD_AUTH_H
#define CLUSTERCHECKD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "metrics.h"

#define AUTH_USERS_MAX 16
#define AUTH_NAME_MAX 64
#define AUTH_HASH_MAX 160
#define AUTH_SUBJECT_MAX 256
#define AUTH_PASSWORD_MAX 256
/* Checks waiting for the verifier; beyond it a request gets 429 at once.
 * At ~60 ms a bcrypt (cost 10, this project's 2-core test box), the last
 * in the queue waits about half a second. */
#define AUTH_QUEUE_MAX 8
#define AUTH_BCRYPT_COST_MIN 4
#define AUTH_BCRYPT_COST_MAX 14

enum auth_protect {
	AUTH_PROTECT_INFO, /* /status, /metrics, /cluster, ?verbose and JSON answers */
	AUTH_PROTECT_ALL,  /* every path, the probes too */
	AUTH_PROTECT_NONE,
};

/* One user: a password hash, or a certificate subject (exactly one). */
struct auth_user {
	char name[AUTH_NAME_MAX];
	char hash[AUTH_HASH_MAX];
	char subject[AUTH_SUBJECT_MAX];
};

struct auth_cfg {
	unsigned nusers;                    /* 0: authentication off */
	struct auth_user users[AUTH_USERS_MAX];
	unsigned protect;                   /* enum auth_protect */
};

/* Why a request was refused; also the label of the 401 counter. */
enum auth_reason {
	AUTH_OK,
	AUTH_MISSING,        /* no Authorization header (and no known certificate) */
	AUTH_MALFORMED,      /* not "Basic <base64 of user:password>" */
	AUTH_UNKNOWN_USER,
	AUTH_WRONG_PASSWORD,
	AUTH_BUSY,           /* too many checks waiting: 429 */
	AUTH_PENDING,        /* not a result: the password is to be checked */
	AUTH_REASON_COUNT = AUTH_PENDING,
};

const char *auth_reason_name(enum auth_reason r);

/* ---- pure ---- */

/* Whether answering `e` (with ?verbose, or JSON asked by Accept) needs a
 * credential. Probes keep their bare status and one-line reason open under
 * "info": HAProxy's and the kubelet's checks carry none. */
bool auth_protects(unsigned protect, enum metrics_endpoint e, bool verbose, bool json);

/* Splits "Basic <base64(user:password)>" (scheme case-insensitive, the
 * password may hold colons). Returns AUTH_OK, AUTH_MISSING (header NULL or
 * empty) or AUTH_MALFORMED (another scheme, bad base64, no colon, empty
 * user, NUL bytes, too long). The buffers are wiped on failure. */
enum auth_reason auth_parse_basic(const char *header, char *user, size_t user_len,
				  char *password, size_t password_len);

/* True when `hash` is a bcrypt ($2b$, $2y$) or yescrypt ($y$) hash that
 * libxcrypt accepts; else false with why ("is not ..."). */
bool auth_hash_valid(const char *hash, char *why, size_t why_len);

/* True when `password` matches `hash` (slow: the hash's cost). The
 * comparison of the results takes the same time wherever they differ. */
bool auth_password_matches(const char *hash, const char *password);

/* ---- the engine ---- */

struct auth;

/* One request's credentials while they are checked. */
struct auth_check {
	char user[AUTH_NAME_MAX];
	char password[AUTH_PASSWORD_MAX]; /* wiped once checked */
	int index;                        /* the user's row, -1 unknown */
	enum auth_reason result;
	/* Called on the verifier thread when result is set (AUTH_BUSY too
	 * when the verifier stops first); the check is not touched after. */
	void (*done)(void *ctx);
	void *ctx;
	struct auth_check *next;
};

/* cfg->nusers must be > 0. `threaded` starts the verifier thread (daemon);
 * without it every check is done inline (inetd: one process per check). */
struct auth *auth_new(const struct auth_cfg *cfg, bool threaded, char *err, size_t err_len);
/* Stops the verifier: every queued check completes as AUTH_BUSY first. */
void auth_free(struct auth *a);

/* What can be decided at once: AUTH_OK (a configured subject, or a
 * remembered success), a refusal, or AUTH_PENDING with chk filled for
 * auth_verify() or auth_submit(). `subject` is the verified client
 * certificate's subject, or NULL. */
enum auth_reason auth_begin(struct auth *a, const char *authorization, const char *subject,
			    struct auth_check *chk);
/* The slow part, inline. An unknown user costs the same as a known one. */
enum auth_reason auth_verify(struct auth *a, struct auth_check *chk);
/* The slow part on the verifier thread: chk->done is called when done.
 * False (chk untouched but its password wiped) when the queue is full. */
bool auth_submit(struct auth *a, struct auth_check *chk);

/* Returns once every check queued before the call is done (NULL: at
 * once); later ones do not hold it. */
void auth_wait_idle(struct auth *a);

/* A refusal, counted by the caller; logged here, summarised (the first
 * of a kind at once, then a count per 10 s). The user name is shown only
 * when it is a configured one: a mistyped name may be a password. */
void auth_log_refusal(const struct auth *a, const struct auth_check *chk, enum auth_reason r,
		      const char *path, const char *client);

#endif
