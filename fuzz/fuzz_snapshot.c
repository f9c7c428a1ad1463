/* Rows as mysqld could send them -> snapshot -> verdict -> every output
 * built from it (the one-line reason, ?verbose, the JSON report).
 *
 * Input: 6 bytes of policy and state, then rows "name\tvalue\n"; a value
 * of exactly \N is SQL NULL. Names are free bytes, so both real fact names
 * (from the seed corpus) and garbage are tried. */
#include <jansson.h>
#include <stdio.h>

#include "fuzz_common.h"
#include "http.h"
#include "report.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_logs();
	return 0;
}

static void check_reply(const struct http_reply *r)
{
	/* A verdict that is neither ready nor one of the not-ready codes would
	 * be read by HAProxy as something the agent never meant. */
	if (r->status != 200 && r->status != 503 && r->status != 404)
		abort();
	if (r->body && strlen(r->body) != r->body_len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_bytes b = {data, size};
	struct health_view v;
	struct timespec now = {.tv_sec = 1000};
	uint8_t mode;

	memset(&v, 0, sizeof v);
	snapshot_init(&v.snap);
	fuzz_policy(&b, &v.policy);
	mode = fuzz_byte(&b);
	v.admin = (enum admin_state)(mode % 3);
	snprintf(v.admin_why, sizeof v.admin_why, "fuzz");
	v.snap.taken = now;
	if (mode & 0x10) /* older than stale_after_ms */
		v.snap.taken.tv_sec -= 10;
	v.snap.outcome = mode & 0x20 ? SNAP_UNREACHABLE : SNAP_OK;
	/* what the poller saw under mysqld: every kind, two methods */
	v.snap.sst.kind = (enum sst_proc_kind)(((mode >> 2) & 3) + ((mode & 0x40) ? 1 : 0));
	v.snap.sst.mysqld_pid = 4242;
	snprintf(v.snap.sst.method, sizeof v.snap.sst.method, "%s", mode & 0x80 ? "mariabackup" : "rsync");
	snprintf(v.snap.sst.why, sizeof v.snap.sst.why, "fuzz");

	while (b.n) {
		const uint8_t *line = b.p, *nl = memchr(b.p, '\n', b.n), *tab;
		size_t len = nl ? (size_t)(nl - line) : b.n;

		b.p += len + (nl != NULL);
		b.n -= len + (nl != NULL);
		tab = memchr(line, '\t', len);
		if (!tab) {
			if (v.snap.outcome == SNAP_UNREACHABLE) {
				char why[SNAPSHOT_ERROR_MAX + 8];
				size_t n = len < sizeof why - 1 ? len : sizeof why - 1;
				memcpy(why, line, n);
				why[n] = '\0';
				snapshot_set_unreachable(&v.snap, 2013, why);
			}
			continue;
		}
		size_t name_len = (size_t)(tab - line), value_len = len - name_len - 1;
		const char *value = (const char *)tab + 1;
		if (value_len == 2 && value[0] == '\\' && value[1] == 'N')
			value = NULL;
		snapshot_set(&v.snap, (const char *)line, name_len, value, value ? value_len : 0);
	}

	struct verdict d = verdict_decide(&v.snap, v.admin, &v.policy, &now);
	struct verdict_check checks[CHECK_COUNT];
	verdict_checks(&v.snap, v.admin, &v.policy, &now, checks);
	/* The funnel and the per-check list must tell the same story. */
	if ((d.code == 200) != (d.failed == CHECK_COUNT))
		abort();
	if (d.failed != CHECK_COUNT && (checks[d.failed].ok || d.failed >= CHECK_COUNT))
		abort();
	if (strnlen(d.reason, sizeof d.reason) == sizeof d.reason)
		abort();

	for (int verbose = 0; verbose < 2; verbose++) {
		for (int bodies = 0; bodies < 2; bodies++) {
			struct http_request req = {.method = "GET", .path = "/", .verbose = verbose};
			struct http_reply r;

			http_reply_build(&req, &v, &now, (enum http_bodies)bodies, &r);
			check_reply(&r);
			if (r.status != d.code)
				abort();
			http_reply_free(&r);
		}
	}

	json_t *j = report_json(&v, &now);
	if (!j)
		abort();
	char *text = json_dumps(j, JSON_COMPACT);
	/* Facts are echoed as mysqld sent them: the JSON must still be JSON. */
	if (!text)
		abort();
	json_t *back = json_loads(text, 0, NULL);
	if (!back)
		abort();
	json_decref(back);
	free(text);
	json_decref(j);
	return 0;
}
