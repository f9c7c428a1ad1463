/* Configuration: every key lives in one table (type, bounds, default), so
 * defaults, validation and the error messages cannot drift apart. libconfig
 * does the parsing; everything it does not check (unknown keys, ranges,
 * 32-bit overflow, enum names) is checked here, and every problem is
 * reported rather than only the first, so one edit fixes a whole file. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cfg.h"

enum cfg_type {
	CFG_STRING,
	CFG_UNSIGNED,
	CFG_INT,      /* signed field; drain_code is an HTTP status */
	CFG_BOOL,
	CFG_ENUM,     /* written as a string, stored as the enum value */
	CFG_PEERS,    /* cluster.peers: a list of { name; url; priority; } */
	CFG_USERS,    /* http.auth.users: a list of { name; hash | subject; } */
};

struct cfg_choice {
	const char *name;
	int value;
};

struct cfg_key {
	const char *group;                 /* NULL: top level */
	const char *name;
	enum cfg_type type;
	long long min, max;                /* integers */
	long long def_int;                 /* integers and booleans */
	const char *def_str;               /* strings; enums by choice name */
	const struct cfg_choice *choices;  /* enums: the names; integers: the only values allowed */
	/* strings: false and a sentence to follow the quoted value */
	bool (*valid)(const char *s, char *why, size_t why_len);
	size_t offset;
	size_t size;                       /* strings: buffer size, NUL included */
	const char *help;
};

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

/* Same spelling as donor_policy_name() in verdict.c; test_cfg checks that
 * the two agree. */
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
static bool peer_name_or_empty_valid(const char *s, char *why, size_t why_len);

