/* The config table's row types and what reads the rows without reading a
 * file: a reload's merge, the value names /status shows, the rows as the
 * manual page describes them, and the "did you mean" of an unknown name.
 * The rows themselves stay in cfg.c beside the walk that applies them, so
 * adding a key is still one row there; this side never needs to change
 * for it. */
#ifndef CLUSTERCHECKD_CFGTABLE_H
#define CLUSTERCHECKD_CFGTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

enum cfg_type {
	CFG_STRING,
	CFG_UNSIGNED,
	CFG_INT,      /* signed field; drain_code is an HTTP status */
	CFG_BOOL,
	CFG_ENUM,     /* written as a string, stored as the enum value */
	CFG_PEERS,    /* cluster.peers: a list of { name; url; priority; } */
	CFG_USERS,    /* http.auth.users: a list of { name; hash | subject; } */
};

struct cfg_choice {
	const char *name;
	int value;
};

struct cfg_key {
	const char *group;                 /* NULL: top level */
	const char *name;
	enum cfg_type type;
	long long min, max;                /* integers */
	long long def_int;                 /* integers and booleans */
	const char *def_str;               /* strings; enums by choice name */
	const struct cfg_choice *choices;  /* enums: the names; integers: the only values allowed */
	/* strings: false and a sentence to follow the quoted value */
	bool (*valid)(const char *s, char *why, size_t why_len);
	size_t offset;
	size_t size;                       /* strings: buffer size, NUL included */
	/* SIGHUP applies it; without it a changed value is kept until a
	 * restart (the safe default for a row that forgets to say). */
	bool reload;
	const char *help;
};

/* Defined in cfg.c. */
extern const struct cfg_key cfg_keys[];
extern const size_t cfg_keys_count;

void *cfgtable_field(struct cfg *c, const struct cfg_key *k);
const struct cfg_choice *cfgtable_choice_by_name(const struct cfg_choice *choices, const char *name);
const struct cfg_choice *cfgtable_choice_by_value(const struct cfg_choice *choices, long long value);

/* "group.name", or "name" at the top level: how every message names a key. */
void cfgtable_full_name(const struct cfg_key *k, char *out, size_t out_len);

/* "\"a\", \"b\" or \"c\"" (quoted) or "404 or 503": one spelling for the
 * errors and the manual page. */
void cfgtable_list_choices(const struct cfg_choice *choices, bool quoted, char *out, size_t out_len);

/* group NULL: the top level. NULL when there is no such key. */
const struct cfg_key *cfgtable_key(const char *group, const char *name);

/* A group is a name some row lives in ("http.tls" and "http" both are). */
bool cfgtable_is_group(const char *name);

/* " (did you mean 'x'?)" for a key put in the wrong group or a small typo
 * of a key (want_group false) or of a top-level group; "" when nothing is
 * close enough to be worth saying. */
void cfgtable_suggest(const char *group, const char *name, bool want_group, char *out, size_t out_len);

#endif
