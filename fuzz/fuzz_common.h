/* Shared by the libFuzzer targets: a byte reader that turns the front of an
 * input into small choices (policy, admin state, ...), so one input drives
 * both the data and the knobs that decide how it is judged.
 *
 * Adding a target is one file, fuzz/fuzz_<name>.c, plus seeds in
 * fuzz/corpus/<name>/; the Makefile links it with every module but main.c.
 * A parser that takes a path (grastate.dat) is fed through a file in a
 * private directory made once in LLVMFuzzerInitialize, as fuzz_cfg does; a
 * parser of a line protocol (ctl socket, agent-check) is best fed the
 * bytes directly, plus, like fuzz_http, once over a socketpair through the
 * function that serves a real connection. State every answer must hold
 * (one line, no credentials, the documented words only) as abort()s. */
#ifndef CLUSTERCHECKD_FUZZ_COMMON_H
#define CLUSTERCHECKD_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "health.h"
#include "log.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct fuzz_bytes {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fuzz_byte(struct fuzz_bytes *b)
{
	uint8_t v;

	if (!b->n)
		return 0;
	v = *b->p++;
	b->n--;
	return v;
}

/* The policy as the configuration's defaults make it. */
static inline void fuzz_default_policy(struct verdict_policy *p)
{
	struct cfg c;

	cfg_defaults(&c);
	*p = c.policy;
}

/* A policy anywhere in its valid space, so every rule and branch is reachable. */
static inline void fuzz_policy(struct fuzz_bytes *b, struct verdict_policy *p)
{
	fuzz_default_policy(p);
	p->donor = (enum donor_policy)(fuzz_byte(b) % 4);
	p->read_only_ok = fuzz_byte(b) & 1;
	p->min_cluster_size = 1 + fuzz_byte(b) % 5;
	p->max_recv_queue = fuzz_byte(b) % 3 ? 0 : fuzz_byte(b);
	p->drain_code = fuzz_byte(b) & 1 ? 404 : 503;
}

/* A view that is ready unless the fuzzer's rows say otherwise. */
static inline void fuzz_synced_view(struct health_view *v, const struct timespec *now)
{
	static const char *const rows[][2] = {
		{"wsrep_on", "ON"}, {"wsrep_local_state", "4"}, {"wsrep_local_state_comment", "Synced"},
		{"wsrep_ready", "ON"}, {"wsrep_connected", "ON"}, {"wsrep_cluster_status", "Primary"},
		{"wsrep_cluster_size", "3"}, {"wsrep_desync", "OFF"}, {"read_only", "OFF"},
	};

	memset(v, 0, sizeof *v);
	snapshot_init(&v->snap);
	v->snap.outcome = SNAP_OK;
	v->snap.taken = *now;
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		snapshot_set(&v->snap, rows[i][0], strlen(rows[i][0]), rows[i][1], strlen(rows[i][1]));
	fuzz_default_policy(&v->policy);
	v->admin = ADMIN_READY;
}

/* The targets exercise code that logs; a fuzzer's output must stay readable. */
static inline void fuzz_quiet_logs(void)
{
	log_init(LOG_TO_NOWHERE, "fuzz");
}

#endif
