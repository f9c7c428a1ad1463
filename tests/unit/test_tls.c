/* tls: the gate's rule for a TLS port's first bytes, and the checks made
 * on http.tls's files. Keys and certificates are made here with GnuTLS in
 * a temporary directory (ECDSA P-256, cheap), never committed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tls.h"

static char tmpdir[256];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_tls.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* A self-signed P-256 certificate valid from `from` to `until`, its key. */
static void make_pair(const char *name, time_t from, time_t until, char *cert, char *key)
{
	gnutls_x509_privkey_t k;
	gnutls_x509_crt_t c;
	gnutls_datum_t out;
	unsigned char serial[1] = {1};

	sprintf(cert, "%s/%s.pem", tmpdir, name);
	sprintf(key, "%s/%s.key", tmpdir, name);
	assert_int_equal(gnutls_x509_privkey_init(&k), 0);
	assert_int_equal(gnutls_x509_privkey_generate(k, GNUTLS_PK_ECDSA,
						      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	assert_int_equal(gnutls_x509_crt_init(&c), 0);
	assert_int_equal(gnutls_x509_crt_set_version(c, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(c, serial, sizeof serial), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, name, (unsigned)strlen(name)), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(c, from), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(c, until), 0);
	assert_int_equal(gnutls_x509_crt_set_key(c, k), 0);
	assert_int_equal(gnutls_x509_crt_sign2(c, c, k, GNUTLS_DIG_SHA256, 0), 0);
	assert_int_equal(gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &out), 0);
	write_file(cert, out.data, out.size, 0644);
	gnutls_free(out.data);
	assert_int_equal(gnutls_x509_privkey_export2(k, GNUTLS_X509_FMT_PEM, &out), 0);
	write_file(key, out.data, out.size, 0600);
	gnutls_free(out.data);
	gnutls_x509_crt_deinit(c);
	gnutls_x509_privkey_deinit(k);
}

static struct tls_cfg files(const char *cert, const char *key, const char *ca)
{
	struct tls_cfg t;

	snprintf(t.cert, sizeof t.cert, "%s", cert);
	snprintf(t.key, sizeof t.key, "%s", key);
	snprintf(t.client_ca, sizeof t.client_ca, "%s", ca);
	return t;
}

static int load(const struct tls_cfg *t, enum tls_file *which, char *err, size_t len)
{
	struct tls_creds c;
	int rc = tls_creds_load(&c, t, time(NULL), which, err, len);

	if (rc == 0)
		tls_creds_free(&c);
	return rc;
}

static void test_good_pair_and_ca(void **state)
{
	char cert[300], key[300], err[1024];
	struct tls_creds c;
	enum tls_file which;
	time_t now = time(NULL);
	struct tls_cfg t;

	(void)state;
	make_pair("good", now - 3600, now + 90 * 86400, cert, key);
	t = files(cert, key, cert);
	assert_int_equal(tls_creds_load(&c, &t, now, &which, err, sizeof err), 0);
	assert_string_equal(c.subject, "CN=good");
	assert_non_null(c.client_ca);
	assert_true(strstr(c.cert, "BEGIN CERTIFICATE") != NULL);
	assert_false(tls_creds_warning(&c, now, err, sizeof err));
	/* 80 days later it expires within 14 days */
	assert_true(tls_creds_warning(&c, now + 80 * 86400, err, sizeof err));
	assert_true(strstr(err, "expires on") != NULL);
	/* before it is valid */
	assert_true(tls_creds_warning(&c, now - 7200, err, sizeof err));
	assert_true(strstr(err, "not valid before") != NULL);
	tls_creds_free(&c);
	assert_null(c.key);
}

static void test_mismatch_names_the_key(void **state)
{
	char c1[300], k1[300], c2[300], k2[300], err[1024];
	enum tls_file which;
	time_t now = time(NULL);
	struct tls_cfg t;

	(void)state;
	make_pair("one", now - 60, now + 86400 * 365, c1, k1);
	make_pair("two", now - 60, now + 86400 * 365, c2, k2);
	t = files(c1, k2, "");
	assert_int_equal(load(&t, &which, err, sizeof err), -1);
	assert_int_equal(which, TLS_FILE_KEY);
	assert_true(strstr(err, "does not match the certificate") != NULL);
}

static void test_expired_is_refused(void **state)
{
	char cert[300], key[300], err[1024];
	enum tls_file which;
	time_t now = time(NULL);
	struct tls_cfg t;

	(void)state;
	make_pair("old", now - 86400 * 30, now - 86400, cert, key);
	t = files(cert, key, "");
	assert_int_equal(load(&t, &which, err, sizeof err), -1);
	assert_int_equal(which, TLS_FILE_CERT);
	assert_true(strstr(err, "CN=old) expired on") != NULL);
}

static void test_bad_files(void **state)
{
	char cert[300], key[300], path[300], err[1024];
	enum tls_file which;
	time_t now = time(NULL);
	struct tls_cfg t;

	(void)state;
	make_pair("files", now - 60, now + 86400 * 365, cert, key);

	t = files("/nonexistent/c.pem", key, "");
	assert_int_equal(load(&t, &which, err, sizeof err), -1);
	assert_int_equal(which, TLS_FILE_CERT);
	assert_string_equal(err, "cannot read /nonexistent/c.pem: No such file or directory");

	/* the key given as the certificate */
	t = files(key, key, "");
	assert_int_equal(load(&t, &which, err, sizeof err), -1);
	assert_int_equal(which, TLS_FILE_CERT);
	assert_true(strstr(err, "no PEM certificate") != NULL);

	/* the certificate given as the key */
	sprintf(path, "%s/cert-as-key.pem", tmpdir);
	write_file(path, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", 56, 0600);
	t = files(cert, path, "");
	assert_int_equal(load(&t, &which, err, sizeof err), -1);
	assert_int_equal(which, TLS_FILE_KEY);
	assert_true(strstr(err, "no unencrypted PEM private key") != NULL);

	assert_int_equal(chmod(key, 0644), 0);
	t = files(cert, key, "");
	assert_int_equal(load(&t, &which, err, sizeof err), -1);
	assert_int_equal(which, TLS_FILE_KEY);
	assert_true(strstr(err, "is readable by others (mode 0644)") != NULL);
	assert_int_equal(chmod(key, 0640), 0);
	assert_int_equal(load(&t, &which, err, sizeof err), 0);

	sprintf(path, "%s/empty-ca.pem", tmpdir);
	write_file(path, "", 0, 0644);
	t = files(cert, key, path);
	assert_int_equal(load(&t, &which, err, sizeof err), -1);
	assert_int_equal(which, TLS_FILE_CLIENT_CA);
	assert_true(strstr(err, "no PEM CA certificate") != NULL);
}

/* A TLS 1.2/1.3 ClientHello's record header, as curl and HAProxy send it. */
static void test_hello_rule(void **state)
{
	unsigned char b[600] = {22, 3, 1, 0x02, 0x00, 1};

	(void)state;
	/* 512 bytes of payload: complete at 517 */
	assert_int_equal(tls_hello_state(b, 0), TLS_HELLO_MORE);
	for (size_t n = 1; n < 517; n++)
		assert_int_equal(tls_hello_state(b, n), TLS_HELLO_MORE);
	assert_int_equal(tls_hello_state(b, 517), TLS_HELLO_COMPLETE);
	assert_int_equal(tls_hello_state(b, 600), TLS_HELLO_COMPLETE);

	/* plain HTTP, SSLv2's hello, an alert, a garbage version */
	assert_int_equal(tls_hello_state((const unsigned char *)"GET / HTTP/1.1\r\n", 16), TLS_HELLO_NOT_TLS);
	assert_int_equal(tls_hello_state((const unsigned char *)"\x80\x2e\x01\x03\x01", 5), TLS_HELLO_NOT_TLS);
	assert_int_equal(tls_hello_state((const unsigned char *)"\x15\x03\x03\x00\x02", 5), TLS_HELLO_NOT_TLS);
	assert_int_equal(tls_hello_state((const unsigned char *)"\x16\x02", 2), TLS_HELLO_NOT_TLS);
	assert_int_equal(tls_hello_state((const unsigned char *)"\x16\x03\x09", 3), TLS_HELLO_NOT_TLS);
	/* a record longer than TLS allows, an empty one, not a ClientHello */
	assert_int_equal(tls_hello_state((const unsigned char *)"\x16\x03\x01\x40\x01", 5), TLS_HELLO_NOT_TLS);
	assert_int_equal(tls_hello_state((const unsigned char *)"\x16\x03\x01\x00\x00", 5), TLS_HELLO_NOT_TLS);
	assert_int_equal(tls_hello_state((const unsigned char *)"\x16\x03\x01\x00\x10\x02", 6), TLS_HELLO_NOT_TLS);
	/* the largest record allowed waits for all of it */
	assert_int_equal(tls_hello_state((const unsigned char *)"\x16\x03\x01\x40\x00\x01", 6), TLS_HELLO_MORE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_rule),
		cmocka_unit_test(test_good_pair_and_ca),
		cmocka_unit_test(test_mismatch_names_the_key),
		cmocka_unit_test(test_expired_is_refused),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests_name("tls", tests, setup, teardown);
}
