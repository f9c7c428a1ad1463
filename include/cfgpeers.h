/* cluster.*: the list of peer agents (the one configuration value that is
 * a list of groups) and the checks that tie the cluster keys together.
 * cfg.c's table walk hands the settings over; every problem is reported,
 * not only the first. */
#ifndef CLUSTERCHECKD_CFGPEERS_H
#define CLUSTERCHECKD_CFGPEERS_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>

#include "cluster.h"

/* Receives one complete message about `where` (the caller adds file:line). */
typedef void (*cfgpeers_complain_fn)(void *ctx, const config_setting_t *where, const char *msg);

/* A name as /writer's reasons and /cluster's lines show it, one word:
 * letters, digits, '.', '_' and '-' ("" passes). False with a sentence to
 * follow the quoted value. */
bool cfgpeers_name_valid(const char *s, char *why, size_t why_len);

/* "http://HOST:PORT" with an optional "/": the peer agent's address. */
bool cfgpeers_url_valid(const char *s, char *why, size_t why_len);

/* `list`, the setting `key`, into cc->peers and cc->npeers: each entry
 * exactly { name; url; priority; }, names and urls unique. False, with
 * cc->npeers 0, when anything was reported. */
bool cfgpeers_parse(const config_setting_t *list, const char *key, struct cluster_cfg *cc,
		    cfgpeers_complain_fn complain, void *ctx);

/* Where each cluster key was set (NULL: not in the file). */
struct cfgpeers_where {
	const config_setting_t *name, *peers, *failback_delay, *timeout;
};

/* Peers configured: this node must be one of them (its name is how the
 * others rank it), and the timings must let every agent see a returning
 * node before it counts. */
void cfgpeers_check(const struct cluster_cfg *cc, unsigned stale_after_ms,
		    const struct cfgpeers_where *w, cfgpeers_complain_fn complain, void *ctx);

#endif
