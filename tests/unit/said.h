/* What a configuration list parser said (cfgpeers, cfgusers), kept for the
 * assertions of its unit test, and the libconfig text it was given. */
#ifndef CLUSTERCHECKD_TEST_SAID_H
#define CLUSTERCHECKD_TEST_SAID_H

#include <libconfig.h>
#include <stdio.h>
#include <string.h>

#define SAID_MAX 16

struct said {
	int n; /* every message, also those past SAID_MAX */
	char text[SAID_MAX][512];
	unsigned line[SAID_MAX];
};

static inline void said_collect(void *ctx, const config_setting_t *where, const char *msg)
{
	struct said *s = ctx;

	if (s->n < SAID_MAX) {
		snprintf(s->text[s->n], sizeof s->text[0], "%s", msg);
		s->line[s->n] = where ? config_setting_source_line(where) : 0;
	}
	s->n++;
}

/* TEXT read into CF (the caller destroys it) with S emptied; NULL when
 * libconfig cannot parse it, else the setting NAME. */
static inline const config_setting_t *said_read(config_t *cf, const char *text, const char *name,
						struct said *s)
{
	memset(s, 0, sizeof *s);
	config_init(cf);
	return config_read_string(cf, text) == CONFIG_TRUE ? config_lookup(cf, name) : NULL;
}

#endif
