#include "cfgpeers.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cfgmsg.h"
#include "net.h"

bool cfgpeers_name_valid(const char *s, char *why, size_t why_len)
{
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == strlen(s))
		return true;
	snprintf(why, why_len, "is not a name: use letters, digits, '.', '_' and '-'");
	return false;
}

/* "http[s]://HOST:PORT" with an optional "/": no path, agents serve none;
 * /status is what is read. */
bool cfgpeers_url_valid(const char *s, char *why, size_t why_len)
{
	char hostport[300], host[256] = "", reason[96] = "";
	unsigned port;
	size_t len, skip = strncmp(s, "https://", 8) == 0 ? 8 : strncmp(s, "http://", 7) == 0 ? 7 : 0;

	if (!skip) {
		snprintf(why, why_len, "is not http://HOST:PORT or https://HOST:PORT (the peer agent's address)");
		return false;
	}
	len = strlen(s + skip);
	if (len && s[skip + len - 1] == '/')
		len--;
	if (len == 0 || len >= sizeof hostport) {
		snprintf(why, why_len, "is not http://HOST:PORT");
		return false;
	}
	memcpy(hostport, s + skip, len);
	hostport[len] = '\0';
	if (net_parse_listen(hostport, host, sizeof host, &port, reason, sizeof reason) != 0) {
		snprintf(why, why_len, "is not http://HOST:PORT: %s", reason);
		return false;
	}
	if (!host[0] || strcmp(host, "*") == 0) {
		snprintf(why, why_len, "is not http://HOST:PORT: no host");
		return false;
	}
	return true;
}

static bool peer_string(const struct cfgmsg_teller *t, const config_setting_t *m, const char *what,
			char *out, size_t out_len, bool (*valid)(const char *, char *, size_t))
{
	const char *v;
	char shown[80], why[160];

	if (config_setting_type(m) != CONFIG_TYPE_STRING) {
		cfgmsg_say(t, m, "cluster.peers: %s: expected a string, got %s", what,
		    cfgmsg_type_phrase(config_setting_type(m)));
		return false;
	}
	v = config_setting_get_string(m);
	if (!v[0] || strlen(v) >= out_len) {
		cfgmsg_say(t, m, "cluster.peers: %s: %s", what, v[0] ? "too long" : "empty");
		return false;
	}
	if (!valid(v, why, sizeof why)) {
		cfgmsg_say(t, m, "cluster.peers: %s \"%s\" %s", what, cfgmsg_printable(v, shown, sizeof shown), why);
		return false;
	}
	snprintf(out, out_len, "%s", v);
	return true;
}

