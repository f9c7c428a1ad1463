/* HTTPS on the HTTP listener: the files http.tls names, read and checked
 * with GnuTLS (the library libmicrohttpd speaks TLS with) so that a bad
 * file is refused with its reason before the engine sees it; the rule the
 * gate applies to a TLS connection's first bytes; and the client
 * certificate of a connection, for authorization. */
#ifndef CLUSTERCHECKD_TLS_H
#define CLUSTERCHECKD_TLS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* TLS 1.2 and 1.3 only; GnuTLS's NORMAL set of ciphers otherwise. */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* http.tls: all empty = plain HTTP. */
struct tls_cfg {
	char cert[PATH_MAX];      /* PEM certificate (chain: leaf first) */
	char key[PATH_MAX];       /* PEM private key, unencrypted */
	char client_ca[PATH_MAX]; /* PEM CA(s) whose client certificates count; "" = none asked */
};

static inline bool tls_cfg_enabled(const struct tls_cfg *t)
{
	return t->cert[0] != '\0';
}

/* Which file a problem is about, so that the config names its key. */
enum tls_file {
	TLS_FILE_NONE,
	TLS_FILE_CERT,
	TLS_FILE_KEY,
	TLS_FILE_CLIENT_CA,
};

/* The files' text, as libmicrohttpd takes it, and what was learnt of them. */
struct tls_creds {
	char *cert;               /* PEM, NUL-terminated, malloc'd */
	char *key;
	char *client_ca;          /* NULL when none */
	time_t not_before, not_after; /* of the leaf certificate */
	char subject[256];        /* of the leaf certificate, for the log */
};

/* Reads and checks the three files: readable, PEM that GnuTLS parses, the
 * key not readable by others, the key matching the certificate, the
 * certificate not expired at `now`, at least one CA in client_ca. Returns
 * 0, or -1 with the reason in err and the file it is about in *which. */
int tls_creds_load(struct tls_creds *out, const struct tls_cfg *t, time_t now,
		   enum tls_file *which, char *err, size_t errlen);
void tls_creds_free(struct tls_creds *c);

/* Pure: a sentence when the certificate deserves a warning at `now` (not
 * valid yet, or expiring within 14 days), else false. */
bool tls_creds_warning(const struct tls_creds *c, time_t now, char *why, size_t len);

/* Pure: what the first bytes of a connection to the TLS port say. A client
 * speaks first with a ClientHello in a handshake record (type 22, version
 * 3.x, at most 2^14 + 256 bytes of payload, RFC 8446 5.1/5.2): the gate
 * waits for that whole record (as it waits for an HTTP request head), and
 * anything else is not TLS and is closed at once. */
enum tls_hello {
	TLS_HELLO_MORE,     /* a ClientHello record, not complete yet */
	TLS_HELLO_COMPLETE, /* the whole first record is there */
	TLS_HELLO_NOT_TLS,  /* not a TLS client */
};
enum tls_hello tls_hello_state(const unsigned char *b, size_t n);

/* The subject DN of the client certificate of connection c, only when the
 * client presented one that verifies against http.tls.client_ca (chain,
 * dates); GnuTLS's RFC 4514 text ("CN=prometheus,O=ops"). Returns 0, or -1
 * (no TLS, no certificate, or one that does not verify) with buf "". */
struct MHD_Connection;
int tls_peer_subject(struct MHD_Connection *c, char *buf, size_t len);

#endif
