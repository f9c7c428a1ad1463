/* Configuration: every key lives in one table (type, bounds, default,
 * whether SIGHUP applies it), so defaults, validation, reload, the manual
 * page and the error messages cannot drift apart. libconfig does the
 * parsing; everything it does not check (unknown keys, ranges, 32-bit
 * overflow, enum names) is checked here, and every problem is reported
 * rather than only the first, so one edit fixes a whole file. What
 * libconfig 1.5 gets wrong is read again from the text by cfgtext.c; the
 * cluster.peers list is parsed by cfgpeers.c, http.auth.users by
 * cfgusers.c. What works on the rows without a file (reload merge, value
 * names, the manual page's description, "did you mean") is cfgtable.c:
 * this file is the rows, the walk and the messages. */
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cfg.h"
#include "cfgmsg.h"
#include "cfgpeers.h"
#include "cfgtable.h"
#include "cfgtext.h"
#include "cfgusers.h"
#include "net.h"

/* The _Generic selections make a row that points at a field of the wrong
 * C type a compile error instead of a silent overwrite of its neighbour. */
#define CFG_FIELD_OF(f) (((struct cfg *)0)->f)
#define AT_STRING(f) _Generic(&CFG_FIELD_OF(f)[0], char *: offsetof(struct cfg, f)), \
	.size = sizeof CFG_FIELD_OF(f)
#define AT_UNSIGNED(f) _Generic(CFG_FIELD_OF(f), unsigned: offsetof(struct cfg, f))
#define AT_INT(f) _Generic(CFG_FIELD_OF(f), int: offsetof(struct cfg, f))
#define AT_BOOL(f) _Generic(CFG_FIELD_OF(f), bool: offsetof(struct cfg, f))
/* GCC gives enums without negative members the type unsigned int. */
#define AT_ENUM(f) _Generic(CFG_FIELD_OF(f), unsigned: offsetof(struct cfg, f))
#define AT_PEERS(f) _Generic(CFG_FIELD_OF(f), struct cluster_cfg: offsetof(struct cfg, f))
#define AT_USERS(f) _Generic(CFG_FIELD_OF(f), struct auth_cfg: offsetof(struct cfg, f))

static const struct cfg_choice log_choices[] = {
	{"stderr", LOG_TO_STDERR},
	{"syslog", LOG_TO_SYSLOG},
	{NULL, 0},
};

static const struct cfg_choice bodies_choices[] = {
	{"clustercheckd", BODIES_CLUSTERCHECKD},
	{"clustercheck", BODIES_CLUSTERCHECK},
	{NULL, 0},
};

/* The only spelling of the donor policies: /status shows them through
 * cfg_value_name(). */
static const struct cfg_choice donor_choices[] = {
	{"never", DONOR_NEVER},
	{"always", DONOR_ALWAYS},
	{"non-blocking", DONOR_NON_BLOCKING},
	{"last-node", DONOR_LAST_NODE},
	{"drain", DONOR_DRAIN},
	{NULL, 0},
};

static const struct cfg_choice drain_code_choices[] = {
	{"404", 404},
	{"503", 503},
	{NULL, 0},
};

static const struct cfg_choice protect_choices[] = {
	{"info", AUTH_PROTECT_INFO},
	{"all", AUTH_PROTECT_ALL},
	{"none", AUTH_PROTECT_NONE},
	{NULL, 0},
};

static const struct cfg_choice ctl_mode_choices[] = {
	{"0600", 0600},
	{"0660", 0660},
	{NULL, 0},
};

static bool listen_valid(const char *s, char *why, size_t why_len);
static bool listen_or_empty_valid(const char *s, char *why, size_t why_len);
static bool absolute_or_empty_valid(const char *s, char *why, size_t why_len);