static const struct cfg_key cfg_keys[] = {
	{NULL, "listen", CFG_STRING, .def_str = "0.0.0.0:9200", .valid = listen_valid,
	 .offset = AT_STRING(listen), .help = "HTTP address, ADDR:PORT or [IPv6]:PORT"},
	{NULL, "log", CFG_ENUM, .def_str = "stderr", .choices = log_choices,
	 .offset = AT_ENUM(log), .help = "where log lines go"},

	{"http", "timeout", CFG_UNSIGNED, 1, 300, 5,
	 .offset = AT_UNSIGNED(http_timeout_s), .help = "seconds a client may take to send its whole request head (a total, not an idle time)"},
	{"http", "max_connections", CFG_UNSIGNED, 1, 100000, 16384,
	 .offset = AT_UNSIGNED(http_max_connections), .help = "connections waiting for their request; when full, the oldest of the address holding the most is closed"},
	{"http", "max_connections_per_ip", CFG_UNSIGNED, 0, 100000, 128,
	 .offset = AT_UNSIGNED(http_max_connections_per_ip), .help = "of them from one address, 0 = unlimited; beyond it that address's oldest is closed"},
	{"http", "bodies", CFG_ENUM, .def_str = "clustercheckd", .choices = bodies_choices,
	 .offset = AT_ENUM(bodies), .help = "response texts: ours, or clustercheck's exact ones"},
	{"http.tls", "cert", CFG_STRING, .def_str = "", .valid = absolute_or_empty_valid,
	 .offset = AT_STRING(tls.cert), .help = "PEM certificate (chain, leaf first) served on the HTTP port; \"\" = plain HTTP; re-read on SIGHUP"},
	{"http.tls", "key", CFG_STRING, .def_str = "", .valid = absolute_or_empty_valid,
	 .offset = AT_STRING(tls.key), .help = "PEM private key of http.tls.cert, unencrypted, not readable by others; re-read on SIGHUP"},
	{"http.tls", "client_ca", CFG_STRING, .def_str = "", .valid = absolute_or_empty_valid,
	 .offset = AT_STRING(tls.client_ca), .help = "PEM CA(s): clients are asked for a certificate, and one it signed names its subject; \"\" = none asked"},

	{"http.auth", "users", CFG_USERS,
	 .offset = AT_USERS(auth), .help = "who may read what http.auth.protect covers: ( { name; hash = \"$2y$...\"; } or { name; subject = \"CN=...\"; }, ... ); a bcrypt or yescrypt hash, never a password; a subject matches a client certificate verified against http.tls.client_ca; empty = no authentication"},
	{"http.auth", "protect", CFG_ENUM, .def_str = "info", .choices = protect_choices,
	 .offset = AT_ENUM(auth.protect), .help = "what needs a credential when users are set: \"info\" (/status, /metrics, /cluster, ?verbose and JSON answers; the probes' status and one-line reason stay open), \"all\", or \"none\""},

	{"mysql", "socket", CFG_STRING, .def_str = "/run/mysqld/mysqld.sock",
	 .offset = AT_STRING(mysql.socket), .help = "unix socket, used when host is empty"},
	{"mysql", "host", CFG_STRING, .def_str = "",
	 .offset = AT_STRING(mysql.host), .help = "TCP host; empty = use the socket"},
	{"mysql", "port", CFG_UNSIGNED, 1, 65535, 3306,
	 .offset = AT_UNSIGNED(mysql.port), .help = "TCP port when host is set"},
	{"mysql", "user", CFG_STRING, .def_str = "clustercheck",
	 .offset = AT_STRING(mysql.user), .help = "account; empty = from the defaults file"},
	{"mysql", "password", CFG_STRING, .def_str = "",
	 .offset = AT_STRING(mysql.password), .help = "password; empty = from the defaults file"},
	{"mysql", "defaults_file", CFG_STRING, .def_str = "",
	 .offset = AT_STRING(mysql.defaults_file), .help = "my.cnf-style file read by the client library"},
	{"mysql", "defaults_group", CFG_STRING, .def_str = "",
	 .offset = AT_STRING(mysql.defaults_group), .help = "extra [group] read from option files"},
	{"mysql", "connect_timeout", CFG_UNSIGNED, 1, 60, 1,
	 .offset = AT_UNSIGNED(mysql.connect_timeout_s), .help = "seconds for connect and handshake"},
	{"mysql", "read_timeout", CFG_UNSIGNED, 1, 60, 1,
	 .offset = AT_UNSIGNED(mysql.read_timeout_s), .help = "seconds per network read"},
	{"mysql", "write_timeout", CFG_UNSIGNED, 1, 60, 1,
	 .offset = AT_UNSIGNED(mysql.write_timeout_s), .help = "seconds per network write"},

	{"mysql", "datadir", CFG_STRING, .def_str = "/var/lib/mysql",
	 .offset = AT_STRING(mysql.datadir), .help = "datadir, read for grastate.dat and the SST marker; \"\" = none"},

	{"poll", "interval_ms", CFG_UNSIGNED, 50, 60000, 500,
	 .offset = AT_UNSIGNED(poll_interval_ms), .help = "time between two polls of mysqld"},
	{"poll", "stale_after_ms", CFG_UNSIGNED, 100, 600000, 3000,
	 .offset = AT_UNSIGNED(policy.stale_after_ms), .help = "older snapshots answer 503"},

	{"policy", "donor", CFG_ENUM, .def_str = "never", .choices = donor_choices,
	 .offset = AT_ENUM(policy.donor), .help = "when a Donor/Desynced node is ready"},
	{"policy", "read_only_ok", CFG_BOOL, .def_int = true,
	 .offset = AT_BOOL(policy.read_only_ok), .help = "a read_only=ON node may be ready"},
	{"policy", "min_cluster_size", CFG_UNSIGNED, 1, 1000, 1,
	 .offset = AT_UNSIGNED(policy.min_cluster_size), .help = "smallest Primary component that is ready"},
	{"policy", "max_recv_queue", CFG_UNSIGNED, 0, 10000000, 0,
	 .offset = AT_UNSIGNED(policy.max_recv_queue), .help = "longest receive queue that is ready, 0 = off"},
	{"policy", "drain_code", CFG_INT, 404, 503, 404, .choices = drain_code_choices,
	 .offset = AT_INT(policy.drain_code), .help = "HTTP code while draining"},

	{"live", "grace_ms", CFG_UNSIGNED, 1000, 86400000, 30000,
	 .offset = AT_UNSIGNED(live.grace_ms), .help = "how long mysqld may not answer before /live fails"},
	{"drain", "seconds", CFG_UNSIGNED, 0, 3600, 10,
	 .offset = AT_UNSIGNED(drain_seconds), .help = "seconds answering \"draining\" after SIGTERM"},
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

	{"cluster", "name", CFG_STRING, .def_str = "", .valid = peer_name_or_empty_valid,
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

#define CFG_KEY_COUNT (sizeof cfg_keys / sizeof cfg_keys[0])

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

static void *field_of(struct cfg *c, const struct cfg_key *k)
{
	return (char *)c + k->offset;
}

static const struct cfg_choice *choice_by_name(const struct cfg_choice *choices, const char *name)
{
	for (; choices->name; choices++)
		if (strcmp(choices->name, name) == 0)
			return choices;
	return NULL;
}

static const struct cfg_choice *choice_by_value(const struct cfg_choice *choices, long long value)
{
	for (; choices->name; choices++)
		if (choices->value == value)
			return choices;
	return NULL;
}

static void store_number(struct cfg *c, const struct cfg_key *k, long long v)
{
	switch (k->type) {
	case CFG_UNSIGNED:
	case CFG_ENUM:
		*(unsigned *)field_of(c, k) = (unsigned)v;
		break;
	case CFG_INT:
		*(int *)field_of(c, k) = (int)v;
		break;
	case CFG_BOOL:
		*(bool *)field_of(c, k) = v != 0;
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
			snprintf(field_of(c, k), k->size, "%s", k->def_str);
			break;
		case CFG_ENUM:
			ch = choice_by_name(k->choices, k->def_str);
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

/* ---- listen addresses ---- */

static void set_why(char *why, size_t why_len, const char *text)
{
	if (why && why_len)
		snprintf(why, why_len, "%s", text);
}

static bool hostname_chars_only(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* http.c hands the host to getaddrinfo(), so names are allowed; the checks
 * here only catch what could never resolve or bind. */
static bool split_listen(const char *s, char *host, size_t host_len, unsigned *port,
			 char *why, size_t why_len)
{
	const char *name, *port_text;
	size_t name_len;
	bool bracketed = s[0] == '[';

	if (bracketed) {
		const char *close = strchr(s, ']');

		if (!close) {
			set_why(why, why_len, "missing ']'");
			return false;
		}
		if (close[1] != ':') {
			set_why(why, why_len, "missing :PORT after ']'");
			return false;
		}
		name = s + 1;
		name_len = (size_t)(close - name);
		port_text = close + 2;
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon) {
			set_why(why, why_len, "missing :PORT");
			return false;
		}
		name = s;
		name_len = (size_t)(colon - s);
		port_text = colon + 1;
		if (memchr(name, ':', name_len)) {
			set_why(why, why_len, "an IPv6 address needs brackets, [ADDR]:PORT");
			return false;
		}
	}

	/* Digits only: strtoul would also take a sign or leading blanks. */
	size_t digits = strspn(port_text, "0123456789");
	unsigned long port_number = digits && digits <= 5 ? strtoul(port_text, NULL, 10) : 0;
	if (port_text[digits] != '\0' || port_number < 1 || port_number > 65535) {
		set_why(why, why_len, "the port must be a number from 1 to 65535");
		return false;
	}

	char addr[256];
	if (name_len >= sizeof addr || name_len >= host_len) {
		set_why(why, why_len, "the address is too long");
		return false;
	}
	memcpy(addr, name, name_len);
	addr[name_len] = '\0';

	if (bracketed) {
		struct in6_addr a6;

		if (inet_pton(AF_INET6, addr, &a6) != 1) {
			set_why(why, why_len, "not an IPv6 address inside [ ]");
			return false;
		}
	} else if (strcmp(addr, "*") != 0 && !hostname_chars_only(addr, name_len)) {
		set_why(why, why_len, "not an IPv4 address or host name");
		return false;
	}

	memcpy(host, addr, name_len + 1);
	*port = (unsigned)port_number;
	return true;
}

int cfg_parse_listen(const char *s, char *host, size_t host_len, unsigned *port)
{
	if (!s || !host || !port)
		return -1;
	return split_listen(s, host, host_len, port, NULL, 0) ? 0 : -1;
}

static bool listen_valid(const char *s, char *why, size_t why_len)
{
	char host[256], reason[96];
	unsigned port;

	if (split_listen(s, host, sizeof host, &port, reason, sizeof reason))
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

/* libconfig 1.5 records an @include'd file by the name written in the
 * directive, but opened it as include_dir/name. NULL is the main file. */
static void source_path(const struct loader *l, const char *source, char *out, size_t out_len)
{
	int n;

	if (!source)
		n = snprintf(out, out_len, "%s", l->path);
	else if (source[0] == '/')
		n = snprintf(out, out_len, "%s", source);
	else
		n = snprintf(out, out_len, "%s/%s", l->include_dir, source);
	if (n < 0 || (size_t)n >= out_len)
		snprintf(out, out_len, "%s", source ? source : l->path);
}

static void file_of(const struct loader *l, const config_setting_t *s, char *out, size_t out_len)
{
	source_path(l, s ? config_setting_source_file(s) : NULL, out, out_len);
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

/* Values are echoed in messages that may reach a terminal or syslog: no
 * control characters, and not a whole novel. */
static const char *printable(const char *s, char *buf, size_t buf_len)
{
	size_t i, max = buf_len - 4;

	for (i = 0; s[i] && i < max; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (s[i])
		memcpy(buf + i, "...", 3), i += 3;
	buf[i] = '\0';
	return buf;
}

static void full_name(const struct cfg_key *k, char *out, size_t out_len)
{
	if (k->group)
		snprintf(out, out_len, "%s.%s", k->group, k->name);
	else
		snprintf(out, out_len, "%s", k->name);
}

/* "\"a\", \"b\" or \"c\"" for enums, "404 or 503" for numbers */
static void list_choices(const struct cfg_choice *choices, bool quoted, char *out, size_t out_len)
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

static const char *type_phrase(int config_type)
{
	switch (config_type) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a floating-point number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	}
	return "a value of unknown type";
}

/* ---- unknown names ---- */

static bool key_in_group(const struct cfg_key *k, const char *group)
{
	return group ? k->group && strcmp(group, k->group) == 0 : !k->group;
}

static const struct cfg_key *key_by_name(const char *group, const char *name)
{
	for (size_t i = 0; i < CFG_KEY_COUNT; i++)
		if (key_in_group(&cfg_keys[i], group) && strcmp(cfg_keys[i].name, name) == 0)
			return &cfg_keys[i];
	return NULL;
}

static bool is_group_name(const char *name)
{
	for (size_t i = 0; i < CFG_KEY_COUNT; i++)
		if (cfg_keys[i].group && strcmp(cfg_keys[i].group, name) == 0)
			return true;
	return false;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diagonal = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t above = row[j];
			size_t best = diagonal + (a[i - 1] != b[j - 1]);

			if (above + 1 < best)
				best = above + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diagonal = above;
		}
	}
	return row[lb];
}

/* A key put in the wrong group, or a small typo, earns a "did you mean". */
static void suggest(const char *group, const char *name, bool want_group, char *out, size_t out_len)
{
	out[0] = '\0';
	if (want_group) {
		for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
			const char *g = cfg_keys[i].group;

			if (!group && g && edit_distance(name, g) <= 2) {
				snprintf(out, out_len, " (did you mean '%s'?)", g);
				return;
			}
		}
		return;
	}
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_key *k = &cfg_keys[i];
		char full[128];

		if (!key_in_group(k, group) && strcmp(k->name, name) == 0) {
			full_name(k, full, sizeof full);
			snprintf(out, out_len, " (did you mean '%s'?)", full);
			return;
		}
	}
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_key *k = &cfg_keys[i];
		char full[128];

		if (key_in_group(k, group) && strlen(name) > 3 && edit_distance(name, k->name) <= 2) {
			full_name(k, full, sizeof full);
			snprintf(out, out_len, " (did you mean '%s'?)", full);
			return;
		}
	}
}

/* ---- integer values ---- */

static bool is_name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '*';
}

