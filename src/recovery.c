#include "recovery.h"

#include "grastate.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZERO_UUID "00000000-0000-0000-0000-000000000000"

static int cmp_member(const void *a, const void *b)
{
	return strcmp(a, b);
}

int recovery_parse_gvwstate(const char *buf, size_t len, struct gvwstate *out)
{
	const char *p = buf, *end = buf + len;

	memset(out, 0, sizeof *out);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((eol ? eol : end) - p);
		char line[160];

		if (n < sizeof line) {
			char a[64], b[64];
			long long seq;

			memcpy(line, p, n);
			line[n] = '\0';
			if (sscanf(line, "my_uuid: %63s", a) == 1 && grastate_uuid_valid(a, strlen(a)))
				snprintf(out->my_uuid, sizeof out->my_uuid, "%.36s", a);
			else if (sscanf(line, "view_id: %*d %63s %lld", a, &seq) == 2 && grastate_uuid_valid(a, strlen(a)))
				snprintf(out->view, sizeof out->view, "%.36s:%lld", a, seq);
			else if (sscanf(line, "member: %63s %63s", a, b) >= 1 && grastate_uuid_valid(a, strlen(a)) &&
				 out->nmembers < RECOVERY_MEMBERS_MAX)
				snprintf(out->members[out->nmembers++], sizeof out->members[0], "%.36s", a);
		}
		p = eol ? eol + 1 : end;
	}
	qsort(out->members, out->nmembers, sizeof out->members[0], cmp_member);
	out->present = out->view[0] && out->nmembers > 0;
	return out->present ? 0 : -1;
}

int recovery_parse_log(const char *log, size_t len, struct recovered_position *out,
		       char *why, size_t why_len)
{
	static const char marker[] = "WSREP: Recovered position: ";
	const char *last = NULL, *end = log + len;

	memset(out, 0, sizeof *out);
	for (const char *p = log; p < end;) {
		const char *hit = memmem(p, (size_t)(end - p), marker, sizeof marker - 1);

		if (!hit)
			break;
		last = hit + sizeof marker - 1;
		p = last;
	}
	if (!last) {
		if (memmem(log, len, "skipping position recovery", 26))
			snprintf(why, why_len, "mariadbd skipped position recovery: wsrep is off in its configuration");
		else
			snprintf(why, why_len, "no \"Recovered position\" line in mariadbd's log");
		return -1;
	}
	size_t n = 0;
	while (last + n < end && !strchr(" \t\r\n", last[n]) && last[n])
		n++;
	const char *colon = memchr(last, ':', n);
	if (!colon || !grastate_uuid_valid(last, (size_t)(colon - last))) {
		snprintf(why, why_len, "cannot read the recovered position \"%.*s\"", (int)(n < 80 ? n : 80), last);
		return -1;
	}
	memcpy(out->uuid, last, GRASTATE_UUID_LEN);
	out->uuid[GRASTATE_UUID_LEN] = '\0';
	/* After the colon: "seqno", "seqno,gtid" or "gtid,seqno". A GTID is
	 * domain-server-seqno, so the part without '-' inside is the seqno. */
	const char *rest = colon + 1, *stop = last + n;
	bool found = false;
	while (rest < stop && !found) {
		const char *comma = memchr(rest, ',', (size_t)(stop - rest));
		size_t part = (size_t)((comma ? comma : stop) - rest);

		if (part && !memchr(rest + 1, '-', part - 1))
			found = grastate_seqno_valid(rest, part, &out->seqno);
		rest = comma ? comma + 1 : stop;
	}
	if (!found) {
		snprintf(why, why_len, "cannot read the seqno in \"%.*s\"", (int)(n < 80 ? n : 80), last);
		return -1;
	}
	return 0;
}

long long recovery_seqno(const struct recovery_node *n, const char **uuid)
{
	const struct grastate *g = &n->grastate;

	if (g->seqno_ok && g->seqno >= 0 && g->uuid_ok) {
		*uuid = g->uuid;
		return g->seqno;
	}
	if (n->recovered && n->position.seqno >= 0) {
		*uuid = n->position.uuid;
		return n->position.seqno;
	}
	*uuid = g->uuid_ok ? g->uuid : n->recovered ? n->position.uuid : "";
	return -1;
}

const char *recovery_action_name(enum recovery_action a)
{
	switch (a) {
	case RA_RUNNING:
		return "RUNNING";
	case RA_WAIT:
		return "WAIT";
	case RA_RECOVER:
		return "RECOVER";
	case RA_START_ALL:
		return "START-ALL";
	case RA_BOOTSTRAP:
		return "BOOTSTRAP";
	case RA_CONFLICT:
		return "CONFLICT";
	}
	return "?";
}