const struct cfg_key cfg_keys[] = {
	{NULL, "listen", CFG_STRING, .def_str = "0.0.0.0:9200", .valid = listen_valid,
	 .offset = AT_STRING(listen), .help = "HTTP address, ADDR:PORT or [IPv6]:PORT"},
	{NULL, "log", CFG_ENUM, .def_str = "stderr", .choices = log_choices,
	 .offset = AT_ENUM(log), .help = "where log lines go"},
	{NULL, "debug", CFG_BOOL, .def_int = false,
	 .reload = true, .offset = AT_BOOL(debug), .help = "log debug-level lines too, as --debug does"},

	{"http", "timeout", CFG_UNSIGNED, 1, 300, 5,
	 .offset = AT_UNSIGNED(http_timeout_s), .help = "seconds a client may take to send its whole request head (a total, not an idle time)"},
	{"http", "max_connections", CFG_UNSIGNED, 1, 100000, 16384,
	 .offset = AT_UNSIGNED(http_max_connections), .help = "connections waiting for their request; when full, the oldest of the address holding the most is closed"},
	{"http", "max_connections_per_ip", CFG_UNSIGNED, 0, 100000, 128,
	 .offset = AT_UNSIGNED(http_max_connections_per_ip), .help = "of them from one address, 0 = unlimited; beyond it that address's oldest is closed"},
	{"http", "bodies", CFG_ENUM, .def_str = "clustercheckd", .choices = bodies_choices,
	 .offset = AT_ENUM(bodies), .help = "response texts: ours, or clustercheck's exact ones"},
	{"http.tls", "cert", CFG_STRING, .def_str = "", .valid = absolute_or_empty_valid,
	 .reload = true, .offset = AT_STRING(tls.cert), .help = "PEM certificate (chain, leaf first) served on the HTTP port; \"\" = plain HTTP; re-read on SIGHUP"},
	{"http.tls", "key", CFG_STRING, .def_str = "", .valid = absolute_or_empty_valid,
	 .reload = true, .offset = AT_STRING(tls.key), .help = "PEM private key of http.tls.cert, unencrypted, not readable by others; re-read on SIGHUP"},
	{"http.tls", "client_ca", CFG_STRING, .def_str = "", .valid = absolute_or_empty_valid,
	 .reload = true, .offset = AT_STRING(tls.client_ca), .help = "PEM CA(s): clients are asked for a certificate, and one it signed names its subject; \"\" = none asked"},

	{"http.auth", "users", CFG_USERS,
	 .offset = AT_USERS(auth), .help = "who may read what http.auth.protect covers: ( { name; hash = \"$2y$...\"; } or { name; subject = \"CN=...\"; }, ... ); a bcrypt or yescrypt hash, never a password; a subject matches a client certificate verified against http.tls.client_ca; empty = no authentication"},
	{"http.auth", "protect", CFG_ENUM, .def_str = "info", .choices = protect_choices,
	 .offset = AT_ENUM(auth.protect), .help = "what needs a credential when users are set: \"info\" (/status, /metrics, /cluster, ?verbose and JSON answers; the probes' status and one-line reason stay open), \"all\", or \"none\""},

	{"mysql", "socket", CFG_STRING, .def_str = "/run/mysqld/mysqld.sock",
	 .reload = true, .offset = AT_STRING(mysql.socket), .help = "unix socket, used when host is empty"},
	{"mysql", "host", CFG_STRING, .def_str = "",
	 .reload = true, .offset = AT_STRING(mysql.host), .help = "TCP host; empty = use the socket"},
	{"mysql", "port", CFG_UNSIGNED, 1, 65535, 3306,
	 .reload = true, .offset = AT_UNSIGNED(mysql.port), .help = "TCP port when host is set"},
	{"mysql", "user", CFG_STRING, .def_str = "clustercheck",
	 .reload = true, .offset = AT_STRING(mysql.user), .help = "account; empty = from the defaults file"},
	{"mysql", "password", CFG_STRING, .def_str = "",
	 .reload = true, .offset = AT_STRING(mysql.password), .help = "password; empty = from the defaults file"},
	{"mysql", "defaults_file", CFG_STRING, .def_str = "",
	 .reload = true, .offset = AT_STRING(mysql.defaults_file), .help = "my.cnf-style file read by the client library"},
	{"mysql", "defaults_group", CFG_STRING, .def_str = "",
	 .reload = true, .offset = AT_STRING(mysql.defaults_group), .help = "extra [group] read from option files"},
	{"mysql", "connect_timeout", CFG_UNSIGNED, 1, 60, 1,
	 .reload = true, .offset = AT_UNSIGNED(mysql.connect_timeout_s), .help = "seconds for connect and handshake"},
	{"mysql", "read_timeout", CFG_UNSIGNED, 1, 60, 1,
	 .reload = true, .offset = AT_UNSIGNED(mysql.read_timeout_s), .help = "seconds per network read"},
	{"mysql", "write_timeout", CFG_UNSIGNED, 1, 60, 1,
	 .reload = true, .offset = AT_UNSIGNED(mysql.write_timeout_s), .help = "seconds per network write"},

	{"mysql", "datadir", CFG_STRING, .def_str = "/var/lib/mysql",
	 .reload = true, .offset = AT_STRING(mysql.datadir), .help = "datadir, read for grastate.dat and the SST marker; \"\" = none"},

	{"poll", "interval_ms", CFG_UNSIGNED, 50, 60000, 500,
	 .reload = true, .offset = AT_UNSIGNED(poll_interval_ms), .help = "time between two polls of mysqld"},
	{"poll", "stale_after_ms", CFG_UNSIGNED, 100, 600000, 3000,
	 .reload = true, .offset = AT_UNSIGNED(policy.stale_after_ms), .help = "older snapshots answer 503"},

	{"policy", "donor", CFG_ENUM, .def_str = "never", .choices = donor_choices,
	 .reload = true, .offset = AT_ENUM(policy.donor), .help = "when a Donor/Desynced node is ready"},
	{"policy", "read_only_ok", CFG_BOOL, .def_int = true,
	 .reload = true, .offset = AT_BOOL(policy.read_only_ok), .help = "a read_only=ON node may be ready"},
	{"policy", "min_cluster_size", CFG_UNSIGNED, 1, 1000, 1,
	 .reload = true, .offset = AT_UNSIGNED(policy.min_cluster_size), .help = "smallest Primary component that is ready"},
	{"policy", "max_recv_queue", CFG_UNSIGNED, 0, 10000000, 0,
	 .reload = true, .offset = AT_UNSIGNED(policy.max_recv_queue), .help = "longest receive queue that is ready, 0 = off"},
	{"policy", "drain_code", CFG_INT, 404, 503, 404, .choices = drain_code_choices,
	 .reload = true, .offset = AT_INT(policy.drain_code), .help = "HTTP code while draining"},

	{"live", "grace_ms", CFG_UNSIGNED, 1000, 86400000, 30000,
	 .reload = true, .offset = AT_UNSIGNED(live.grace_ms), .help = "how long mysqld may not answer before /live fails"},
	{"drain", "seconds", CFG_UNSIGNED, 0, 3600, 10,
	 .reload = true, .offset = AT_UNSIGNED(drain_seconds), .help = "seconds answering \"draining\" after SIGTERM"},
	{"drain", "maint_file", CFG_STRING, .def_str = "/var/tmp/clustercheck.disabled",
	 .valid = absolute_or_empty_valid,
	 .offset = AT_STRING(maint_file), .help = "while this file exists: maintenance"},
	{"ctl", "socket", CFG_STRING, .def_str = "/run/clustercheckd/ctl.sock",
	 .valid = absolute_or_empty_valid,
	 .offset = AT_STRING(ctl_socket), .help = "unix socket of `clustercheckd ctl` and `notify`"},
	{"ctl", "mode", CFG_ENUM, .def_str = "0660", .choices = ctl_mode_choices,
	 .offset = AT_ENUM(ctl_mode), .help = "file mode of the ctl socket"},
	{"ctl", "group", CFG_STRING, .def_str = "",
	 .offset = AT_STRING(ctl_group), .help = "group owning the ctl socket; empty = the agent's"},
	{"agent", "listen", CFG_STRING, .def_str = "", .valid = listen_or_empty_valid,
	 .offset = AT_STRING(agent_listen), .help = "HAProxy agent-check address; empty = off"},
	{"agent", "queue_step", CFG_UNSIGNED, 0, 100, 0,
	 .offset = AT_UNSIGNED(agent_queue_step), .help = "weight % off per queued write-set, 0 = off"},
	{"agent", "min_weight", CFG_UNSIGNED, 1, 100, 10,
	 .offset = AT_UNSIGNED(agent_min_weight), .help = "lowest weight % the queue can bring"},

	{"cluster", "name", CFG_STRING, .def_str = "", .valid = cfgpeers_name_valid,
	 .offset = AT_STRING(cluster.name), .help = "this node's name among cluster.peers"},
	{"cluster", "peers", CFG_PEERS,
	 .offset = AT_PEERS(cluster), .help = "every agent of the cluster, this one too: ( { name; url; priority; }, ... ); empty = off"},
	{"cluster", "handover_ms", CFG_UNSIGNED, 0, 600000, 8000,
	 .offset = AT_UNSIGNED(cluster.handover_ms), .help = "a new writer waits until the old one has been not-writer this long (fall x inter + timeout check)"},
	{"cluster", "failback_delay_ms", CFG_UNSIGNED, 0, 86400000, 10000,
	 .offset = AT_UNSIGNED(cluster.failback_delay_ms), .help = "a node ranks for /writer once eligible this long"},
	{"cluster", "timeout_ms", CFG_UNSIGNED, 50, 60000, 1000,
	 .offset = AT_UNSIGNED(cluster.timeout_ms), .help = "hard limit on one request to a peer agent"},
	{"cluster", "tls_ca", CFG_STRING, .def_str = "", .valid = absolute_or_empty_valid,
	 .offset = AT_STRING(cluster_client.tls_ca), .help = "CA certificates (PEM) that https peers' certificates must chain to; empty = the system's"},
	{"cluster", "user", CFG_STRING, .def_str = "",
	 .offset = AT_STRING(cluster_client.user), .help = "user this agent sends to its peers (basic auth); empty = none"},
	{"cluster", "password_file", CFG_STRING, .def_str = "", .valid = absolute_or_empty_valid,
	 .offset = AT_STRING(cluster_client.password_file), .help = "file whose first line is cluster.user's password; refused when group or others can read it"},
	{"cluster", "recovered_file", CFG_STRING, .def_str = "/var/lib/clustercheckd/recovered-position",
	 .valid = absolute_or_empty_valid,
	 .offset = AT_STRING(cluster.recovered_file), .help = "where `clustercheckd recover` stores the position the agent reports"},
};

