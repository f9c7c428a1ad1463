#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A certificate chain or a CA bundle is a few KiB; anything this large is
 * not what the key names. */
#define TLS_FILE_MAX (1024 * 1024)
#define TLS_WARN_DAYS 14

static char *read_file(const char *path, bool is_key, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t got = 0;

	if (fd < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > TLS_FILE_MAX) {
		snprintf(err, errlen, "%s is not a regular file of at most %d bytes", path, TLS_FILE_MAX);
		goto out;
	}
	/* Group-readable is how Debian shares keys (group ssl-cert);
	 * world-readable gives the key to every local user. */
	if (is_key && (st.st_mode & S_IROTH)) {
		snprintf(err, errlen, "%s is readable by others (mode %04o): chmod o-r it", path,
			 (unsigned)(st.st_mode & 07777));
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "out of memory reading %s", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "cannot read %s: %s", path, n ? strerror(errno) : "file shrank");
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
out:
	close(fd);
	return buf;
}

static gnutls_datum_t datum(const char *s)
{
	return (gnutls_datum_t){.data = (unsigned char *)(uintptr_t)s, .size = (unsigned)strlen(s)};
}

static int fail(enum tls_file *which, enum tls_file f, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int fail(enum tls_file *which, enum tls_file f, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	*which = f;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void fmt_time(time_t t, char *out, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* The leaf's dates and subject; the rest of the chain is the client's to
 * check. */
static int check_cert(struct tls_creds *c, const struct tls_cfg *t, time_t now,
		      enum tls_file *which, char *err, size_t errlen)
{
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	gnutls_datum_t d = datum(c->cert), dn = {0};
	int rc = gnutls_x509_crt_list_import2(&crts, &n, &d, GNUTLS_X509_FMT_PEM, 0);
	char when[64];

	if (rc < 0 || n == 0)
		return fail(which, TLS_FILE_CERT, err, errlen, "%s: no PEM certificate: %s", t->cert,
			    rc < 0 ? gnutls_strerror(rc) : "empty");
	c->not_before = gnutls_x509_crt_get_activation_time(crts[0]);
	c->not_after = gnutls_x509_crt_get_expiration_time(crts[0]);
	if (gnutls_x509_crt_get_dn3(crts[0], &dn, 0) == 0) {
		snprintf(c->subject, sizeof c->subject, "%.*s", (int)dn.size, (const char *)dn.data);
		gnutls_free(dn.data);
	}
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	if (c->not_after != (time_t)-1 && c->not_after <= now) {
		fmt_time(c->not_after, when, sizeof when);
		return fail(which, TLS_FILE_CERT, err, errlen, "%s: the certificate (%s) expired on %s",
			    t->cert, c->subject, when);
	}
	return 0;
}

static int check_key(const struct tls_creds *c, const struct tls_cfg *t, enum tls_file *which,
		     char *err, size_t errlen)
{
	gnutls_x509_privkey_t k;
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t kd = datum(c->key), cd = datum(c->cert);
	int rc;

	if (gnutls_x509_privkey_init(&k) < 0)
		return fail(which, TLS_FILE_KEY, err, errlen, "out of memory");
	rc = gnutls_x509_privkey_import2(k, &kd, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_x509_privkey_deinit(k);
	if (rc < 0)
		return fail(which, TLS_FILE_KEY, err, errlen, "%s: no unencrypted PEM private key: %s", t->key,
			    gnutls_strerror(rc));
	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return fail(which, TLS_FILE_KEY, err, errlen, "out of memory");
	rc = gnutls_certificate_set_x509_key_mem2(cred, &cd, &kd, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_certificate_free_credentials(cred);
	if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
		return fail(which, TLS_FILE_KEY, err, errlen, "%s does not match the certificate in %s", t->key,
			    t->cert);
	if (rc < 0)
		return fail(which, TLS_FILE_KEY, err, errlen, "%s with %s: %s", t->key, t->cert,
			    gnutls_strerror(rc));
	return 0;
}

static int check_client_ca(const struct tls_creds *c, const struct tls_cfg *t, enum tls_file *which,
			   char *err, size_t errlen)
{
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	gnutls_datum_t d = datum(c->client_ca);
	int rc = gnutls_x509_crt_list_import2(&crts, &n, &d, GNUTLS_X509_FMT_PEM, 0);

	for (unsigned i = 0; rc >= 0 && i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	if (rc < 0 || n == 0)
		return fail(which, TLS_FILE_CLIENT_CA, err, errlen, "%s: no PEM CA certificate: %s",
			    t->client_ca, rc < 0 ? gnutls_strerror(rc) : "empty");
	return 0;
}

int tls_creds_load(struct tls_creds *out, const struct tls_cfg *t, time_t now,
		   enum tls_file *which, char *err, size_t errlen)
{
	struct tls_creds c = {0};

	*which = TLS_FILE_NONE;
	if (!(c.cert = read_file(t->cert, false, err, errlen))) {
		*which = TLS_FILE_CERT;
		goto bad;
	}
	if (!(c.key = read_file(t->key, true, err, errlen))) {
		*which = TLS_FILE_KEY;
		goto bad;
	}
	if (t->client_ca[0] && !(c.client_ca = read_file(t->client_ca, false, err, errlen))) {
		*which = TLS_FILE_CLIENT_CA;
		goto bad;
	}
	if (check_cert(&c, t, now, which, err, errlen) != 0 || check_key(&c, t, which, err, errlen) != 0 ||
	    (c.client_ca && check_client_ca(&c, t, which, err, errlen) != 0))
		goto bad;
	*out = c;
	return 0;
bad:
	tls_creds_free(&c);
	return -1;
}

void tls_creds_free(struct tls_creds *c)
{
	if (c->key)
		explicit_bzero(c->key, strlen(c->key));
	free(c->cert);
	free(c->key);
	free(c->client_ca);
	memset(c, 0, sizeof *c);
}

bool tls_creds_warning(const struct tls_creds *c, time_t now, char *why, size_t len)
{
	char when[64];

	if (c->not_before != (time_t)-1 && c->not_before > now) {
		fmt_time(c->not_before, when, sizeof when);
		snprintf(why, len, "the certificate (%s) is not valid before %s: clients will refuse it until then "
			 "(or this host's clock is wrong)", c->subject, when);
		return true;
	}
	if (c->not_after != (time_t)-1 && c->not_after - now < (time_t)TLS_WARN_DAYS * 86400) {
		fmt_time(c->not_after, when, sizeof when);
		snprintf(why, len, "the certificate (%s) expires on %s: renew it and send SIGHUP", c->subject, when);
		return true;
	}
	return false;
}

enum tls_hello tls_hello_state(const unsigned char *b, size_t n)
{
	size_t len;

	/* ContentType handshake(22), then a legacy version 3.0 to 3.4. */
	if ((n >= 1 && b[0] != 22) || (n >= 2 && b[1] != 3) || (n >= 3 && b[2] > 4))
		return TLS_HELLO_NOT_TLS;
	if (n < 5)
		return TLS_HELLO_MORE;
	len = (size_t)b[3] << 8 | b[4];
	/* A record holds at most 2^14 bytes (RFC 8446 5.1); the first
	 * handshake message is a ClientHello (type 1). */
	if (len == 0 || len > 16384 || (n >= 6 && b[5] != 1))
		return TLS_HELLO_NOT_TLS;
	return n >= 5 + len ? TLS_HELLO_COMPLETE : TLS_HELLO_MORE;
}

int tls_peer_subject(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t s;
	const gnutls_datum_t *peers;
	unsigned status = 0, n = 0;
	gnutls_x509_crt_t crt;
	gnutls_datum_t dn = {0};
	int rc = -1;

	if (len)
		buf[0] = '\0';
	if (!ci || !ci->tls_session)
		return -1;
	s = ci->tls_session;
	/* libmicrohttpd only asks for a certificate (and loads client_ca as
	 * the trust list); whether it is good is ours to decide. */
	if (gnutls_certificate_verify_peers2(s, &status) != 0 || status != 0)
		return -1;
	peers = gnutls_certificate_get_peers(s, &n);
	if (!peers || n == 0 || gnutls_x509_crt_init(&crt) < 0)
		return -1;
	if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) == 0 &&
	    gnutls_x509_crt_get_dn3(crt, &dn, 0) == 0) {
		if (dn.size < len) {
			memcpy(buf, dn.data, dn.size);
			buf[dn.size] = '\0';
			rc = 0;
		}
		gnutls_free(dn.data);
	}
	gnutls_x509_crt_deinit(crt);
	return rc;
}