static void add(struct recovery_advice *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct recovery_advice *a, const char *fmt, ...)
{
	size_t used = strlen(a->detail);
	va_list ap;

	if (used >= sizeof a->detail - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(a->detail + used, sizeof a->detail - used, fmt, ap);
	va_end(ap);
}

static void names(const struct recovery_node *nodes, unsigned count, bool (*pick)(const struct recovery_node *),
		  char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < count && used < len; i++)
		if (pick(&nodes[i]))
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? " " : "", nodes[i].name);
}

static bool not_answered(const struct recovery_node *n) { return !n->answered; }
static bool running_not_primary(const struct recovery_node *n) { return n->answered && n->mysqld_running && !n->primary; }
static bool seqno_unknown(const struct recovery_node *n)
{
	const char *u;

	return n->answered && recovery_seqno(n, &u) < 0;
}

static struct recovery_advice verdict(enum recovery_action act, int node, const char *first)
{
	struct recovery_advice a;

	memset(&a, 0, sizeof a);
	a.action = act;
	a.node = node;
	a.exit_code = act == RA_RUNNING || act == RA_START_ALL || act == RA_BOOTSTRAP ? 0
		    : act == RA_CONFLICT ? 2 : 1;
	snprintf(a.first, sizeof a.first, "%s%s%s", recovery_action_name(act), first[0] ? " " : "", first);
	return a;
}

/* Every node holds the same non-empty saved view whose members are exactly
 * the nodes' own identities: pc.recovery re-forms it by itself. */
static bool same_saved_view(const struct recovery_node *nodes, unsigned count)
{
	const struct gvwstate *g0 = &nodes[0].gvw;

	if (count == 0 || !g0->present || g0->nmembers != count)
		return false;
	for (unsigned i = 0; i < count; i++) {
		const struct gvwstate *g = &nodes[i].gvw;
		bool mine = false;

		if (!nodes[i].answered || !g->present || strcmp(g->view, g0->view) != 0 ||
		    g->nmembers != g0->nmembers)
			return false;
		for (unsigned m = 0; m < g->nmembers; m++) {
			if (strcmp(g->members[m], g0->members[m]) != 0)
				return false;
			mine |= strcmp(g->members[m], g->my_uuid) == 0;
		}
		if (!mine)
			return false;
	}
	return true;
}

static void evidence(struct recovery_advice *a, const struct recovery_node *nodes, unsigned count)
{
	add(a, "evidence:\n");
	for (unsigned i = 0; i < count; i++) {
		const struct recovery_node *n = &nodes[i];
		const struct grastate *g = &n->grastate;
		const char *uuid;
		long long seq = recovery_seqno(n, &uuid);

		if (!n->answered) {
			add(a, "  %s: no answer (%s)\n", n->name, n->error[0] ? n->error : "unknown");
			continue;
		}
		add(a, "  %s (priority %u): mysqld %s; grastate uuid %s seqno %s%lld safe_to_bootstrap %s;",
		    n->name, n->priority, n->mysqld_running ? (n->primary ? "running, Primary" : "running, not Primary") : "stopped",
		    g->uuid_ok ? g->uuid : "?", g->seqno_ok ? "" : "?", g->seqno_ok ? g->seqno : -1,
		    g->safe_to_bootstrap_ok ? (g->safe_to_bootstrap ? "1" : "0") : "?");
		if (n->recovered)
			add(a, " recovered %s:%lld;", n->position.uuid, n->position.seqno);
		add(a, " gvwstate %s; position used: %s:%lld\n", n->gvw.present ? n->gvw.view : "absent",
		    uuid[0] ? uuid : "?", seq);
	}
}

/* Bootstrap order among candidates: seqno, then safe_to_bootstrap, then
 * priority (lower), then name. */
static int better(const struct recovery_node *a, long long sa, const struct recovery_node *b, long long sb)
{
	bool ta = a->grastate.safe_to_bootstrap_ok && a->grastate.safe_to_bootstrap;
	bool tb = b->grastate.safe_to_bootstrap_ok && b->grastate.safe_to_bootstrap;

	if (sa != sb)
		return sa > sb;
	if (ta != tb)
		return ta;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return strcmp(a->name, b->name) < 0;
}

/* The situations in which no node is to be bootstrapped (yet): true with
 * the advice in *a. */