/* A constant here, for the loader's arrays; a variable for cfgtable.c,
 * which sees the table only through its declaration. */
#define CFG_KEY_COUNT (sizeof cfg_keys / sizeof cfg_keys[0])
const size_t cfg_keys_count = CFG_KEY_COUNT;

/* State of one cfg_load() call. */
struct loader {
	const char *path;
	char include_dir[PATH_MAX];
	struct stat main_stat;
	cfg_report_fn report;
	void *ctx;
	int errors;
	struct cfg next;                            /* becomes *c only without errors */
	const config_setting_t *seen[CFG_KEY_COUNT]; /* where each key was set */
	bool rejected[CFG_KEY_COUNT];
};

static void store_number(struct cfg *c, const struct cfg_key *k, long long v)
{
	switch (k->type) {
	case CFG_UNSIGNED:
	case CFG_ENUM:
		*(unsigned *)cfgtable_field(c, k) = (unsigned)v;
		break;
	case CFG_INT:
		*(int *)cfgtable_field(c, k) = (int)v;
		break;
	case CFG_BOOL:
		*(bool *)cfgtable_field(c, k) = v != 0;
		break;
	case CFG_STRING:
	case CFG_PEERS:
	case CFG_USERS:
		abort();
	}
}

void cfg_defaults(struct cfg *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_key *k = &cfg_keys[i];
		const struct cfg_choice *ch;

		switch (k->type) {
		case CFG_STRING:
			snprintf(cfgtable_field(c, k), k->size, "%s", k->def_str);
			break;
		case CFG_ENUM:
			ch = cfgtable_choice_by_name(k->choices, k->def_str);
			if (!ch)
				abort(); /* a typo in the table; every test run hits it */
			store_number(c, k, ch->value);
			break;
		case CFG_UNSIGNED:
		case CFG_INT:
		case CFG_BOOL:
			store_number(c, k, k->def_int);
			break;
		case CFG_PEERS:
		case CFG_USERS:
			break; /* memset: none */
		}
	}
}

