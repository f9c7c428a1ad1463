/* What reads the config table's rows without reading a file. A reload
 * merges field by field through the rows, /status and the manual page name
 * values through them, and a misspelt key is matched against them: none of
 * it needs libconfig, so it lives apart from the loader and can be tested
 * on a struct cfg alone. */
#include <stdio.h>
#include <string.h>

#include "cfgmsg.h"
#include "cfgtable.h"

/* ---- rows and choices ---- */

void *cfgtable_field(struct cfg *c, const struct cfg_key *k)
{
	return (char *)c + k->offset;
}

const struct cfg_choice *cfgtable_choice_by_name(const struct cfg_choice *choices, const char *name)
{
	for (; choices->name; choices++)
		if (strcmp(choices->name, name) == 0)
			return choices;
	return NULL;
}

const struct cfg_choice *cfgtable_choice_by_value(const struct cfg_choice *choices, long long value)
{
	for (; choices->name; choices++)
		if (choices->value == value)
			return choices;
	return NULL;
}

void cfgtable_full_name(const struct cfg_key *k, char *out, size_t out_len)
{
	if (k->group)
		snprintf(out, out_len, "%s.%s", k->group, k->name);
	else
		snprintf(out, out_len, "%s", k->name);
}

void cfgtable_list_choices(const struct cfg_choice *choices, bool quoted, char *out, size_t out_len)
{
	size_t n = 0, used = 0;

	while (choices[n].name)
		n++;
	out[0] = '\0';
	for (size_t i = 0; i < n && used < out_len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		const char *q = quoted ? "\"" : "";
		int w = snprintf(out + used, out_len - used, "%s%s%s%s", sep, q, choices[i].name, q);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* ---- names ---- */

static bool key_in_group(const struct cfg_key *k, const char *group)
{
	return group ? k->group && strcmp(group, k->group) == 0 : !k->group;
}

const struct cfg_key *cfgtable_key(const char *group, const char *name)
{
	for (size_t i = 0; i < cfg_keys_count; i++)
		if (key_in_group(&cfg_keys[i], group) && strcmp(cfg_keys[i].name, name) == 0)
			return &cfg_keys[i];
	return NULL;
}

bool cfgtable_is_group(const char *name)
{
	for (size_t i = 0; i < cfg_keys_count; i++)
		if (cfg_keys[i].group && strcmp(cfg_keys[i].group, name) == 0)
			return true;
	return false;
}

/* A key put in the wrong group, or a small typo, earns a "did you mean". */
void cfgtable_suggest(const char *group, const char *name, bool want_group, char *out, size_t out_len)
{
	out[0] = '\0';
	if (want_group) {
		for (size_t i = 0; i < cfg_keys_count; i++) {
			const char *g = cfg_keys[i].group;

			if (!group && g && cfgmsg_distance(name, g) <= 2) {
				snprintf(out, out_len, " (did you mean '%s'?)", g);
				return;
			}
		}
		return;
	}
	for (size_t i = 0; i < cfg_keys_count; i++) {
		const struct cfg_key *k = &cfg_keys[i];
		char full[128];

		if (!key_in_group(k, group) && strcmp(k->name, name) == 0) {
			cfgtable_full_name(k, full, sizeof full);
			snprintf(out, out_len, " (did you mean '%s'?)", full);
			return;
		}
	}
	for (size_t i = 0; i < cfg_keys_count; i++) {
		const struct cfg_key *k = &cfg_keys[i];
		char full[128];

		if (key_in_group(k, group) && strlen(name) > 3 && cfgmsg_distance(name, k->name) <= 2) {
			cfgtable_full_name(k, full, sizeof full);
			snprintf(out, out_len, " (did you mean '%s'?)", full);
			return;
		}
	}
}

/* ---- reloading ---- */

/* Strings compare as strings, the peer list as its entries, the rest as
 * the bytes of their C type. */
static size_t scalar_size(const struct cfg_key *k)
{
	return k->type == CFG_INT ? sizeof(int) : k->type == CFG_BOOL ? sizeof(bool) : sizeof(unsigned);
}

static bool field_equal(const struct cfg_key *k, const struct cfg *a, const struct cfg *b)
{
	const char *x = (const char *)a + k->offset, *y = (const char *)b + k->offset;
	const struct cluster_cfg *ca = (const void *)x, *cb = (const void *)y;
	const struct auth_cfg *ua = (const void *)x, *ub = (const void *)y;

	if (k->type == CFG_STRING)
		return strcmp(x, y) == 0;
	if (k->type == CFG_PEERS)
		return ca->npeers == cb->npeers &&
		       memcmp(ca->peers, cb->peers, ca->npeers * sizeof ca->peers[0]) == 0;
	if (k->type == CFG_USERS)
		return ua->nusers == ub->nusers &&
		       memcmp(ua->users, ub->users, ua->nusers * sizeof ua->users[0]) == 0;
	return memcmp(x, y, scalar_size(k)) == 0;
}

static void field_copy(const struct cfg_key *k, struct cfg *to, const struct cfg *from)
{
	char *x = cfgtable_field(to, k);
	const char *y = (const char *)from + k->offset;
	struct cluster_cfg *cx = (void *)x;
	const struct cluster_cfg *cy = (const void *)y;
	struct auth_cfg *ux = (void *)x;
	const struct auth_cfg *uy = (const void *)y;

	if (k->type == CFG_PEERS) {
		cx->npeers = cy->npeers;
		memcpy(cx->peers, cy->peers, sizeof cx->peers);
	} else if (k->type == CFG_USERS) {
		ux->nusers = uy->nusers;
		memcpy(ux->users, uy->users, sizeof ux->users);
	} else {
		memcpy(x, y, k->type == CFG_STRING ? k->size : scalar_size(k));
	}
}

int cfg_reload_merge(struct cfg *next, const struct cfg *running, cfg_report_fn report, void *ctx)
{
	int kept = 0;

	for (size_t i = 0; i < cfg_keys_count; i++) {
		const struct cfg_key *k = &cfg_keys[i];
		char key[128], msg[256];

		if (k->reload || field_equal(k, next, running))
			continue;
		field_copy(k, next, running);
		kept++;
		if (report) {
			cfgtable_full_name(k, key, sizeof key);
			snprintf(msg, sizeof msg, "%s changed, but applies only after a restart: "
				 "keeping the running value", key);
			report(ctx, msg);
		}
	}
	return kept;
}

/* Names hold no dot, groups may ("http.auth.protect"): the last dot splits. */
const char *cfg_value_name(const char *key, long long value)
{
	const char *dot = strrchr(key, '.');
	char group[64];
	const struct cfg_key *k;
	const struct cfg_choice *ch;

	if (dot && (size_t)(dot - key) >= sizeof group)
		return "?";
	if (dot)
		snprintf(group, sizeof group, "%.*s", (int)(dot - key), key);
	k = dot ? cfgtable_key(group, dot + 1) : cfgtable_key(NULL, key);
	ch = k && k->choices ? cfgtable_choice_by_value(k->choices, value) : NULL;
	return ch ? ch->name : "?";
}

/* ---- the table, described (clustercheckd.conf(5) is generated from it) ---- */

size_t cfg_key_count(void)
{
	return cfg_keys_count;
}

int cfg_key_describe(size_t i, struct cfg_key_info *out)
{
	const struct cfg_key *k;
	char choices[256];

	if (i >= cfg_keys_count)
		return -1;
	k = &cfg_keys[i];
	memset(out, 0, sizeof *out);
	cfgtable_full_name(k, out->name, sizeof out->name);
	out->help = k->help ? k->help : "";
	out->reload = k->reload;
	switch (k->type) {
	case CFG_STRING:
		out->type = "string";
		snprintf(out->def, sizeof out->def, "\"%s\"", k->def_str);
		break;
	case CFG_ENUM:
		out->type = "string";
		snprintf(out->def, sizeof out->def, "\"%s\"", k->def_str);
		cfgtable_list_choices(k->choices, true, choices, sizeof choices);
		snprintf(out->range, sizeof out->range, "%s", choices);
		break;
	case CFG_BOOL:
		out->type = "boolean";
		snprintf(out->def, sizeof out->def, "%s", k->def_int ? "true" : "false");
		break;
	case CFG_UNSIGNED:
	case CFG_INT:
		out->type = "integer";
		snprintf(out->def, sizeof out->def, "%lld", k->def_int);
		if (k->choices) {
			cfgtable_list_choices(k->choices, false, choices, sizeof choices);
			snprintf(out->range, sizeof out->range, "%s", choices);
		} else {
			snprintf(out->range, sizeof out->range, "%lld to %lld", k->min, k->max);
		}
		break;
	case CFG_PEERS:
		out->type = "list";
		snprintf(out->def, sizeof out->def, "()");
		snprintf(out->range, sizeof out->range, "groups of { name; url; priority; }");
		break;
	case CFG_USERS:
		out->type = "list";
		snprintf(out->def, sizeof out->def, "()");
		snprintf(out->range, sizeof out->range, "groups of { name; hash; } or { name; subject; }");
		break;
	}
	return 0;
}