static bool peer_priority(const struct cfgmsg_teller *t, const config_setting_t *m, unsigned *out)
{
	long long v;

	if (config_setting_type(m) == CONFIG_TYPE_INT64)
		v = config_setting_get_int64(m);
	else if (config_setting_type(m) == CONFIG_TYPE_INT)
		v = config_setting_get_int(m);
	else {
		cfgmsg_say(t, m, "cluster.peers: priority: expected an integer, got %s",
		    cfgmsg_type_phrase(config_setting_type(m)));
		return false;
	}
	if (v < 0 || v > 1000000) {
		cfgmsg_say(t, m, "cluster.peers: priority: %lld is out of range (0..1000000)", v);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

/* One entry: exactly name, url and priority, each checked. */
static bool peer_entry(const struct cfgmsg_teller *t, const config_setting_t *e, struct cluster_peer_cfg *p)
{
	bool ok = true, have_name = false, have_url = false, have_priority = false;

	memset(p, 0, sizeof *p);
	if (!config_setting_is_group(e)) {
		cfgmsg_say(t, e, "cluster.peers: expected a group { name = ...; url = ...; priority = N; }, got %s",
		    cfgmsg_type_phrase(config_setting_type(e)));
		return false;
	}
	for (int j = 0; j < config_setting_length(e); j++) {
		const config_setting_t *m = config_setting_get_elem(e, (unsigned)j);
		const char *name = config_setting_name(m);

		if (strcmp(name, "name") == 0)
			ok &= have_name = peer_string(t, m, "name", p->name, sizeof p->name,
						      cfgpeers_name_valid);
		else if (strcmp(name, "url") == 0)
			ok &= have_url = peer_string(t, m, "url", p->url, sizeof p->url, cfgpeers_url_valid);
		else if (strcmp(name, "priority") == 0)
			ok &= have_priority = peer_priority(t, m, &p->priority);
		else {
			cfgmsg_say(t, m, "cluster.peers: unknown setting '%s' (a peer has name, url and priority)", name);
			ok = false;
		}
	}
	if (ok && (!have_name || !have_url || !have_priority)) {
		cfgmsg_say(t, e, "cluster.peers: a peer needs name, url and priority (missing %s)",
		    !have_name ? "name" : !have_url ? "url" : "priority");
		ok = false;
	}
	return ok;
}

/* Whether p repeats an earlier peer's name or url (said if so). */
static bool duplicate(const struct cfgmsg_teller *t, const struct cluster_cfg *cc,
		      const config_setting_t *const *where, const config_setting_t *e,
		      const struct cluster_peer_cfg *p, const char *key)
{
	for (unsigned j = 0; j < cc->npeers; j++) {
		const char *what = strcmp(cc->peers[j].name, p->name) == 0 ? "name"
				 : strcmp(cc->peers[j].url, p->url) == 0 ? "url" : NULL;

		if (what) {
			cfgmsg_say(t, e, "%s: duplicate peer %s \"%s\" (first at line %u)", key, what,
			    strcmp(what, "name") == 0 ? p->name : p->url, config_setting_source_line(where[j]));
			return true;
		}
	}
	return false;
}

bool cfgpeers_parse(const config_setting_t *list, const char *key, struct cluster_cfg *cc,
		    cfgpeers_complain_fn complain, void *ctx)
{
	const struct cfgmsg_teller t = {complain, ctx};
	const config_setting_t *where[CLUSTER_PEERS_MAX];
	int n = config_setting_length(list);
	bool ok = true;

	cc->npeers = 0;
	if (n > CLUSTER_PEERS_MAX) {
		cfgmsg_say(&t, list, "%s: %d peers, at most %d", key, n, CLUSTER_PEERS_MAX);
		return false;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		struct cluster_peer_cfg p;

		if (!peer_entry(&t, e, &p) || duplicate(&t, cc, where, e, &p, key)) {
			ok = false;
			continue;
		}
		where[cc->npeers] = e;
		cc->peers[cc->npeers++] = p;
	}
	if (!ok)
		cc->npeers = 0;
	return ok;
}

void cfgpeers_check(const struct cluster_cfg *cc, unsigned stale,
		    const struct cfgpeers_where *w, cfgpeers_complain_fn complain, void *ctx)
{
	const struct cfgmsg_teller t = {complain, ctx};
	bool found = false;

	if (cc->npeers == 0)
		return;
	for (unsigned i = 0; i < cc->npeers; i++)
		found |= strcmp(cc->peers[i].name, cc->name) == 0;
	if (!found) {
		char names[CLUSTER_PEERS_MAX * (CLUSTER_NAME_MAX + 2)] = "";
		size_t used = 0;

		for (unsigned i = 0; i < cc->npeers; i++)
			used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
						 cc->peers[i].name);
		if (cc->name[0])
			cfgmsg_say(&t, w->name, "cluster.name \"%s\" is not one of cluster.peers (%s)", cc->name, names);
		else
			cfgmsg_say(&t, w->peers, "cluster.name is not set: which of cluster.peers (%s) is this node?", names);
	}
	/* writer.c: a lower-ranked writer yields stale_after + timeout before
	 * the returning node counts, and must have seen it eligible by then. */
	if ((unsigned long long)cc->failback_delay_ms < 2ULL * stale + cc->timeout_ms)
		cfgmsg_say(&t, w->failback_delay ? w->failback_delay : w->peers,
		    "cluster.failback_delay_ms (%u) must be at least 2 x poll.stale_after_ms + cluster.timeout_ms (%llu): every agent must see a returning node before it ranks",
		    cc->failback_delay_ms, 2ULL * stale + cc->timeout_ms);
	if (cc->timeout_ms >= stale)
		cfgmsg_say(&t, w->timeout ? w->timeout : w->peers,
		    "cluster.timeout_ms (%u) must be less than poll.stale_after_ms (%u)", cc->timeout_ms, stale);
}

void cfgpeers_check_client(const struct cluster_client_cfg *cc, const config_setting_t *user,
			   const config_setting_t *file, cfgpeers_complain_fn complain, void *ctx)
{
	const struct cfgmsg_teller t = {complain, ctx};
	struct stat st;

	if (cc->user[0] && !cc->password_file[0])
		cfgmsg_say(&t, user, "cluster.user is set but cluster.password_file is not");
	if (!cc->password_file[0])
		return;
	if (!cc->user[0])
		cfgmsg_say(&t, file, "cluster.password_file is set but cluster.user is not");
	if (stat(cc->password_file, &st) != 0)
		cfgmsg_say(&t, file, "cluster.password_file: cannot read %s: %s", cc->password_file,
			   strerror(errno));
	else if (!S_ISREG(st.st_mode))
		cfgmsg_say(&t, file, "cluster.password_file: %s is not a regular file", cc->password_file);
	else if (st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH))
		cfgmsg_say(&t, file, "cluster.password_file: %s is %s by group/other (mode %04o); chmod 600 it",
			   cc->password_file, (st.st_mode & (S_IRGRP | S_IROTH)) ? "readable" : "writable",
			   (unsigned)(st.st_mode & 07777));
}