/* Finds "name = <number>" in a source line and copies the number. */
static bool literal_after_name(const char *line, const char *name, char *out, size_t out_len)
{
	size_t name_len = strlen(name);

	for (const char *p = strstr(line, name); p; p = strstr(p + 1, name)) {
		const char *q = p + name_len;

		if ((p > line && is_name_char(p[-1])) || is_name_char(*q))
			continue;
		q += strspn(q, " \t");
		if (*q != '=' && *q != ':')
			continue;
		q++;
		q += strspn(q, " \t");
		size_t len = strspn(q, "+-0123456789abcdefABCDEFxX");
		if (len == 0 || len >= out_len)
			return false;
		memcpy(out, q, len);
		out[len] = '\0';
		return true;
	}
	return false;
}

/* libconfig 1.5 as shipped by Debian keeps only the low 32 bits of a plain
 * integer (4294967297 reads as 1) and says nothing, so the text of the file
 * is the only place the real number survives. Returns true, with the
 * written number in `text`, only when that number is outside 32 bits and
 * wraps to exactly what libconfig produced: a token that merely looks
 * similar cannot turn a good value into an error. */
static bool integer_wrapped(const struct loader *l, const config_setting_t *s, int parsed,
			    char *text, size_t text_len)
{
	char file[PATH_MAX];
	unsigned want = config_setting_source_line(s);
	char *line = NULL;
	size_t cap = 0;
	bool found = false, wrapped = false;
	FILE *fp;

	file_of(l, s, file, sizeof file);
	fp = fopen(file, "re");
	if (!fp)
		return false;
	/* A second read of /dev/stdin or a pipe would wait or see nothing. */
	struct stat st;
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(fp);
		return false;
	}
	for (unsigned n = 1; getline(&line, &cap, fp) >= 0; n++) {
		if (n == want) {
			found = literal_after_name(line, config_setting_name(s), text, text_len);
			break;
		}
	}
	/* The line may also hold mysql.password. */
	if (line)
		explicit_bzero(line, cap);
	free(line);
	fclose(fp);
	if (!found)
		return false;

	const char *digits = text + (text[0] == '-' || text[0] == '+');
	bool hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
	char *end;
	long long value;

	errno = 0;
	if (hex)
		value = (long long)strtoull(digits, &end, 16);
	else
		value = strtoll(text, &end, 10);
	if (*end != '\0')
		return false;
	if (errno == ERANGE)
		wrapped = true;
	else if (hex && text[0] == '-')
		wrapped = false; /* libconfig does not write negative hex */
	else
		wrapped = (value < INT32_MIN || value > INT32_MAX) &&
			  (uint32_t)(unsigned long long)value == (uint32_t)parsed;
	return wrapped;
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
	complain_at(l, s, "%s: expected %s, got %s%s", key, want, type_phrase(got), hint);
}

