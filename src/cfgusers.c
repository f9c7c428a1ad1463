#include "cfgusers.h"

#include <stdio.h>
#include <string.h>

static bool user_string(const struct cfgmsg_teller *t, const config_setting_t *m, const char *what,
			char *out, size_t out_len)
{
	const char *v;

	if (config_setting_type(m) != CONFIG_TYPE_STRING) {
		cfgmsg_say(t, m, "http.auth.users: %s: expected a string, got %s", what,
			   cfgmsg_type_phrase(config_setting_type(m)));
		return false;
	}
	v = config_setting_get_string(m);
	if (!v[0] || strlen(v) >= out_len) {
		cfgmsg_say(t, m, "http.auth.users: %s: %s", what, v[0] ? "too long" : "empty");
		return false;
	}
	snprintf(out, out_len, "%s", v);
	return true;
}

static bool user_member(const struct cfgmsg_teller *t, const config_setting_t *m, struct auth_user *u)
{
	const char *name = config_setting_name(m);
	char why[160];
	bool ok;

	if (strcmp(name, "name") == 0) {
		if (!user_string(t, m, "name", u->name, sizeof u->name))
			return false;
		if (strchr(u->name, ':')) {
			cfgmsg_say(t, m, "http.auth.users: name: a user name cannot hold ':' (basic auth splits there)");
			return false;
		}
		return true;
	}
	if (strcmp(name, "hash") == 0) {
		if (!user_string(t, m, "hash", u->hash, sizeof u->hash))
			return false;
		ok = auth_hash_valid(u->hash, why, sizeof why);
		if (!ok)
			cfgmsg_say(t, m, "http.auth.users: hash %s", why);
		explicit_bzero(why, sizeof why);
		return ok;
	}
	if (strcmp(name, "subject") == 0)
		return user_string(t, m, "subject", u->subject, sizeof u->subject);
	cfgmsg_say(t, m, "http.auth.users: unknown setting '%s' (a user has name, and hash or subject)", name);
	return false;
}

/* One entry: a name and exactly one of hash and subject. */
static bool user_entry(const struct cfgmsg_teller *t, const config_setting_t *e, struct auth_user *u)
{
	const config_setting_t *hash;
	bool ok = true;

	memset(u, 0, sizeof *u);
	if (!config_setting_is_group(e)) {
		cfgmsg_say(t, e, "http.auth.users: expected a group { name = ...; hash = ...; }, got %s",
			   cfgmsg_type_phrase(config_setting_type(e)));
		return false;
	}
	hash = config_setting_get_member(e, "hash");
	for (int j = 0; j < config_setting_length(e); j++)
		ok &= user_member(t, config_setting_get_elem(e, (unsigned)j), u);
	if (ok && !u->name[0]) {
		cfgmsg_say(t, e, "http.auth.users: a user needs a name");
		ok = false;
	} else if (ok && !u->hash[0] == !u->subject[0]) {
		cfgmsg_say(t, hash ? hash : e, "http.auth.users: user \"%s\" needs exactly one of hash and subject",
			   u->name);
		ok = false;
	}
	return ok;
}

bool cfgusers_parse(const config_setting_t *list, const char *key, struct auth_cfg *ac,
		    cfgmsg_complain_fn complain, void *ctx)
{
	const struct cfgmsg_teller t = {complain, ctx};
	int n = config_setting_length(list);
	bool ok = true;

	ac->nusers = 0;
	if (n > AUTH_USERS_MAX) {
		cfgmsg_say(&t, list, "%s: %d users, at most %d", key, n, AUTH_USERS_MAX);
		return false;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		struct auth_user u;
		bool dup = false;

		if (!user_entry(&t, e, &u)) {
			ok = false;
			continue;
		}
		for (unsigned j = 0; j < ac->nusers && !dup; j++)
			dup = strcmp(ac->users[j].name, u.name) == 0;
		if (dup) {
			cfgmsg_say(&t, e, "%s: duplicate user \"%s\"", key, u.name);
			ok = false;
			continue;
		}
		ac->users[ac->nusers++] = u;
	}
	if (!ok) {
		explicit_bzero(ac->users, sizeof ac->users);
		ac->nusers = 0;
	}
	return ok;
}

void cfgusers_check_subjects(const struct auth_cfg *ac, bool client_ca_set, const config_setting_t *users,
			     cfgmsg_complain_fn complain, void *ctx)
{
	const struct cfgmsg_teller t = {complain, ctx};

	if (client_ca_set)
		return;
	for (unsigned i = 0; i < ac->nusers; i++)
		if (ac->users[i].subject[0]) {
			cfgmsg_say(&t, users, "http.auth.users: user \"%s\" has a subject, but http.tls.client_ca is not set: no client certificate is asked for",
				   ac->users[i].name);
			return;
		}
}