/* ---- values checked beyond their type ---- */

static bool listen_valid(const char *s, char *why, size_t why_len)
{
	char host[256], reason[96];
	unsigned port;

	if (net_parse_listen(s, host, sizeof host, &port, reason, sizeof reason) == 0)
		return true;
	snprintf(why, why_len, "is not ADDR:PORT or [IPv6]:PORT: %s", reason);
	return false;
}

static bool listen_or_empty_valid(const char *s, char *why, size_t why_len)
{
	return s[0] == '\0' || listen_valid(s, why, why_len);
}

/* The daemon may run with / as its working directory: a relative path
 * would silently mean something else there. */
static bool absolute_or_empty_valid(const char *s, char *why, size_t why_len)
{
	if (s[0] == '\0' || s[0] == '/')
		return true;
	snprintf(why, why_len, "is not an absolute path");
	return false;
}

/* ---- error reporting ---- */

static void file_of(const struct loader *l, const config_setting_t *s, char *out, size_t out_len)
{
	cfgtext_source_path(l->path, l->include_dir, s ? config_setting_source_file(s) : NULL, out, out_len);
}

static void vcomplain(struct loader *l, const char *file, unsigned line, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void vcomplain(struct loader *l, const char *file, unsigned line, const char *fmt, va_list ap)
{
	char msg[PATH_MAX + 1024];
	int n;

	l->errors++;
	if (!l->report)
		return;
	if (line)
		n = snprintf(msg, sizeof msg, "%s:%u: ", file, line);
	else
		n = snprintf(msg, sizeof msg, "%s: ", file);
	if (n < 0 || (size_t)n >= sizeof msg)
		n = 0;
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	l->report(l->ctx, msg);
}

/* An error about a setting: "file:line: ..." */
static void complain_at(struct loader *l, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void complain_at(struct loader *l, const config_setting_t *s, const char *fmt, ...)
{
	char file[PATH_MAX];
	va_list ap;

	file_of(l, s, file, sizeof file);
	va_start(ap, fmt);
	vcomplain(l, file, config_setting_source_line(s), fmt, ap);
	va_end(ap);
}

/* An error with no setting to point at: "file: ..." or "file:line: ..." */
static void complain_file(struct loader *l, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void complain_file(struct loader *l, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcomplain(l, file, line, fmt, ap);
	va_end(ap);
}

static void complain_setting(void *ctx, const config_setting_t *where, const char *msg)
{
	complain_at(ctx, where, "%s", msg);
}

/* ---- applying one setting ---- */

static bool type_matches(enum cfg_type want, int got)
{
	switch (want) {
	case CFG_STRING:
	case CFG_ENUM:
		return got == CONFIG_TYPE_STRING;
	case CFG_UNSIGNED:
	case CFG_INT:
		return got == CONFIG_TYPE_INT || got == CONFIG_TYPE_INT64;
	case CFG_BOOL:
		return got == CONFIG_TYPE_BOOL;
	case CFG_PEERS:
	case CFG_USERS:
		return got == CONFIG_TYPE_LIST;
	}
	return false;
}

static bool looks_numeric(const char *s)
{
	size_t n = strspn(s, "+-0123456789.xXabcdefABCDEF");

	return s[0] && s[n] == '\0' && strpbrk(s, "0123456789");
}

static void complain_wrong_type(struct loader *l, const struct cfg_key *k, const config_setting_t *s,
				const char *key)
{
	int got = config_setting_type(s);
	const char *want = "a string";
	const char *hint = "";

	switch (k->type) {
	case CFG_STRING:
	case CFG_ENUM:
		want = "a string";
		if (got == CONFIG_TYPE_INT || got == CONFIG_TYPE_INT64 || got == CONFIG_TYPE_FLOAT)
			hint = " (put it in double quotes)";
		break;
	case CFG_UNSIGNED:
	case CFG_INT:
		want = "an integer";
		if (got == CONFIG_TYPE_STRING && looks_numeric(config_setting_get_string(s)))
			hint = " (remove the quotes)";
		break;
	case CFG_BOOL:
		want = "true or false";
		break;
	case CFG_PEERS:
		want = "a list";
		hint = " (peers = ( { name = \"db1\"; url = \"http://10.0.0.1:9200\"; priority = 1; }, ... );)";
		break;
	case CFG_USERS:
		want = "a list";
		hint = " (users = ( { name = \"prometheus\"; hash = \"$2y$10$...\"; }, ... );)";
		break;
	}
	complain_at(l, s, "%s: expected %s, got %s%s", key, want, cfgmsg_type_phrase(got), hint);
}

static bool apply_string(struct loader *l, const struct cfg_key *k, const config_setting_t *s,
			 const char *key)
{
	const char *v = config_setting_get_string(s);
	size_t len = strlen(v);
	char shown[80], why[160];

	if (k->type == CFG_ENUM) {
		const struct cfg_choice *ch = cfgtable_choice_by_name(k->choices, v);
		char valid[160];

		if (!ch) {
			cfgtable_list_choices(k->choices, true, valid, sizeof valid);
			complain_at(l, s, "%s: \"%s\" is not a valid value; use %s", key,
				    cfgmsg_printable(v, shown, sizeof shown), valid);
			return false;
		}
		store_number(&l->next, k, ch->value);
		return true;
	}
	/* Never echo the value: it may be mysql.password. */
	if (len >= k->size) {
		complain_at(l, s, "%s: too long (%zu bytes, at most %zu)", key, len, k->size - 1);
		return false;
	}
	if (k->valid && !k->valid(v, why, sizeof why)) {
		complain_at(l, s, "%s: \"%s\" %s", key, cfgmsg_printable(v, shown, sizeof shown), why);
		return false;
	}
	memcpy(cfgtable_field(&l->next, k), v, len + 1);
	return true;
}

static bool apply_integer(struct loader *l, const struct cfg_key *k, const config_setting_t *s,
			  const char *key)
{
	char text[32];
	long long v;

	if (config_setting_type(s) == CONFIG_TYPE_INT64) {
		v = config_setting_get_int64(s);
	} else {
		int parsed = config_setting_get_int(s);

		char file[PATH_MAX];

		file_of(l, s, file, sizeof file);
		if (cfgtext_integer_wrapped(file, config_setting_source_line(s), config_setting_name(s),
					    parsed, text, sizeof text)) {
			complain_at(l, s, "%s: %s is out of range (%lld..%lld)", key, text, k->min, k->max);
			return false;
		}
		v = parsed;
	}
	if (k->choices) {
		if (!cfgtable_choice_by_value(k->choices, v)) {
			char valid[64];

			cfgtable_list_choices(k->choices, false, valid, sizeof valid);
			complain_at(l, s, "%s: %lld is not allowed; use %s", key, v, valid);
			return false;
		}
	} else if (v < k->min || v > k->max) {
		complain_at(l, s, "%s: %lld is out of range (%lld..%lld)", key, v, k->min, k->max);
		return false;
	}
	store_number(&l->next, k, v);
	return true;
}

static void apply(struct loader *l, const struct cfg_key *k, const config_setting_t *s)
{
	size_t index = (size_t)(k - cfg_keys);
	char key[128];
	bool ok;

	cfgtable_full_name(k, key, sizeof key);
	l->seen[index] = s;
	if (!type_matches(k->type, config_setting_type(s))) {
		complain_wrong_type(l, k, s, key);
		ok = false;
	} else if (k->type == CFG_STRING || k->type == CFG_ENUM) {
		ok = apply_string(l, k, s, key);
	} else if (k->type == CFG_BOOL) {
		store_number(&l->next, k, config_setting_get_bool(s));
		ok = true;
	} else if (k->type == CFG_PEERS) {
		ok = cfgpeers_parse(s, key, &l->next.cluster, complain_setting, l);
	} else if (k->type == CFG_USERS) {
		ok = cfgusers_parse(s, key, &l->next.auth, complain_setting, l);
	} else {
		ok = apply_integer(l, k, s, key);
	}
	l->rejected[index] = !ok;
}

static void walk(struct loader *l, const config_setting_t *parent, const char *group)
{
	for (int i = 0; i < config_setting_length(parent); i++) {
		const config_setting_t *s = config_setting_get_elem(parent, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct cfg_key *k = cfgtable_key(group, name);
		bool is_group = config_setting_is_group(s);
		char hint[160];

		char sub[64];

		/* Groups nest one name at a time: "http" holds "http.tls". */
		snprintf(sub, sizeof sub, "%s%s%s", group ? group : "", group ? "." : "", name);
		if (k) {
			apply(l, k, s);
		} else if (cfgtable_is_group(sub)) {
			if (is_group)
				walk(l, s, sub);
			else
				complain_at(l, s, "%s: expected a group (%s = { ... };), got %s",
					    sub, name, cfgmsg_type_phrase(config_setting_type(s)));
		} else {
			cfgtable_suggest(group, name, is_group, hint, sizeof hint);
			complain_at(l, s, "unknown %s '%s%s%s'%s", is_group ? "group" : "setting",
				    group ? group : "", group ? "." : "", name, hint);
		}
	}
}

/* ---- checks across keys and files ---- */

static const config_setting_t *seen_key(const struct loader *l, const char *group, const char *name,
					bool *rejected)
{
	size_t index = (size_t)(cfgtable_key(group, name) - cfg_keys);

	*rejected = l->rejected[index];
	return l->seen[index];
}

static void check_poll_against_staleness(struct loader *l)
{
	bool interval_rejected, stale_rejected;
	const config_setting_t *interval = seen_key(l, "poll", "interval_ms", &interval_rejected);
	const config_setting_t *stale = seen_key(l, "poll", "stale_after_ms", &stale_rejected);
	const config_setting_t *where = stale ? stale : interval;

	if (interval_rejected || stale_rejected)
		return;
	if (l->next.policy.stale_after_ms > l->next.poll_interval_ms)
		return;
	/* Every answer would be 503: the snapshot expires before the next poll. */
	if (where)
		complain_at(l, where, "poll.stale_after_ms (%u) must be greater than poll.interval_ms (%u)",
			    l->next.policy.stale_after_ms, l->next.poll_interval_ms);
	else
		complain_file(l, l->path, 0, "poll.stale_after_ms (%u) must be greater than poll.interval_ms (%u)",
			      l->next.policy.stale_after_ms, l->next.poll_interval_ms);
}

/* Group-writable counts too: whoever can edit the file can point host at a
 * server of their own and collect the password from the handshake. */
static void check_password_file_mode(struct loader *l)
{
	bool rejected;
	const config_setting_t *s = seen_key(l, "mysql", "password", &rejected);
	char file[PATH_MAX];
	struct stat st;

	if (!s || rejected || l->next.mysql.password[0] == '\0')
		return;
	file_of(l, s, file, sizeof file);
	if (!config_setting_source_file(s)) {
		st = l->main_stat;
	} else if (stat(file, &st) != 0) {
		complain_file(l, file, 0, "holds mysql.password but cannot be checked: %s", strerror(errno));
		return;
	}
	unsigned mode = (unsigned)(st.st_mode & 07777);
	const char *what = (st.st_mode & (S_IRGRP | S_IROTH)) ? "readable"
			 : (st.st_mode & (S_IWGRP | S_IWOTH)) ? "writable" : NULL;
	if (what)
		complain_file(l, file, 0, "holds mysql.password but is %s by group/other (mode %04o); "
			      "chmod 600 it or move the credentials to mysql.defaults_file", what, mode);
}

static void check_cluster(struct loader *l)
{
	bool r[4];
	const struct cfgpeers_where w = {
		.name = seen_key(l, "cluster", "name", &r[0]),
		.peers = seen_key(l, "cluster", "peers", &r[1]),
		.failback_delay = seen_key(l, "cluster", "failback_delay_ms", &r[2]),
		.timeout = seen_key(l, "cluster", "timeout_ms", &r[3]),
	};

	if (!r[0] && !r[1] && !r[2] && !r[3])
		cfgpeers_check(&l->next.cluster, l->next.policy.stale_after_ms, &w, complain_setting, l);
}

static void check_auth(struct loader *l)
{
	bool r1, r2, r3;
	const config_setting_t *users = seen_key(l, "http.auth", "users", &r1);
	const config_setting_t *user = seen_key(l, "cluster", "user", &r2);
	const config_setting_t *file = seen_key(l, "cluster", "password_file", &r3);

	if (!r1)
		cfgusers_check_subjects(&l->next.auth, l->next.tls.client_ca[0], users, complain_setting, l);
	if (!r2 && !r3)
		cfgpeers_check_client(&l->next.cluster_client, user, file, complain_setting, l);
}

/* ---- loading ---- */

static void directory_of(const char *path, char *out, size_t out_len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, out_len, ".");
	else if (slash == path)
		snprintf(out, out_len, "/");
	else
		snprintf(out, out_len, "%.*s", (int)(slash - path), path);
}

static void complain_parse_error(struct loader *l, const config_t *cf)
{
	const char *text = config_error_text(cf);
	const char *source = config_error_file(cf);
	int line = config_error_line(cf);
	char file[PATH_MAX];

	cfgtext_source_path(l->path, l->include_dir, source, file, sizeof file);
	if (!text)
		text = "cannot be parsed";
	if (config_error_type(cf) != CONFIG_ERR_PARSE || line <= 0)
		complain_file(l, file, 0, "%s", text);
	else if (strstr(text, "include"))
		/* libconfig 1.5 puts include_dir in front of every @include,
		 * an absolute one too. */
		complain_file(l, file, (unsigned)line,
			      "%s (@include paths are relative to %s and cannot be absolute)",
			      text, l->include_dir);
	else
		complain_file(l, file, (unsigned)line, "%s", text);
}

static void complain_include(void *ctx, const char *file, unsigned line, const char *name,
			     const char *target)
{
	complain_file(ctx, file, line, "@include \"%s\": %s is not a regular file", name, target);
}

/* http.tls: the files are read and checked here, so that a bad one is
 * reported at its key (start, --check-config, and a SIGHUP that then keeps
 * the running certificate). */
static void check_tls(struct loader *l)
{
	static const char *const names[] = {
		[TLS_FILE_NONE] = "cert", [TLS_FILE_CERT] = "cert",
		[TLS_FILE_KEY] = "key", [TLS_FILE_CLIENT_CA] = "client_ca",
	};
	const struct tls_cfg *t = &l->next.tls;
	bool r1, r2, r3;
	const config_setting_t *cert = seen_key(l, "http.tls", "cert", &r1);
	const config_setting_t *key = seen_key(l, "http.tls", "key", &r2);
	const config_setting_t *ca = seen_key(l, "http.tls", "client_ca", &r3);
	struct tls_creds creds;
	enum tls_file which;
	char err[PATH_MAX + 256];
	bool b;

	if (r1 || r2 || r3 || (!t->cert[0] && !t->key[0] && !t->client_ca[0]))
		return;
	if (!t->cert[0] || !t->key[0]) {
		complain_at(l, t->cert[0] ? cert : key ? key : ca,
			    "http.tls needs both cert and key (or neither, for plain HTTP)");
		return;
	}
	if (tls_creds_load(&creds, t, time(NULL), &which, err, sizeof err) == 0) {
		tls_creds_free(&creds);
		return;
	}
	complain_at(l, seen_key(l, "http.tls", names[which], &b), "http.tls.%s: %s", names[which], err);
}

/* Parses into l->next and runs the checks that need the whole file. */
static void load_file(struct loader *l, FILE *fp)
{
	config_t cf;

	if (S_ISREG(l->main_stat.st_mode)) {
		if (cfgtext_check_includes(l->path, l->path, l->include_dir, complain_include, l) > 0)
			return;
	}
	config_init(&cf);
	/* Relative @include follows the file, not the daemon's working
	 * directory (which is / once daemonized). */
	config_set_include_dir(&cf, l->include_dir);
	if (!config_read(&cf, fp)) {
		complain_parse_error(l, &cf);
	} else {
		walk(l, config_root_setting(&cf), NULL);
		check_poll_against_staleness(l);
		check_password_file_mode(l);
		check_cluster(l);
		check_auth(l);
		check_tls(l);
	}
	/* l->next holds copies only: nothing points into cf after this. */
	config_destroy(&cf);
}

int cfg_load(struct cfg *c, const char *path, bool must_exist, cfg_report_fn report, void *ctx)
{
	struct loader l = {.report = report, .ctx = ctx};
	FILE *fp;

	l.path = path ? path : CFG_DEFAULT_PATH;
	if (strlen(l.path) >= sizeof c->path) {
		complain_file(&l, l.path, 0, "path too long");
		return l.errors;
	}
	fp = fopen(l.path, "re");
	if (!fp) {
		if (errno == ENOENT && !must_exist) {
			c->path[0] = '\0';
			return 0;
		}
		complain_file(&l, l.path, 0, "cannot open: %s", strerror(errno));
		return l.errors;
	}
	/* The mode checked is the mode of the file actually read. */
	if (fstat(fileno(fp), &l.main_stat) != 0) {
		complain_file(&l, l.path, 0, "cannot stat: %s", strerror(errno));
	} else if (S_ISDIR(l.main_stat.st_mode)) {
		complain_file(&l, l.path, 0, "is a directory");
	} else {
		directory_of(l.path, l.include_dir, sizeof l.include_dir);
		l.next = *c;
		load_file(&l, fp);
		if (l.errors == 0) {
			snprintf(l.next.path, sizeof l.next.path, "%s", l.path);
			*c = l.next;
		}
		/* main.c wipes its struct cfg; this copy holds the password too. */
		explicit_bzero(&l.next, sizeof l.next);
	}
	fclose(fp);
	return l.errors;
}