static bool no_bootstrap(struct recovery_advice *a, const struct recovery_node *nodes,
			 unsigned count, unsigned missing, unsigned allow_missing)
{
	char list[CLUSTER_PEERS_MAX * (CLUSTER_NAME_MAX + 1)];

	for (unsigned i = 0; i < count; i++)
		if (nodes[i].answered && nodes[i].primary) {
			*a = verdict(RA_RUNNING, (int)i, nodes[i].name);
			add(a, "%s is in a Primary Component: never bootstrap. Start the other nodes normally "
				"(systemctl start mariadb); they join it.\n", nodes[i].name);
			return true;
		}
	if (missing > allow_missing) {
		names(nodes, count, not_answered, list, sizeof list);
		*a = verdict(RA_WAIT, -1, list);
		add(a, "no answer from %s: no advice without every node (--allow-missing N to decide without them).\n", list);
		return true;
	}
	if (missing == 0 && same_saved_view(nodes, count)) {
		*a = verdict(RA_START_ALL, -1, "");
		add(a, "every node holds the same saved Primary view (gvwstate.dat %s, %u members): start them all "
			"normally (systemctl start mariadb on each); Galera's pc.recovery re-forms the Primary "
			"Component once all of them are up. Do not bootstrap.\n", nodes[0].gvw.view, count);
		return true;
	}
	names(nodes, count, running_not_primary, list, sizeof list);
	if (list[0]) {
		*a = verdict(RA_CONFLICT, -1, "");
		add(a, "mysqld runs on %s but not in a Primary Component: stop it there first (this advice is for a "
			"cluster where mysqld is stopped everywhere).\n", list);
		return true;
	}
	names(nodes, count, seqno_unknown, list, sizeof list);
	if (list[0]) {
		*a = verdict(RA_RECOVER, -1, list);
		add(a, "seqno -1 (not saved: a crash) on %s: run `clustercheckd recover` there (mysqld stopped), "
			"then ask again.\n", list);
		return true;
	}
	return false;
}

/* Only nodes of the one non-zero cluster uuid may win: that uuid, or NULL
 * with the advice in *a. */
static const char *one_cluster_uuid(struct recovery_advice *a, const struct recovery_node *nodes,
				    unsigned count)
{
	const char *uuid = NULL;

	for (unsigned i = 0; i < count; i++) {
		const char *u;

		if (!nodes[i].answered)
			continue;
		recovery_seqno(&nodes[i], &u);
		if (!u[0] || strcmp(u, ZERO_UUID) == 0)
			continue;
		if (uuid && strcmp(uuid, u) != 0) {
			*a = verdict(RA_CONFLICT, -1, "");
			add(a, "two different cluster uuids (%s, %s): these datadirs do not hold the same cluster's "
				"history; a human must decide which one is right.\n", uuid, u);
			return NULL;
		}
		uuid = u;
	}
	if (!uuid) {
		*a = verdict(RA_CONFLICT, -1, "");
		add(a, "no node holds any cluster state (every uuid is zero or unknown): nothing to bootstrap from.\n");
	}
	return uuid;
}

static void bootstrap_advice(struct recovery_advice *a, const struct recovery_node *nodes,
			     unsigned count, const char *uuid, unsigned missing)
{
	int best = -1;
	long long best_seq = -1;

	for (unsigned i = 0; i < count; i++) {
		const char *u;
		long long s;

		if (!nodes[i].answered)
			continue;
		s = recovery_seqno(&nodes[i], &u);
		if (strcmp(u, uuid) != 0)
			continue;
		if (best < 0 || better(&nodes[i], s, &nodes[best], best_seq)) {
			best = (int)i;
			best_seq = s;
		}
	}
	*a = verdict(RA_BOOTSTRAP, best, nodes[best].name);
	if (missing)
		add(a, "WARNING: decided without %u node(s) (--allow-missing): one of them may hold a later seqno.\n",
		    missing);
	add(a, "%s has the highest seqno (%lld) of cluster %s", nodes[best].name, best_seq, uuid);
	for (unsigned i = 0; i < count; i++) {
		const char *u;

		if ((int)i != best && nodes[i].answered && recovery_seqno(&nodes[i], &u) == best_seq &&
		    strcmp(u, uuid) == 0)
			add(a, "; tie with %s broken by safe_to_bootstrap, then priority, then name", nodes[i].name);
	}
	add(a, ".\ncommands:\n");
	if (!(nodes[best].grastate.safe_to_bootstrap_ok && nodes[best].grastate.safe_to_bootstrap))
		add(a, "  on %s: sed -i 's/^safe_to_bootstrap: 0$/safe_to_bootstrap: 1/' <datadir>/grastate.dat\n",
		    nodes[best].name);
	add(a, "  on %s: galera_new_cluster   (or: mariadbd --wsrep-new-cluster)\n", nodes[best].name);
	add(a, "  then on each other node, one at a time: systemctl start mariadb\n");
}

struct recovery_advice recovery_decide(const struct recovery_node *nodes, unsigned count,
				       unsigned allow_missing)
{
	struct recovery_advice a;
	unsigned missing = 0;
	const char *uuid;

	for (unsigned i = 0; i < count; i++)
		missing += !nodes[i].answered;
	if (!no_bootstrap(&a, nodes, count, missing, allow_missing) &&
	    (uuid = one_cluster_uuid(&a, nodes, count)) != NULL)
		bootstrap_advice(&a, nodes, count, uuid, missing);
	evidence(&a, nodes, count);
	return a;
}