static bool apply_string(struct loader *l, const struct cfg_key *k, const config_setting_t *s,
			 const char *key)
{
	const char *v = config_setting_get_string(s);
	size_t len = strlen(v);
	char shown[80], why[160];

	if (k->type == CFG_ENUM) {
		const struct cfg_choice *ch = choice_by_name(k->choices, v);
		char valid[160];

		if (!ch) {
			list_choices(k->choices, true, valid, sizeof valid);
			complain_at(l, s, "%s: \"%s\" is not a valid value; use %s", key,
				    printable(v, shown, sizeof shown), valid);
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
		complain_at(l, s, "%s: \"%s\" %s", key, printable(v, shown, sizeof shown), why);
		return false;
	}
	memcpy(field_of(&l->next, k), v, len + 1);
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

		if (integer_wrapped(l, s, parsed, text, sizeof text)) {
			complain_at(l, s, "%s: %s is out of range (%lld..%lld)", key, text, k->min, k->max);
			return false;
		}
		v = parsed;
	}
	if (k->choices) {
		if (!choice_by_value(k->choices, v)) {
			char valid[64];

			list_choices(k->choices, false, valid, sizeof valid);
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

/* ---- cluster.peers ---- */

/* Names show in /writer's reasons and /cluster's lines, one word each. */
static bool peer_name_or_empty_valid(const char *s, char *why, size_t why_len)
{
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == strlen(s))
		return true;
	snprintf(why, why_len, "is not a name: use letters, digits, '.', '_' and '-'");
	return false;
}

/* "http[s]://HOST:PORT" with an optional "/": the peer's agent, whose
 * /status is what the poller reads. No path: agents serve none. */
static bool peer_url_valid(const char *s, char *why, size_t why_len)
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
	if (!split_listen(hostport, host, sizeof host, &port, reason, sizeof reason)) {
		snprintf(why, why_len, "is not http://HOST:PORT: %s", reason);
		return false;
	}
	if (!host[0] || strcmp(host, "*") == 0) {
		snprintf(why, why_len, "is not http://HOST:PORT: no host");
		return false;
	}
	return true;
}

static bool peer_string(struct loader *l, const config_setting_t *m, const char *what,
			char *out, size_t out_len, bool (*valid)(const char *, char *, size_t))
{
	const char *v;
	char shown[80], why[160];

	if (config_setting_type(m) != CONFIG_TYPE_STRING) {
		complain_at(l, m, "cluster.peers: %s: expected a string, got %s", what,
			    type_phrase(config_setting_type(m)));
		return false;
	}
	v = config_setting_get_string(m);
	if (!v[0] || strlen(v) >= out_len) {
		complain_at(l, m, "cluster.peers: %s: %s", what, v[0] ? "too long" : "empty");
		return false;
	}
	if (!valid(v, why, sizeof why)) {
		complain_at(l, m, "cluster.peers: %s \"%s\" %s", what, printable(v, shown, sizeof shown), why);
		return false;
	}
	snprintf(out, out_len, "%s", v);
	return true;
}

static bool peer_priority(struct loader *l, const config_setting_t *m, unsigned *out)
{
	long long v;

	if (config_setting_type(m) == CONFIG_TYPE_INT64)
		v = config_setting_get_int64(m);
	else if (config_setting_type(m) == CONFIG_TYPE_INT)
		v = config_setting_get_int(m);
	else {
		complain_at(l, m, "cluster.peers: priority: expected an integer, got %s",
			    type_phrase(config_setting_type(m)));
		return false;
	}
	if (v < 0 || v > 1000000) {
		complain_at(l, m, "cluster.peers: priority: %lld is out of range (0..1000000)", v);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

/* One entry: exactly name, url and priority, each checked. */
static bool peer_entry(struct loader *l, const config_setting_t *e, struct cluster_peer_cfg *p)
{
	bool ok = true, have_name = false, have_url = false, have_priority = false;

	memset(p, 0, sizeof *p);
	if (!config_setting_is_group(e)) {
		complain_at(l, e, "cluster.peers: expected a group { name = ...; url = ...; priority = N; }, got %s",
			    type_phrase(config_setting_type(e)));
		return false;
	}
	for (int j = 0; j < config_setting_length(e); j++) {
		const config_setting_t *m = config_setting_get_elem(e, (unsigned)j);
		const char *name = config_setting_name(m);

		if (strcmp(name, "name") == 0)
			ok &= have_name = peer_string(l, m, "name", p->name, sizeof p->name,
						      peer_name_or_empty_valid);
		else if (strcmp(name, "url") == 0)
			ok &= have_url = peer_string(l, m, "url", p->url, sizeof p->url, peer_url_valid);
		else if (strcmp(name, "priority") == 0)
			ok &= have_priority = peer_priority(l, m, &p->priority);
		else {
			complain_at(l, m, "cluster.peers: unknown setting '%s' (a peer has name, url and priority)", name);
			ok = false;
		}
	}
	if (ok && (!have_name || !have_url || !have_priority)) {
		complain_at(l, e, "cluster.peers: a peer needs name, url and priority (missing %s)",
			    !have_name ? "name" : !have_url ? "url" : "priority");
		ok = false;
	}
	return ok;
}

static bool apply_peers(struct loader *l, const config_setting_t *s, const char *key)
{
	struct cluster_cfg *cc = &l->next.cluster;
	const config_setting_t *where[CLUSTER_PEERS_MAX];
	int n = config_setting_length(s);
	bool ok = true;

	cc->npeers = 0;
	if (n > CLUSTER_PEERS_MAX) {
		complain_at(l, s, "%s: %d peers, at most %d", key, n, CLUSTER_PEERS_MAX);
		return false;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct cluster_peer_cfg p;
		bool dup = false;

		if (!peer_entry(l, e, &p)) {
			ok = false;
			continue;
		}
		for (unsigned j = 0; j < cc->npeers && !dup; j++) {
			const char *what = strcmp(cc->peers[j].name, p.name) == 0 ? "name"
					 : strcmp(cc->peers[j].url, p.url) == 0 ? "url" : NULL;

			if (what) {
				complain_at(l, e, "%s: duplicate peer %s \"%s\" (first at line %u)", key, what,
					    strcmp(what, "name") == 0 ? p.name : p.url,
					    config_setting_source_line(where[j]));
				dup = true;
			}
		}
		if (dup) {
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

/* ---- http.auth.users ---- */

static bool user_string(struct loader *l, const config_setting_t *m, const char *what, char *out,
			size_t out_len)
{
	const char *v;

	if (config_setting_type(m) != CONFIG_TYPE_STRING) {
		complain_at(l, m, "http.auth.users: %s: expected a string, got %s", what,
			    type_phrase(config_setting_type(m)));
		return false;
	}
	v = config_setting_get_string(m);
	if (!v[0] || strlen(v) >= out_len) {
		complain_at(l, m, "http.auth.users: %s: %s", what, v[0] ? "too long" : "empty");
		return false;
	}
	snprintf(out, out_len, "%s", v);
	return true;
}

/* One entry: a name and exactly one of hash and subject. The hash is
 * never echoed: a clear password put there by mistake must not reach a
 * log. */
static bool user_entry(struct loader *l, const config_setting_t *e, struct auth_user *u)
{
	bool ok = true;
	const config_setting_t *hash = NULL;
	char why[160];

	memset(u, 0, sizeof *u);
	if (!config_setting_is_group(e)) {
		complain_at(l, e, "http.auth.users: expected a group { name = ...; hash = ...; }, got %s",
			    type_phrase(config_setting_type(e)));
		return false;
	}
	for (int j = 0; j < config_setting_length(e); j++) {
		const config_setting_t *m = config_setting_get_elem(e, (unsigned)j);
		const char *name = config_setting_name(m);

		if (strcmp(name, "name") == 0) {
			ok &= user_string(l, m, "name", u->name, sizeof u->name);
			if (u->name[0] && strchr(u->name, ':')) {
				complain_at(l, m, "http.auth.users: name: a user name cannot hold ':' (basic auth splits there)");
				ok = false;
			}
		} else if (strcmp(name, "hash") == 0) {
			hash = m;
			if ((ok &= user_string(l, m, "hash", u->hash, sizeof u->hash)) &&
			    !auth_hash_valid(u->hash, why, sizeof why)) {
				complain_at(l, m, "http.auth.users: hash %s", why);
				ok = false;
			}
		} else if (strcmp(name, "subject") == 0) {
			ok &= user_string(l, m, "subject", u->subject, sizeof u->subject);
		} else {
			complain_at(l, m, "http.auth.users: unknown setting '%s' (a user has name, and hash or subject)", name);
			ok = false;
		}
	}
	if (ok && !u->name[0]) {
		complain_at(l, e, "http.auth.users: a user needs a name");
		ok = false;
	} else if (ok && !u->hash[0] == !u->subject[0]) {
		complain_at(l, hash ? hash : e, "http.auth.users: user \"%s\" needs exactly one of hash and subject",
			    u->name);
		ok = false;
	}
	explicit_bzero(why, sizeof why);
	return ok;
}

static bool apply_users(struct loader *l, const config_setting_t *s, const char *key)
{
	struct auth_cfg *ac = &l->next.auth;
	int n = config_setting_length(s);
	bool ok = true;

	ac->nusers = 0;
	if (n > AUTH_USERS_MAX) {
		complain_at(l, s, "%s: %d users, at most %d", key, n, AUTH_USERS_MAX);
		return false;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct auth_user u;

		if (!user_entry(l, e, &u)) {
			ok = false;
			continue;
		}
		for (unsigned j = 0; j < ac->nusers; j++)
			if (strcmp(ac->users[j].name, u.name) == 0) {
				complain_at(l, e, "%s: duplicate user \"%s\"", key, u.name);
				ok = false;
			}
		ac->users[ac->nusers++] = u;
	}
	if (!ok)
		ac->nusers = 0;
	return ok;
}

static void apply(struct loader *l, const struct cfg_key *k, const config_setting_t *s)
{
	size_t index = (size_t)(k - cfg_keys);
	char key[128];
	bool ok;

	full_name(k, key, sizeof key);
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
		ok = apply_peers(l, s, key);
	} else if (k->type == CFG_USERS) {
		ok = apply_users(l, s, key);
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
		const struct cfg_key *k = key_by_name(group, name);
		bool is_group = config_setting_is_group(s);
		char hint[160];

		char sub[64];

		/* Groups nest one name at a time: "http" holds "http.tls". */
		snprintf(sub, sizeof sub, "%s%s%s", group ? group : "", group ? "." : "", name);
		if (k) {
			apply(l, k, s);
		} else if (is_group_name(sub)) {
			if (is_group)
				walk(l, s, sub);
			else
				complain_at(l, s, "%s: expected a group (%s = { ... };), got %s",
					    sub, name, type_phrase(config_setting_type(s)));
		} else {
			suggest(group, name, is_group, hint, sizeof hint);
			complain_at(l, s, "unknown %s '%s%s%s'%s", is_group ? "group" : "setting",
				    group ? group : "", group ? "." : "", name, hint);
		}
	}
}

/* ---- checks across keys and files ---- */

static const config_setting_t *seen_key(const struct loader *l, const char *group, const char *name,
					bool *rejected)
{
	size_t index = (size_t)(key_by_name(group, name) - cfg_keys);

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

/* Peers configured: this node must be one of them (its name is how the
 * others rank it), and the timings must let every agent see a returning
 * node before it counts. */
static void check_cluster(struct loader *l)
{
	bool name_rejected, peers_rejected, r1, r2;
	const config_setting_t *name = seen_key(l, "cluster", "name", &name_rejected);
	const config_setting_t *peers = seen_key(l, "cluster", "peers", &peers_rejected);
	const config_setting_t *fb = seen_key(l, "cluster", "failback_delay_ms", &r1);
	const config_setting_t *to = seen_key(l, "cluster", "timeout_ms", &r2);
	const struct cluster_cfg *cc = &l->next.cluster;
	const unsigned stale = l->next.policy.stale_after_ms;
	bool found = false;

	if (name_rejected || peers_rejected || r1 || r2 || cc->npeers == 0)
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
			complain_at(l, name, "cluster.name \"%s\" is not one of cluster.peers (%s)", cc->name, names);
		else
			complain_at(l, peers, "cluster.name is not set: which of cluster.peers (%s) is this node?", names);
	}
	/* writer.c: a lower-ranked writer yields stale_after + timeout before
	 * the returning node counts, and must have seen it eligible by then. */
	if ((unsigned long long)cc->failback_delay_ms < 2ULL * stale + cc->timeout_ms)
		complain_at(l, fb ? fb : peers,
			    "cluster.failback_delay_ms (%u) must be at least 2 x poll.stale_after_ms + cluster.timeout_ms (%llu): every agent must see a returning node before it ranks",
			    cc->failback_delay_ms, 2ULL * stale + cc->timeout_ms);
	if (cc->timeout_ms >= stale)
		complain_at(l, to ? to : peers,
			    "cluster.timeout_ms (%u) must be less than poll.stale_after_ms (%u)", cc->timeout_ms, stale);
}

/* A subject is only ever learnt from a certificate http.tls.client_ca
 * verified: without one, such a user could never get in. */
static void check_auth_subjects(struct loader *l)
{
	bool rejected;
	const config_setting_t *users = seen_key(l, "http.auth", "users", &rejected);
	const struct auth_cfg *a = &l->next.auth;

	if (rejected || l->next.tls.client_ca[0])
		return;
	for (unsigned i = 0; i < a->nusers; i++)
		if (a->users[i].subject[0]) {
			complain_at(l, users, "http.auth.users: user \"%s\" has a subject, but http.tls.client_ca is not set: no client certificate is asked for",
				    a->users[i].name);
			return;
		}
}

/* The peers' credentials: both or neither, and the password file as
 * private as a config holding mysql.password must be. Its content is
 * read by the peers thread, never here, and never shown. */
static void check_cluster_client(struct loader *l)
{
	bool r1, r2;
	const config_setting_t *user = seen_key(l, "cluster", "user", &r1);
	const config_setting_t *file = seen_key(l, "cluster", "password_file", &r2);
	const struct cluster_client_cfg *cc = &l->next.cluster_client;
	struct stat st;

	if (r1 || r2)
		return;
	if (cc->user[0] && !cc->password_file[0])
		complain_at(l, user, "cluster.user is set but cluster.password_file is not");
	if (!cc->password_file[0])
		return;
	if (!cc->user[0])
		complain_at(l, file, "cluster.password_file is set but cluster.user is not");
	if (stat(cc->password_file, &st) != 0)
		complain_at(l, file, "cluster.password_file: cannot read %s: %s", cc->password_file,
			    strerror(errno));
	else if (!S_ISREG(st.st_mode))
		complain_at(l, file, "cluster.password_file: %s is not a regular file", cc->password_file);
	else if (st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH))
		complain_at(l, file, "cluster.password_file: %s is %s by group/other (mode %04o); chmod 600 it",
			    cc->password_file, (st.st_mode & (S_IRGRP | S_IROTH)) ? "readable" : "writable",
			    (unsigned)(st.st_mode & 07777));
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

	source_path(l, source, file, sizeof file);
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

/* The file name of an @include as libconfig 1.5 opens it: the bytes up to
 * the next quote, no escapes, and ending at the first NUL byte, as a C
 * string does (so "\0anything" names include_dir itself). */
static bool include_name(const char *p, const char *end, char *out, size_t out_len)
{
	const char *quote = memchr(p, '"', (size_t)(end - p));
	size_t n;

	if (!quote)
		return false;
	n = strnlen(p, (size_t)(quote - p));
	if (n >= out_len)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* libconfig 1.5's scanner calls exit(2) ("input in flex scanner failed")
 * when an @include names something it can open but not read as text: a
 * directory (`@include ""` or `@include "conf.d"`), and a device or FIFO
 * would hang or flood it. A typo in a reload must not stop the daemon, so
 * every @include, nested ones too, is checked here first and only regular
 * files (or missing ones, which libconfig reports itself) get through.
 * libconfig resolves each name as include_dir + "/" + name, whatever file
 * it appears in; so does this. */
static void check_includes(struct loader *l, const char *path, const char *shown, int depth)
{
	char *text = NULL;
	size_t len = 0;
	unsigned n = 1;
	FILE *fp, *mem;
	char chunk[4096];
	size_t got;

	if (depth > 10) /* libconfig's own nesting limit reports the rest */
		return;
	fp = fopen(path, "re");
	if (!fp)
		return;
	/* The whole file, not line by line: the scanner lets an @include's
	 * string run on across newlines up to the next quote. */
	mem = open_memstream(&text, &len);
	if (!mem) {
		fclose(fp);
		return;
	}
	while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
		fwrite(chunk, 1, got, mem);
	explicit_bzero(chunk, sizeof chunk);
	fclose(fp);
	if (fclose(mem) != 0) {
		free(text);
		return;
	}
	for (const char *line = text, *end = text + len; line < end; n++) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *p = line + strspn(line, " \t");
		char name[PATH_MAX], target[PATH_MAX * 2];
		struct stat st;

		line = eol ? eol + 1 : end;
		if ((size_t)(end - p) < 9 || strncmp(p, "@include", 8) != 0)
			continue;
		p += 8;
		if (*p != ' ' && *p != '\t')
			continue;
		p += strspn(p, " \t");
		if (p >= end || *p++ != '"' || !include_name(p, end, name, sizeof name))
			continue;
		snprintf(target, sizeof target, "%s/%s", l->include_dir, name);
		if (stat(target, &st) != 0)
			continue;
		if (!S_ISREG(st.st_mode)) {
			complain_file(l, shown, n, "@include \"%s\": %s is not a regular file", name, target);
			continue;
		}
		check_includes(l, target, target, depth + 1);
	}
	/* The file may also hold mysql.password. */
	explicit_bzero(text, len);
	free(text);
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
		int before = l->errors;

		check_includes(l, l->path, l->path, 0);
		if (l->errors > before)
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
		check_cluster_client(l);
		check_auth_subjects(l);
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

/* ---- the table, described (clustercheckd.conf(5) is generated from it) ---- */

size_t cfg_key_count(void)
{
	return CFG_KEY_COUNT;
}

int cfg_key_describe(size_t i, struct cfg_key_info *out)
{
	const struct cfg_key *k;
	char choices[256];

	if (i >= CFG_KEY_COUNT)
		return -1;
	k = &cfg_keys[i];
	memset(out, 0, sizeof *out);
	full_name(k, out->name, sizeof out->name);
	out->help = k->help ? k->help : "";
	switch (k->type) {
	case CFG_STRING:
		out->type = "string";
		snprintf(out->def, sizeof out->def, "\"%s\"", k->def_str);
		break;
	case CFG_ENUM:
		out->type = "string";
		snprintf(out->def, sizeof out->def, "\"%s\"", k->def_str);
		list_choices(k->choices, true, choices, sizeof choices);
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
			list_choices(k->choices, false, choices, sizeof choices);
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
