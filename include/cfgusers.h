/* http.auth.users: who may read what http.auth.protect covers, a list of
 * groups like cluster.peers. cfg.c's table walk hands the setting over;
 * every problem is reported, not only the first, and a hash is never
 * echoed (a clear password put there by mistake must not reach a log). */
#ifndef CLUSTERCHECKD_CFGUSERS_H
#define CLUSTERCHECKD_CFGUSERS_H

#include <libconfig.h>
#include <stdbool.h>

#include "auth.h"
#include "cfgmsg.h"

/* `list`, the setting `key`, into ac->users and ac->nusers: each entry a
 * name and exactly one of hash (bcrypt or yescrypt) and subject, names
 * unique. False, with ac->nusers 0, when anything was reported. */
bool cfgusers_parse(const config_setting_t *list, const char *key, struct auth_cfg *ac,
		    cfgmsg_complain_fn complain, void *ctx);

/* A subject is only ever learnt from a certificate http.tls.client_ca
 * verified: without one, such a user could never get in. */
void cfgusers_check_subjects(const struct auth_cfg *ac, bool client_ca_set, const config_setting_t *users,
			     cfgmsg_complain_fn complain, void *ctx);

#endif
