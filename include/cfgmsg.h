/* How the configuration's messages speak of values: shared by cfg.c's
 * table walk and the cluster.peers parser, so that both say it alike. */
#ifndef CLUSTERCHECKD_CFGMSG_H
#define CLUSTERCHECKD_CFGMSG_H

#include <libconfig.h>
#include <stddef.h>

/* Receives one complete message about `where` (the caller adds file:line). */
typedef void (*cfgmsg_complain_fn)(void *ctx, const config_setting_t *where, const char *msg);

/* Where the list parsers send what they find wrong. */
struct cfgmsg_teller {
	cfgmsg_complain_fn complain;
	void *ctx;
};

/* Formats one message and hands it to t->complain. */
void cfgmsg_say(const struct cfgmsg_teller *t, const config_setting_t *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "an integer", "a string", ... for a libconfig CONFIG_TYPE_*. */
const char *cfgmsg_type_phrase(int config_type);

/* A value echoed in a message that may reach a terminal or syslog: control
 * characters as '?', cut with "..." to fit buf (at least 4 bytes). */
const char *cfgmsg_printable(const char *s, char *buf, size_t buf_len);

/* Levenshtein distance, for "did you mean"; SIZE_MAX for 64 bytes or more. */
size_t cfgmsg_distance(const char *a, const char *b);

#endif
