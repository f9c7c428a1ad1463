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

#include "cfgmsg.h"

typedef cfgmsg_complain_fn cfgpeers_complain_fn;

/* A name as /writer's reasons and /cluster's lines show it, one word:
 * letters, digits, '.', '_' and '-' ("" passes). False with a sentence to
 * follow the quoted value. */
bool cfgpeers_name_valid(const char *s, char *why, size_t why_len);

/* "http://HOST:PORT" or "https://HOST:PORT", with an optional "/": the
 * peer agent's address. */
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

/* How this agent speaks to its peers: cluster.user and
 * cluster.password_file both or neither, and the file as private as a
 * config holding mysql.password must be. Its content is read by the peers
 * thread, never here, and never shown. */
void cfgpeers_check_client(const struct cluster_client_cfg *cc, const config_setting_t *user,
			   const config_setting_t *file, cfgpeers_complain_fn complain, void *ctx);

#endif
