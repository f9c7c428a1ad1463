/* Galera's saved state (grastate.dat in the datadir): the cluster uuid, the
 * last committed seqno and safe_to_bootstrap. Readable when mysqld is down,
 * which is exactly when an operator needs it to pick the node to bootstrap.
 * Pure parsing; datadir.c does the reading. */
#ifndef CLUSTERCHECKD_GRASTATE_H
#define CLUSTERCHECKD_GRASTATE_H

#include <stdbool.h>
#include <stddef.h>

/* Galera writes about 150 bytes; anything much larger is not its file. */
#define GRASTATE_MAX_BYTES 4096
#define GRASTATE_UUID_LEN 36

struct grastate {
	bool uuid_ok;
	char uuid[GRASTATE_UUID_LEN + 1];
	bool seqno_ok;
	long long seqno;            /* -1: not saved cleanly (running or crashed) */
	bool safe_to_bootstrap_ok;
	bool safe_to_bootstrap;
	char version[16];           /* "" when absent */
};

/* Parses `len` bytes (not NUL-terminated). Unknown lines, comments and
 * garbage are skipped; each field is only marked ok when its value is
 * well-formed. Returns the number of well-formed fields (0..3). */
int grastate_parse(const char *buf, size_t len, struct grastate *out);

/* Galera's text forms, also in gvwstate.dat and "Recovered position"
 * lines: a 36-character uuid, and a seqno (-1 = undefined, never below). */
bool grastate_uuid_valid(const char *s, size_t len);
bool grastate_seqno_valid(const char *s, size_t len, long long *out);

#endif
