/* Configuration loader: every key, every kind of error with its exact
 * file:line, the permission rule for passwords, includes, listen
 * addresses, and the shipped reference file. Fixtures are written to a
 * temporary directory so that their content and mode are known. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libconfig.h>

#include "cfg.h"
#include "verdict.h"

#define MAX_MESSAGES 24
#define MESSAGE_MAX (PATH_MAX + 1024)

struct messages {
	int count;
	char text[MAX_MESSAGES][MESSAGE_MAX];
};

static struct messages seen;
static char tmpdir[256];

struct path {
	char s[PATH_MAX];
};

static void collect(void *ctx, const char *msg)
{
	struct messages *m = ctx;

	if (m->count < MAX_MESSAGES)
		snprintf(m->text[m->count], MESSAGE_MAX, "%s", msg);
	m->count++;
}

static int load(struct cfg *c, const char *path, bool must_exist)
{
	memset(&seen, 0, sizeof seen);
	return cfg_load(c, path, must_exist, collect, &seen);
}

static struct path in_tmpdir(const char *name)
{
	struct path p;
	int n = snprintf(p.s, sizeof p.s, "%s/%s", tmpdir, name);

	assert_true(n > 0 && (size_t)n < sizeof p.s);
	return p;
}

/* chmod after writing: the mode must not depend on the umask. */
static struct path fixture(const char *name, mode_t mode, const char *text)
{
	struct path p = in_tmpdir(name);
	FILE *fp = fopen(p.s, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(p.s, mode), 0);
	return p;
}

static void print_seen(void)
{
	for (int i = 0; i < seen.count && i < MAX_MESSAGES; i++)
		print_message("    reported: %s\n", seen.text[i]);
}

/* Each expected message is what follows the file name: ":3: ..." or ": ...". */
static void assert_messages(const char *file, const char *const *expected)
{
	int n = 0;

	while (expected[n])
		n++;
	if (seen.count != n)
		print_seen();
	assert_int_equal(seen.count, n);
	for (int i = 0; i < n; i++) {
		char want[MESSAGE_MAX];

		snprintf(want, sizeof want, "%s%s", file, expected[i]);
		if (strcmp(want, seen.text[i]) != 0)
			print_seen();
		assert_string_equal(seen.text[i], want);
	}
}

static void assert_no_message_contains(const char *needle)
{
	for (int i = 0; i < seen.count && i < MAX_MESSAGES; i++)
		assert_null(strstr(seen.text[i], needle));
}

/* Field by field rather than memcmp: padding says nothing about a config. */
static void assert_same_settings(const struct cfg *a, const struct cfg *b)
{
	assert_string_equal(a->listen, b->listen);
	assert_int_equal(a->log, b->log);
	assert_int_equal(a->http_timeout_s, b->http_timeout_s);
	assert_int_equal(a->http_max_connections, b->http_max_connections);
	assert_int_equal(a->http_max_connections_per_ip, b->http_max_connections_per_ip);
	assert_int_equal(a->bodies, b->bodies);
	assert_string_equal(a->tls.cert, b->tls.cert);
	assert_string_equal(a->tls.key, b->tls.key);
	assert_string_equal(a->tls.client_ca, b->tls.client_ca);
	assert_string_equal(a->mysql.socket, b->mysql.socket);
	assert_string_equal(a->mysql.host, b->mysql.host);
	assert_int_equal(a->mysql.port, b->mysql.port);
	assert_string_equal(a->mysql.user, b->mysql.user);
	assert_string_equal(a->mysql.password, b->mysql.password);
	assert_string_equal(a->mysql.defaults_file, b->mysql.defaults_file);
	assert_string_equal(a->mysql.defaults_group, b->mysql.defaults_group);
	assert_int_equal(a->mysql.connect_timeout_s, b->mysql.connect_timeout_s);
	assert_int_equal(a->mysql.read_timeout_s, b->mysql.read_timeout_s);
	assert_int_equal(a->mysql.write_timeout_s, b->mysql.write_timeout_s);
	assert_int_equal(a->poll_interval_ms, b->poll_interval_ms);
	assert_int_equal(a->policy.donor, b->policy.donor);
	assert_int_equal(a->policy.read_only_ok, b->policy.read_only_ok);
	assert_int_equal(a->policy.min_cluster_size, b->policy.min_cluster_size);
	assert_int_equal(a->policy.max_recv_queue, b->policy.max_recv_queue);
	assert_int_equal(a->policy.stale_after_ms, b->policy.stale_after_ms);
	assert_int_equal(a->policy.drain_code, b->policy.drain_code);
	assert_int_equal(a->drain_seconds, b->drain_seconds);
	assert_string_equal(a->maint_file, b->maint_file);
	assert_string_equal(a->ctl_socket, b->ctl_socket);
	assert_int_equal(a->ctl_mode, b->ctl_mode);
	assert_string_equal(a->ctl_group, b->ctl_group);
	assert_string_equal(a->agent_listen, b->agent_listen);
	assert_int_equal(a->agent_queue_step, b->agent_queue_step);
	assert_int_equal(a->agent_min_weight, b->agent_min_weight);
	assert_string_equal(a->cluster.name, b->cluster.name);
	assert_int_equal(a->cluster.npeers, b->cluster.npeers);
	assert_int_equal(a->cluster.handover_ms, b->cluster.handover_ms);
	assert_int_equal(a->cluster.failback_delay_ms, b->cluster.failback_delay_ms);
	assert_int_equal(a->cluster.timeout_ms, b->cluster.timeout_ms);
	assert_string_equal(a->cluster.recovered_file, b->cluster.recovered_file);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/test_cfg.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	return nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- defaults ---- */

static void test_defaults(void **state)
{
	struct cfg c;

	(void)state;
	memset(&c, 0x5a, sizeof c);
	cfg_defaults(&c);
	assert_string_equal(c.path, "");
	assert_string_equal(c.listen, "0.0.0.0:9200");
	assert_int_equal(c.log, LOG_TO_STDERR);
	assert_int_equal(c.http_timeout_s, 5);
	assert_int_equal(c.http_max_connections, 16384);
	assert_int_equal(c.http_max_connections_per_ip, 128);
	assert_int_equal(c.bodies, BODIES_CLUSTERCHECKD);
	assert_string_equal(c.mysql.socket, "/run/mysqld/mysqld.sock");
	assert_string_equal(c.mysql.host, "");
	assert_int_equal(c.mysql.port, 3306);
	assert_string_equal(c.mysql.user, "clustercheck");
	assert_string_equal(c.mysql.password, "");
	assert_string_equal(c.mysql.defaults_file, "");
	assert_string_equal(c.mysql.defaults_group, "");
	assert_int_equal(c.mysql.connect_timeout_s, 1);
	assert_int_equal(c.mysql.read_timeout_s, 1);
	assert_int_equal(c.mysql.write_timeout_s, 1);
	assert_int_equal(c.poll_interval_ms, 500);

	assert_int_equal(c.policy.donor, DONOR_NEVER);
	assert_true(c.policy.read_only_ok);
	assert_int_equal(c.policy.min_cluster_size, 1);
	assert_int_equal(c.policy.max_recv_queue, 0);
	assert_int_equal(c.policy.stale_after_ms, 3000);
	assert_int_equal(c.policy.drain_code, 404);
	assert_int_equal(c.live.grace_ms, 30000);

	assert_false(c.debug);
	assert_int_equal(c.drain_seconds, 10);
	assert_string_equal(c.maint_file, "/var/tmp/clustercheck.disabled");
	assert_string_equal(c.ctl_socket, "/run/clustercheckd/ctl.sock");
	assert_int_equal(c.ctl_mode, 0660);
	assert_string_equal(c.ctl_group, "");
	assert_string_equal(c.agent_listen, "");
	assert_int_equal(c.agent_queue_step, 0);
	assert_int_equal(c.agent_min_weight, 10);
}

/* The table's names are the file's spelling and /status's (cfg_value_name). */
static void test_donor_names_load_and_name_back(void **state)
{
	static const struct { const char *name; enum donor_policy value; } donors[] = {
		{"never", DONOR_NEVER}, {"always", DONOR_ALWAYS}, {"non-blocking", DONOR_NON_BLOCKING},
		{"last-node", DONOR_LAST_NODE}, {"drain", DONOR_DRAIN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof donors / sizeof donors[0]; i++) {
		char text[64];
		struct cfg c;

		cfg_defaults(&c);
		snprintf(text, sizeof text, "policy = { donor = \"%s\"; };\n", donors[i].name);
		struct path p = fixture("donor.conf", 0600, text);
		assert_int_equal(load(&c, p.s, true), 0);
		assert_int_equal(c.policy.donor, donors[i].value);
		assert_string_equal(cfg_value_name("policy.donor", c.policy.donor), donors[i].name);
	}
	assert_string_equal(cfg_value_name("policy.donor", 99), "?");
	assert_string_equal(cfg_value_name("log", LOG_TO_SYSLOG), "syslog");
	assert_string_equal(cfg_value_name("policy.drain_code", 503), "503");
	assert_string_equal(cfg_value_name("no.such_key", 0), "?");
	assert_string_equal(cfg_value_name("mysql.port", 3306), "?");
}

/* ---- good files ---- */

static void test_full_file(void **state)
{
	struct cfg c;
	struct path p = fixture("full.conf", 0600,
		"# every key, none at its default\n"
		"listen = \"[::1]:9300\";\n"
		"log = \"syslog\";\n"
		"http = {\n"
		"\ttimeout = 30;\n"
		"\tmax_connections = 50;\n"
		"\tmax_connections_per_ip = 0;\n"
		"\tbodies = \"clustercheck\";\n"
		"};\n"
		"mysql = {\n"
		"\tsocket = \"/var/lib/mysql/mysql.sock\";\n"
		"\thost = \"10.0.0.5\";\n"
		"\tport = 3307;\n"
		"\tuser = \"monitor\";\n"
		"\tpassword = \"s3cret\";\n"
		"\tdefaults_file = \"/etc/clustercheckd/client.cnf\";\n"
		"\tdefaults_group = \"clustercheckd\";\n"
		"\tconnect_timeout = 2;\n"
		"\tread_timeout = 3;\n"
		"\twrite_timeout = 4;\n"
		"};\n"
		"poll = {\n"
		"\tinterval_ms = 250;\n"
		"\tstale_after_ms = 1000;\n"
		"};\n"
		"policy = {\n"
		"\tdonor = \"non-blocking\";\n"
		"\tread_only_ok = false;\n"
		"\tmin_cluster_size = 2;\n"
		"\tmax_recv_queue = 100;\n"
		"\tdrain_code = 503;\n"
		"};\n"
		"drain = { seconds = 0; maint_file = \"\"; };\n"
		"ctl = { socket = \"/tmp/x/ctl.sock\"; mode = \"0600\"; };\n"
		"agent = { listen = \"127.0.0.1:9201\"; queue_step = 5; min_weight = 20; };\n");

	(void)state;
	cfg_defaults(&c);
	if (load(&c, p.s, true) != 0)
		print_seen();
	assert_int_equal(seen.count, 0);
	assert_string_equal(c.path, p.s);
	assert_string_equal(c.listen, "[::1]:9300");
	assert_int_equal(c.log, LOG_TO_SYSLOG);
	assert_int_equal(c.http_timeout_s, 30);
	assert_int_equal(c.http_max_connections, 50);
	assert_int_equal(c.http_max_connections_per_ip, 0);
	assert_int_equal(c.bodies, BODIES_CLUSTERCHECK);
	assert_string_equal(c.mysql.socket, "/var/lib/mysql/mysql.sock");
	assert_string_equal(c.mysql.host, "10.0.0.5");
	assert_int_equal(c.mysql.port, 3307);
	assert_string_equal(c.mysql.user, "monitor");
	assert_string_equal(c.mysql.password, "s3cret");
	assert_string_equal(c.mysql.defaults_file, "/etc/clustercheckd/client.cnf");
	assert_string_equal(c.mysql.defaults_group, "clustercheckd");
	assert_int_equal(c.mysql.connect_timeout_s, 2);
	assert_int_equal(c.mysql.read_timeout_s, 3);
	assert_int_equal(c.mysql.write_timeout_s, 4);
	assert_int_equal(c.poll_interval_ms, 250);
	assert_int_equal(c.policy.stale_after_ms, 1000);
	assert_int_equal(c.policy.donor, DONOR_NON_BLOCKING);
	assert_false(c.policy.read_only_ok);
	assert_int_equal(c.policy.min_cluster_size, 2);
	assert_int_equal(c.policy.max_recv_queue, 100);
	assert_int_equal(c.policy.drain_code, 503);
	assert_int_equal(c.drain_seconds, 0);
	assert_string_equal(c.maint_file, "");
	assert_string_equal(c.ctl_socket, "/tmp/x/ctl.sock");
	assert_int_equal(c.ctl_mode, 0600);
	assert_string_equal(c.agent_listen, "127.0.0.1:9201");
	assert_int_equal(c.agent_queue_step, 5);
	assert_int_equal(c.agent_min_weight, 20);
}

/* Other spellings libconfig accepts: ':' assignment, L suffix, hex, TRUE. */
static void test_alternative_syntax(void **state)
{
	struct cfg c;
	struct path p = fixture("syntax.conf", 0600,
		"http: { timeout: 7L; };\n"
		"mysql = { port = 0xCEA; };  // 3306\n"
		"policy = { read_only_ok = FALSE; /* then */ max_recv_queue = 10000000; };\n"
		"poll = { interval_ms = 50; stale_after_ms = 600000; };\n");

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(load(&c, p.s, true), 0);
	assert_int_equal(c.http_timeout_s, 7);
	assert_int_equal(c.mysql.port, 3306);
	assert_false(c.policy.read_only_ok);
	assert_int_equal(c.policy.max_recv_queue, 10000000);
	assert_int_equal(c.poll_interval_ms, 50);
	assert_int_equal(c.policy.stale_after_ms, 600000);
}

static void test_empty_file_keeps_everything(void **state)
{
	struct cfg c, before;
	struct path p = fixture("empty.conf", 0644, "# nothing set\n");

	(void)state;
	cfg_defaults(&c);
	c.poll_interval_ms = 700; /* as if from the command line */
	before = c;
	assert_int_equal(load(&c, p.s, true), 0);
	assert_same_settings(&c, &before);
	assert_string_equal(c.path, p.s);
}

/* The file is read over what *c already holds, not over fresh defaults. */
static void test_loads_over_callers_values(void **state)
{
	struct cfg c;
	struct path p = fixture("over.conf", 0600, "log = \"syslog\";\n");

	(void)state;
	cfg_defaults(&c);
	c.poll_interval_ms = 700;
	snprintf(c.mysql.user, sizeof c.mysql.user, "%s", "other");
	assert_int_equal(load(&c, p.s, true), 0);
	assert_int_equal(c.log, LOG_TO_SYSLOG);
	assert_int_equal(c.poll_interval_ms, 700);
	assert_string_equal(c.mysql.user, "other");
}

struct bounds_case {
	const char *group, *key;
	long long min, max;
	const char *also; /* keeps cross-checks quiet */
};

static const struct bounds_case bounds_cases[] = {
	{"http", "timeout", 1, 300, ""},
	{"http", "max_connections", 1, 100000, ""},
	{"http", "max_connections_per_ip", 0, 100000, ""},
	{"mysql", "port", 1, 65535, ""},
	{"mysql", "connect_timeout", 1, 60, ""},
	{"mysql", "read_timeout", 1, 60, ""},
	{"mysql", "write_timeout", 1, 60, ""},
	{"poll", "interval_ms", 50, 60000, "stale_after_ms = 600000;"},
	{"poll", "stale_after_ms", 100, 600000, "interval_ms = 50;"},
	{"policy", "min_cluster_size", 1, 1000, ""},
	{"policy", "max_recv_queue", 0, 10000000, ""},
	{"live", "grace_ms", 1000, 86400000, ""},
	{"drain", "seconds", 0, 3600, ""},
	{"agent", "queue_step", 0, 100, ""},
	{"agent", "min_weight", 1, 100, ""},
};

/* Both ends of every range are accepted, one step beyond is refused. */
static void test_integer_bounds(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bounds_cases / sizeof bounds_cases[0]; i++) {
		const struct bounds_case *b = &bounds_cases[i];
		long long values[4] = {b->min, b->max, b->min - 1, b->max + 1};

		for (int j = 0; j < 4; j++) {
			char text[256], want[256];
			struct cfg c;

			snprintf(text, sizeof text, "%s = {\n\t%s = %lld;\n\t%s\n};\n",
				 b->group, b->key, values[j], b->also);
			struct path p = fixture("bounds.conf", 0600, text);
			cfg_defaults(&c);
			load(&c, p.s, true);
			if (j < 2) {
				if (seen.count)
					print_seen();
				assert_int_equal(seen.count, 0);
				continue;
			}
			snprintf(want, sizeof want, ":2: %s.%s: %lld is out of range (%lld..%lld)",
				 b->group, b->key, values[j], b->min, b->max);
			assert_messages(p.s, (const char *const[]){want, NULL});
		}
	}
}

/* ---- errors, one kind per file, with the exact line ---- */

#define X16 "xxxxxxxxxxxxxxxx"

struct error_case {
	const char *what;
	const char *text;
	const char *expected[6];
};

static const struct error_case error_cases[] = {
	{"unknown key in a group",
	 "http = {\n\ttimeout = 5;\n\tbogus = 1;\n};\n",
	 {":3: unknown setting 'http.bogus'"}},
	{"key outside its group",
	 "listen = \":9200\";\ntimeout = 5;\n",
	 {":2: unknown setting 'timeout' (did you mean 'http.timeout'?)"}},
	{"misspelt key",
	 "poll = {\n\tintervl_ms = 100;\n};\n",
	 {":2: unknown setting 'poll.intervl_ms' (did you mean 'poll.interval_ms'?)"}},
	{"misspelt group",
	 "\nhtpp = {\n\ttimeout = 5;\n};\n",
	 {":2: unknown group 'htpp' (did you mean 'http'?)"}},
	{"unknown group",
	 "extra = { a = 1; };\n",
	 {":1: unknown group 'extra'"}},
	{"group inside a group",
	 "mysql = {\n\tssl = { ca = \"x\"; };\n};\n",
	 {":2: unknown group 'mysql.ssl'"}},
	{"unknown key in a nested group",
	 "http = {\n\ttls = {\n\t\tclientca = \"/x\";\n\t};\n};\n",
	 {":3: unknown setting 'http.tls.clientca' (did you mean 'http.tls.client_ca'?)"}},
	{"scalar where a nested group belongs",
	 "http = {\n\ttls = \"/etc/cert.pem\";\n};\n",
	 {":2: http.tls: expected a group (tls = { ... };), got a string"}},
	{"a certificate without its key",
	 "http = { tls = {\n\tcert = \"/nonexistent/cert.pem\";\n}; };\n",
	 {":2: http.tls needs both cert and key (or neither, for plain HTTP)"}},
	{"an unreadable certificate",
	 "http = { tls = {\n\tcert = \"/nonexistent/cert.pem\";\n\tkey = \"/nonexistent/key.pem\";\n}; };\n",
	 {":2: http.tls.cert: cannot read /nonexistent/cert.pem: No such file or directory"}},
	{"a relative certificate path",
	 "http = { tls = {\n\tcert = \"cert.pem\";\n}; };\n",
	 {":2: http.tls.cert: \"cert.pem\" is not an absolute path"}},
	{"scalar where a group belongs",
	 "policy = 5;\n",
	 {":1: policy: expected a group (policy = { ... };), got an integer"}},
	{"group where a scalar belongs",
	 "listen = { port = 9200; };\n",
	 {":1: listen: expected a string, got a group"}},
	{"array where a scalar belongs",
	 "log = [\"syslog\"];\n",
	 {":1: log: expected a string, got an array"}},
	{"float for an integer",
	 "http = {\n\ttimeout = 1.5;\n};\n",
	 {":2: http.timeout: expected an integer, got a floating-point number"}},
	{"quoted integer",
	 "mysql = {\n\tport = \"3306\";\n};\n",
	 {":2: mysql.port: expected an integer, got a string (remove the quotes)"}},
	{"integer for a boolean",
	 "policy = { read_only_ok = 1; };\n",
	 {":1: policy.read_only_ok: expected true or false, got an integer"}},
	{"string for a boolean",
	 "policy = { read_only_ok = \"yes\"; };\n",
	 {":1: policy.read_only_ok: expected true or false, got a string"}},
	{"integer for a string",
	 "mysql = { user = 5; };\n",
	 {":1: mysql.user: expected a string, got an integer (put it in double quotes)"}},
	{"boolean for an enum",
	 "log = true;\n",
	 {":1: log: expected a string, got a boolean"}},
	{"overflow",
	 "mysql = {\n\tport = 99999999999;\n};\n",
	 {":2: mysql.port: 99999999999 is out of range (1..65535)"}},
	{"overflow that wraps into the range",
	 "http = { timeout = 4294967297; };\n",
	 {":1: http.timeout: 4294967297 is out of range (1..300)"}},
	{"hex overflow that wraps into the range",
	 "policy = { max_recv_queue = 0x100000005; };\n",
	 {":1: policy.max_recv_queue: 0x100000005 is out of range (0..10000000)"}},
	{"hex that reads as negative",
	 "http = { max_connections = 0xFFFFFFFF; };\n",
	 {":1: http.max_connections: 0xFFFFFFFF is out of range (1..100000)"}},
	{"64-bit value",
	 "policy = { max_recv_queue = 99999999999L; };\n",
	 {":1: policy.max_recv_queue: 99999999999 is out of range (0..10000000)"}},
	{"negative",
	 "http = { max_connections_per_ip = -1; };\n",
	 {":1: http.max_connections_per_ip: -1 is out of range (0..100000)"}},
	{"bad enum",
	 "policy = {\n\tdonor = \"sometimes\";\n};\n",
	 {":2: policy.donor: \"sometimes\" is not a valid value; use \"never\", \"always\", "
	  "\"non-blocking\", \"last-node\" or \"drain\""}},
	{"enum names are case-sensitive",
	 "log = \"SYSLOG\";\n",
	 {":1: log: \"SYSLOG\" is not a valid value; use \"stderr\" or \"syslog\""}},
	{"control characters are not echoed",
	 "http = { bodies = \"a\\x1bb\"; };\n",
	 {":1: http.bodies: \"a?b\" is not a valid value; use \"clustercheckd\" or \"clustercheck\""}},
	{"drain code other than 404 or 503",
	 "policy = { drain_code = 500; };\n",
	 {":1: policy.drain_code: 500 is not allowed; use 404 or 503"}},
	{"relative ctl socket",
	 "ctl = { socket = \"ctl.sock\"; };\n",
	 {":1: ctl.socket: \"ctl.sock\" is not an absolute path"}},
	{"ctl mode other than 0600 or 0660",
	 "ctl = { mode = \"0666\"; };\n",
	 {":1: ctl.mode: \"0666\" is not a valid value; use \"0600\" or \"0660\""}},
	{"agent listen without port",
	 "agent = { listen = \"127.0.0.1\"; };\n",
	 {":1: agent.listen: \"127.0.0.1\" is not ADDR:PORT or [IPv6]:PORT: missing :PORT"}},
	{"string too long for its buffer",
	 "mysql = { defaults_group = \"" X16 X16 X16 X16 "\"; };\n",
	 {":1: mysql.defaults_group: too long (64 bytes, at most 63)"}},
	{"listen without port",
	 "listen = \"localhost\";\n",
	 {":1: listen: \"localhost\" is not ADDR:PORT or [IPv6]:PORT: missing :PORT"}},
	{"listen on port 0",
	 "\nlisten = \"0.0.0.0:0\";\n",
	 {":2: listen: \"0.0.0.0:0\" is not ADDR:PORT or [IPv6]:PORT: "
	  "the port must be a number from 1 to 65535"}},
	{"stale_after_ms equal to interval_ms",
	 "poll = {\n\tinterval_ms = 5000;\n\tstale_after_ms = 5000;\n};\n",
	 {":3: poll.stale_after_ms (5000) must be greater than poll.interval_ms (5000)"}},
	{"interval_ms above the default stale_after_ms",
	 "poll = {\n\tinterval_ms = 4000;\n};\n",
	 {":2: poll.stale_after_ms (3000) must be greater than poll.interval_ms (4000)"}},
	{"syntax error",
	 "http = {\n\ttimeout = ;\n};\n",
	 {":2: syntax error"}},
	{"duplicate key",
	 "log = \"stderr\";\nlog = \"syslog\";\n",
	 {":2: duplicate setting name"}},
	{"several errors, all reported in file order",
	 "# five mistakes\n"
	 "listen = \"127.0.0.1:9201\";\n"
	 "http = {\n"
	 "\ttimeout = 0;\n"
	 "\tbodies = \"percona\";\n"
	 "};\n"
	 "mysql = {\n"
	 "\tport = \"3306\";\n"
	 "\tsock = \"/tmp/x\";\n"
	 "};\n"
	 "policy = { read_only_ok = 1; };\n",
	 {":4: http.timeout: 0 is out of range (1..300)",
	  ":5: http.bodies: \"percona\" is not a valid value; use \"clustercheckd\" or \"clustercheck\"",
	  ":8: mysql.port: expected an integer, got a string (remove the quotes)",
	  ":9: unknown setting 'mysql.sock' (did you mean 'mysql.socket'?)",
	  ":11: policy.read_only_ok: expected true or false, got an integer"}},
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
		const struct error_case *e = &error_cases[i];
		struct cfg c;
		int n = 0;

		while (e->expected[n])
			n++;
		print_message("  case: %s\n", e->what);
		struct path p = fixture("error.conf", 0600, e->text);
		cfg_defaults(&c);
		assert_int_equal(load(&c, p.s, true), n);
		assert_messages(p.s, e->expected);
	}
}

/* *c is all or nothing: good keys next to a bad one are not applied. */
static void test_untouched_after_errors(void **state)
{
	static const char *const texts[] = {
		"log = \"syslog\";\nmysql = { port = 3307; user = \"x\"; };\npoll = { interval_ms = 1; };\n",
		"log = \"syslog\";\nhttp = {\n",
		"mysql = { password = \"pw\"; };\n",
	};
	static const mode_t modes[] = {0600, 0600, 0644};

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct cfg c, before;
		struct path p = fixture("untouched.conf", modes[i], texts[i]);

		memset(&c, 0, sizeof c);
		cfg_defaults(&c);
		snprintf(c.path, sizeof c.path, "%s", "/previous.conf");
		c.poll_interval_ms = 900;
		memcpy(&before, &c, sizeof c);
		assert_true(load(&c, p.s, true) > 0);
		assert_memory_equal(&c, &before, sizeof c);
	}

	struct cfg c, before;
	struct path missing = in_tmpdir("does-not-exist.conf");

	cfg_defaults(&c);
	memcpy(&before, &c, sizeof c);
	assert_int_equal(load(&c, missing.s, true), 1);
	assert_memory_equal(&c, &before, sizeof c);
}

static void test_null_report_still_counts(void **state)
{
	struct cfg c;
	struct path p = fixture("null-report.conf", 0600, "bogus = 1;\nlog = 1;\n");

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(cfg_load(&c, p.s, true, NULL, NULL), 2);
}

/* ---- files that cannot be read ---- */

static void test_missing_named_file(void **state)
{
	struct cfg c;
	struct path p = in_tmpdir("absent.conf");

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(load(&c, p.s, true), 1);
	assert_messages(p.s, (const char *const[]){": cannot open: No such file or directory", NULL});
}

static void test_missing_default_file(void **state)
{
	struct cfg c, before;
	struct path p = in_tmpdir("absent.conf");

	(void)state;
	cfg_defaults(&c);
	snprintf(c.path, sizeof c.path, "%s", "/stale/path.conf");
	before = c;
	assert_int_equal(load(&c, p.s, false), 0);
	assert_int_equal(seen.count, 0);
	assert_string_equal(c.path, "");
	assert_same_settings(&c, &before);
}

static void test_directory_is_refused(void **state)
{
	struct cfg c;

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(load(&c, tmpdir, false), 1);
	assert_messages(tmpdir, (const char *const[]){": is a directory", NULL});
}

/* Root reads anything, so root drops to nobody for the attempt. */
static void test_unreadable_file(void **state)
{
	struct cfg c;
	struct path p = fixture("unreadable.conf", 0000, "log = \"syslog\";\n");
	bool root = geteuid() == 0;
	int errors;

	(void)state;
	if (root)
		assert_int_equal(seteuid(65534), 0);
	cfg_defaults(&c);
	errors = load(&c, p.s, false);
	if (root)
		assert_int_equal(seteuid(0), 0);
	assert_int_equal(errors, 1);
	assert_messages(p.s, (const char *const[]){": cannot open: Permission denied", NULL});
}

/* ---- passwords and file modes ---- */

static void test_password_needs_private_file(void **state)
{
	struct cfg c;
	struct path p = fixture("pw0644.conf", 0644,
				"mysql = {\n\tuser = \"u\";\n\tpassword = \"hunter2-secret\";\n};\n");

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(load(&c, p.s, true), 1);
	assert_messages(p.s, (const char *const[]){
		": holds mysql.password but is readable by group/other (mode 0644); "
		"chmod 600 it or move the credentials to mysql.defaults_file", NULL});
	assert_no_message_contains("hunter2");
	assert_string_equal(c.mysql.password, "");

	p = fixture("pw0640.conf", 0640, "mysql = { password = \"pw\"; };\n");
	assert_int_equal(load(&c, p.s, true), 1);
	assert_messages(p.s, (const char *const[]){
		": holds mysql.password but is readable by group/other (mode 0640); "
		"chmod 600 it or move the credentials to mysql.defaults_file", NULL});

	p = fixture("pw0620.conf", 0620, "mysql = { password = \"pw\"; };\n");
	assert_int_equal(load(&c, p.s, true), 1);
	assert_messages(p.s, (const char *const[]){
		": holds mysql.password but is writable by group/other (mode 0620); "
		"chmod 600 it or move the credentials to mysql.defaults_file", NULL});
}

#define GOOD_HASH "$2b$10$GE1Lo1bbcWTL4YLKSBKb/OyYYnnSGZwMO72mbv8.b6IvD5KHcwWXq"

static void test_auth_users(void **state)
{
	struct cfg c;
	struct path p = fixture("auth-good.conf", 0644,
		"http = { auth = {\n"
		"  users = ( { name = \"prometheus\"; hash = \"" GOOD_HASH "\"; },\n"
		"            { name = \"scraper\"; hash = \"" GOOD_HASH "\"; } );\n"
		"  protect = \"all\";\n"
		"}; };\n");

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(c.auth.nusers, 0);
	assert_int_equal(c.auth.protect, AUTH_PROTECT_INFO);
	if (load(&c, p.s, true) != 0)
		print_seen();
	assert_int_equal(seen.count, 0);
	assert_int_equal(c.auth.nusers, 2);
	assert_int_equal(c.auth.protect, AUTH_PROTECT_ALL);
	assert_string_equal(c.auth.users[0].name, "prometheus");
	assert_string_equal(c.auth.users[0].hash, GOOD_HASH);
	assert_string_equal(c.auth.users[1].name, "scraper");

	/* A subject comes only from a certificate http.tls.client_ca verified. */
	p = fixture("auth-subject.conf", 0644,
		"http = { auth = {\n"
		"  users = ( { name = \"scraper\"; subject = \"CN=scraper,O=db\"; } );\n"
		"}; };\n");
	assert_int_equal(load(&c, p.s, true), 1);
	assert_messages(p.s, (const char *const[]){
		":2: http.auth.users: user \"scraper\" has a subject, but http.tls.client_ca is not set: no client certificate is asked for",
		NULL});
}

static void test_auth_users_errors(void **state)
{
	struct cfg c;
	struct path p = fixture("auth-bad.conf", 0644,
		"http = { auth = {\n"                                                  /* 1 */
		"  users = ( { name = \"a\"; hash = \"hunter2-clear\"; },\n"           /* 2 */
		"            { name = \"b\"; hash = \"" GOOD_HASH "\"; subject = \"CN=b\"; },\n" /* 3 */
		"            { name = \"c\"; },\n"                                    /* 4 */
		"            { name = \"d:e\"; hash = \"" GOOD_HASH "\"; },\n"        /* 5 */
		"            { name = \"f\"; hash = \"" GOOD_HASH "\"; password = \"x\"; },\n" /* 6 */
		"            { name = \"g\"; hash = \"$2y$31$GE1Lo1bbcWTL4YLKSBKb/OyYYnnSGZwMO72mbv8.b6IvD5KHcwWXq\"; },\n" /* 7 */
		"            { name = \"h\"; hash = \"" GOOD_HASH "\"; },\n"          /* 8 */
		"            { name = \"h\"; hash = \"" GOOD_HASH "\"; } );\n"        /* 9 */
		"  protect = \"some\";\n"                                             /* 10 */
		"  realm = \"x\";\n"                                                  /* 11 */
		"}; };\n");
	static const char *const expected[] = {
		":2: http.auth.users: hash is not a bcrypt ($2b$, $2y$) or yescrypt ($y$) hash "
		"(a clear password is never accepted; see docs/auth.md)",
		":3: http.auth.users: user \"b\" needs exactly one of hash and subject",
		":4: http.auth.users: user \"c\" needs exactly one of hash and subject",
		":5: http.auth.users: name: a user name cannot hold ':' (basic auth splits there)",
		":6: http.auth.users: unknown setting 'password' (a user has name, and hash or subject)",
		":7: http.auth.users: hash has bcrypt cost 31: use 4 to 14 (10 is usual)",
		":9: http.auth.users: duplicate user \"h\"",
		":10: http.auth.protect: \"some\" is not a valid value; use \"info\", \"all\" or \"none\"",
		":11: unknown setting 'http.auth.realm'",
		NULL,
	};

	(void)state;
	cfg_defaults(&c);
	assert_int_not_equal(load(&c, p.s, true), 0);
	assert_messages(p.s, expected);
	assert_no_message_contains("hunter2");
	assert_int_equal(c.auth.nusers, 0);
}

static void test_cluster_client(void **state)
{
	struct cfg c;
	struct path pw = fixture("peer-password", 0600, "s3cret\n");
	struct path pw_public = fixture("peer-password-public", 0644, "s3cret\n");
	char text[2 * PATH_MAX];
	struct path p;

	(void)state;
	snprintf(text, sizeof text, "cluster = { tls_ca = \"/etc/ssl/ca.pem\"; user = \"peer\"; password_file = \"%s\"; };\n", pw.s);
	p = fixture("client-good.conf", 0600, text);
	cfg_defaults(&c);
	if (load(&c, p.s, true) != 0)
		print_seen();
	assert_int_equal(seen.count, 0);
	assert_string_equal(c.cluster_client.user, "peer");
	assert_string_equal(c.cluster_client.tls_ca, "/etc/ssl/ca.pem");
	assert_string_equal(c.cluster_client.password_file, pw.s);

	snprintf(text, sizeof text, "cluster = {\n user = \"peer\";\n password_file = \"%s\";\n};\n", pw_public.s);
	p = fixture("client-public.conf", 0600, text);
	cfg_defaults(&c);
	assert_int_equal(load(&c, p.s, true), 1);
	snprintf(text, sizeof text, ":3: cluster.password_file: %s is readable by group/other (mode 0644); chmod 600 it",
		 pw_public.s);
	assert_messages(p.s, (const char *const[]){text, NULL});
	assert_no_message_contains("s3cret");

	p = fixture("client-half.conf", 0600,
		    "cluster = {\n user = \"peer\";\n tls_ca = \"ca.pem\";\n};\n");
	assert_int_equal(load(&c, p.s, true), 2);
	assert_messages(p.s, (const char *const[]){
		":3: cluster.tls_ca: \"ca.pem\" is not an absolute path",
		":2: cluster.user is set but cluster.password_file is not", NULL});

	p = fixture("client-missing.conf", 0600,
		    "cluster = {\n password_file = \"/nonexistent/pw\";\n};\n");
	assert_int_equal(load(&c, p.s, true), 2);
	assert_messages(p.s, (const char *const[]){
		":2: cluster.password_file is set but cluster.user is not",
		":2: cluster.password_file: cannot read /nonexistent/pw: No such file or directory", NULL});
}

static void test_password_in_private_file(void **state)
{
	struct cfg c;
	struct path p = fixture("pw0600.conf", 0600, "mysql = { password = \"hunter2-secret\"; };\n");

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(load(&c, p.s, true), 0);
	assert_string_equal(c.mysql.password, "hunter2-secret");

	p = fixture("pw0400.conf", 0400, "mysql = { password = \"pw\"; };\n");
	assert_int_equal(load(&c, p.s, true), 0);
}

static void test_public_file_without_password(void **state)
{
	struct cfg c;
	struct path p = fixture("public.conf", 0644, "mysql = { user = \"u\"; };\n");

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(load(&c, p.s, true), 0);

	p = fixture("public-empty.conf", 0644, "mysql = { password = \"\"; };\n");
	assert_int_equal(load(&c, p.s, true), 0);
}

static void test_password_never_echoed(void **state)
{
	char text[512];
	struct cfg c;

	(void)state;
	snprintf(text, sizeof text, "mysql = {\n\tpassword = \"hunter2%s\";\n\tbogus = 1;\n};\n",
		 X16 X16 X16 X16 X16 X16 X16 X16 X16 X16 X16 X16 X16 X16 X16 X16);
	struct path p = fixture("pw-long.conf", 0644, text);
	cfg_defaults(&c);
	assert_int_equal(load(&c, p.s, true), 2);
	assert_messages(p.s, (const char *const[]){
		":2: mysql.password: too long (263 bytes, at most 255)",
		":3: unknown setting 'mysql.bogus'", NULL});
	assert_no_message_contains("hunter2");
}

/* ---- includes ---- */

static void test_include_relative_to_file(void **state)
{
	struct cfg c;

	(void)state;
	assert_int_equal(mkdir(in_tmpdir("inc").s, 0700), 0);
	fixture("inc/part.conf", 0600, "mysql = {\n\tport = 3310;\n\tpassword = \"pw\";\n};\n");
	struct path main_conf = fixture("inc/main.conf", 0600, "log = \"syslog\";\n@include \"part.conf\"\n");

	/* The working directory is not the file's: only the include dir works. */
	cfg_defaults(&c);
	assert_int_equal(load(&c, main_conf.s, true), 0);
	assert_int_equal(c.log, LOG_TO_SYSLOG);
	assert_int_equal(c.mysql.port, 3310);
	assert_string_equal(c.mysql.password, "pw");
}

static void test_include_errors_name_the_included_file(void **state)
{
	struct cfg c;

	(void)state;
	assert_int_equal(mkdir(in_tmpdir("inc2").s, 0700), 0);
	struct path part = fixture("inc2/part.conf", 0644,
				   "# included\nmysql = {\n\tprot = 3310;\n\tpassword = \"pw\";\n};\n");
	struct path main_conf = fixture("inc2/main.conf", 0600,
					"log = \"syslog\";\n@include \"part.conf\"\nhttp = { timeout = 0; };\n");

	cfg_defaults(&c);
	assert_int_equal(load(&c, main_conf.s, true), 3);
	assert_int_equal(seen.count, 3);
	char want[MESSAGE_MAX];
	snprintf(want, sizeof want, "%s:3: unknown setting 'mysql.prot' (did you mean 'mysql.port'?)", part.s);
	assert_string_equal(seen.text[0], want);
	snprintf(want, sizeof want, "%s:3: http.timeout: 0 is out of range (1..300)", main_conf.s);
	assert_string_equal(seen.text[1], want);
	/* The password sits in part.conf, so part.conf's mode is the one that counts. */
	snprintf(want, sizeof want, "%s: holds mysql.password but is readable by group/other (mode 0644); "
		 "chmod 600 it or move the credentials to mysql.defaults_file", part.s);
	assert_string_equal(seen.text[2], want);
}

static void test_include_syntax_error_in_included_file(void **state)
{
	struct cfg c;

	(void)state;
	assert_int_equal(mkdir(in_tmpdir("inc3").s, 0700), 0);
	struct path part = fixture("inc3/part.conf", 0600, "\n\nhttp = { timeout = ; };\n");
	struct path main_conf = fixture("inc3/main.conf", 0600, "@include \"part.conf\"\n");

	cfg_defaults(&c);
	assert_int_equal(load(&c, main_conf.s, true), 1);
	assert_messages(part.s, (const char *const[]){":3: syntax error", NULL});
}

/* libconfig 1.5 prefixes the include dir even to absolute paths. */
static void test_absolute_include_explained(void **state)
{
	struct cfg c;
	char text[PATH_MAX + 64], want[MESSAGE_MAX];
	struct path part = fixture("abs-part.conf", 0600, "log = \"syslog\";\n");

	(void)state;
	snprintf(text, sizeof text, "# absolute\n@include \"%s\"\n", part.s);
	struct path main_conf = fixture("abs-main.conf", 0600, text);
	cfg_defaults(&c);
	assert_int_equal(load(&c, main_conf.s, true), 1);
	snprintf(want, sizeof want, ":2: cannot open include file (@include paths are relative to %s "
		 "and cannot be absolute)", tmpdir);
	assert_messages(main_conf.s, (const char *const[]){want, NULL});
}

/* Found by fuzz_cfg: libconfig's scanner exit()s the whole process when an
 * @include names a directory, so a typo in a SIGHUP reload stopped the
 * daemon. It must be an ordinary error, nested includes included. */
static void test_include_of_a_directory_is_an_error_not_an_exit(void **state)
{
	struct cfg c;
	char want[MESSAGE_MAX], want2[MESSAGE_MAX];

	(void)state;
	assert_int_equal(mkdir(in_tmpdir("incdir").s, 0700), 0);
	assert_int_equal(mkdir(in_tmpdir("incdir/conf.d").s, 0700), 0);
	struct path main_conf = fixture("incdir/main.conf", 0600,
					"log = \"syslog\";\n  @include \"\"\n@include \"conf.d\"\n");
	cfg_defaults(&c);
	assert_int_equal(load(&c, main_conf.s, true), 2);
	snprintf(want, sizeof want, ":2: @include \"\": %s/incdir/ is not a regular file", tmpdir);
	snprintf(want2, sizeof want2, ":3: @include \"conf.d\": %s/incdir/conf.d is not a regular file", tmpdir);
	assert_messages(main_conf.s, (const char *const[]){want, want2, NULL});
	snprintf(want2, sizeof want2, ":2: @include \"conf.d\": %s/incdir/conf.d is not a regular file", tmpdir);
	assert_int_equal(c.log, LOG_TO_STDERR);

	/* A NUL byte ends the name where libconfig's C strings end it. */
	static const char nul[] = "@include \"\0conf.d\"\n";
	struct path with_nul = in_tmpdir("incdir/nul.conf");
	FILE *fp = fopen(with_nul.s, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(nul, 1, sizeof nul - 1, fp), sizeof nul - 1);
	fclose(fp);
	chmod(with_nul.s, 0600);
	cfg_defaults(&c);
	assert_int_equal(load(&c, with_nul.s, true), 1);
	snprintf(want, sizeof want, ":1: @include \"\": %s/incdir/ is not a regular file", tmpdir);
	assert_messages(with_nul.s, (const char *const[]){want, NULL});

	/* Found by fuzz_cfg too: the scanner's include string runs on across
	 * newlines to the next quote, so the guard must read past the line. */
	static const char split[] = "log = \"syslog\";\n@include \"\0x\ny\"\n";
	struct path split_path = in_tmpdir("incdir/split.conf");
	fp = fopen(split_path.s, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(split, 1, sizeof split - 1, fp), sizeof split - 1);
	fclose(fp);
	chmod(split_path.s, 0600);
	cfg_defaults(&c);
	assert_int_equal(load(&c, split_path.s, true), 1);
	snprintf(want, sizeof want, ":2: @include \"\": %s/incdir/ is not a regular file", tmpdir);
	assert_messages(split_path.s, (const char *const[]){want, NULL});

	struct path part = fixture("incdir/part.conf", 0600, "\n@include \"conf.d\"\n");
	struct path nested = fixture("incdir/nested.conf", 0600, "@include \"part.conf\"\n");
	cfg_defaults(&c);
	assert_int_equal(load(&c, nested.s, true), 1);
	snprintf(want, sizeof want, "%s:2: @include \"conf.d\": %s/incdir/conf.d is not a regular file",
		 part.s, tmpdir);
	assert_string_equal(seen.text[0], want);
}

/* ---- reload ---- */

/* What SIGHUP applies and what waits for a restart, key by key as the daemon
 * has always done: the serving side (listeners, log, ctl, agent, cluster)
 * keeps its running values and each change is named; mysqld's side and the
 * policies are taken. */
static void test_reload_keeps_restart_keys_and_names_them(void **state)
{
	static const char changed[] =
		"listen = \"127.0.0.1:9300\"; log = \"syslog\"; debug = true;\n"
		"http = { timeout = 7; max_connections = 99; max_connections_per_ip = 9; bodies = \"clustercheck\"; };\n"
		"drain = { seconds = 3; maint_file = \"/tmp/m\"; };\n"
		"ctl = { socket = \"/tmp/c.sock\"; mode = \"0600\"; group = \"adm\"; };\n"
		"agent = { listen = \"127.0.0.1:9301\"; queue_step = 5; min_weight = 20; };\n"
		"mysql = { host = \"db\"; port = 3307; connect_timeout = 2; datadir = \"/d\"; };\n"
		"poll = { interval_ms = 250; stale_after_ms = 2000; };\n"
		"policy = { donor = \"always\"; min_cluster_size = 2; drain_code = 503; };\n"
		"live = { grace_ms = 5000; };\n"
		"cluster = { name = \"a\"; handover_ms = 1; timeout_ms = 500; failback_delay_ms = 20000;\n"
		"  peers = ( { name = \"a\"; url = \"http://10.0.0.1:9200\"; priority = 1; } ); };\n";
	static const char *const kept[] = {
		"listen", "log", "http.timeout", "http.max_connections", "http.max_connections_per_ip",
		"http.bodies", "drain.maint_file", "ctl.socket", "ctl.mode", "ctl.group", "agent.listen",
		"agent.queue_step", "agent.min_weight", "cluster.name", "cluster.peers",
		"cluster.handover_ms", "cluster.failback_delay_ms", "cluster.timeout_ms",
	};
	struct cfg running, next;
	struct path p = fixture("reload.conf", 0600, changed);
	const size_t n = sizeof kept / sizeof kept[0];

	(void)state;
	cfg_defaults(&running);
	cfg_defaults(&next);
	assert_int_equal(load(&next, p.s, true), 0);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(cfg_reload_merge(&next, &running, collect, &seen), (int)n);
	assert_int_equal(seen.count, (int)n);
	for (size_t i = 0; i < n; i++) {
		char want[MESSAGE_MAX];

		snprintf(want, sizeof want, "%s changed, but applies only after a restart: keeping the running value",
			 kept[i]);
		assert_string_equal(seen.text[i], want);
	}
	/* kept */
	assert_string_equal(next.listen, running.listen);
	assert_int_equal(next.log, running.log);
	assert_int_equal(next.http_timeout_s, running.http_timeout_s);
	assert_int_equal(next.bodies, running.bodies);
	assert_string_equal(next.maint_file, running.maint_file);
	assert_string_equal(next.ctl_socket, running.ctl_socket);
	assert_int_equal(next.ctl_mode, running.ctl_mode);
	assert_int_equal(next.agent_min_weight, running.agent_min_weight);
	assert_int_equal(next.cluster.npeers, 0);
	assert_string_equal(next.cluster.name, "");
	assert_int_equal(next.cluster.timeout_ms, running.cluster.timeout_ms);
	/* taken */
	assert_true(next.debug);
	assert_int_equal(next.drain_seconds, 3);
	assert_string_equal(next.mysql.host, "db");
	assert_int_equal(next.mysql.port, 3307);
	assert_int_equal(next.mysql.connect_timeout_s, 2);
	assert_string_equal(next.mysql.datadir, "/d");
	assert_int_equal(next.poll_interval_ms, 250);
	assert_int_equal(next.policy.stale_after_ms, 2000);
	assert_int_equal(next.policy.donor, DONOR_ALWAYS);
	assert_int_equal(next.policy.min_cluster_size, 2);
	assert_int_equal(next.policy.drain_code, 503);
	assert_int_equal(next.live.grace_ms, 5000);

	/* Nothing changed: nothing said. */
	memset(&seen, 0, sizeof seen);
	assert_int_equal(cfg_reload_merge(&next, &next, collect, &seen), 0);
	assert_int_equal(seen.count, 0);
	assert_int_equal(cfg_reload_merge(&running, &next, NULL, NULL), 0);
}

/* ---- cluster.* ---- */

static void test_cluster_peers(void **state)
{
	struct cfg c;
	struct path p = fixture("cluster.conf", 0644,
		"cluster = {\n"
		"  name = \"db2\";\n"
		"  peers = ( { name = \"db1\"; url = \"http://10.0.0.1:9200\"; priority = 1; },\n"
		"            { name = \"db2\"; url = \"http://10.0.0.2:9200/\"; priority = 2; },\n"
		"            { name = \"db3\"; url = \"http://[::1]:9200\"; priority = 2; } );\n"
		"  handover_ms = 1500;\n"
		"  failback_delay_ms = 7000;\n"
		"};\n");

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(c.cluster.npeers, 0);
	assert_int_equal(c.cluster.handover_ms, 8000);
	assert_int_equal(load(&c, p.s, true), 0);
	assert_string_equal(c.cluster.name, "db2");
	assert_int_equal(c.cluster.npeers, 3);
	assert_string_equal(c.cluster.peers[1].url, "http://10.0.0.2:9200/");
	assert_string_equal(c.cluster.peers[2].name, "db3");
	assert_int_equal(c.cluster.peers[2].priority, 2);
	assert_int_equal(c.cluster.handover_ms, 1500);
	assert_int_equal(c.cluster.failback_delay_ms, 7000);
}

static void test_cluster_errors(void **state)
{
	struct cfg c;
	struct path p = fixture("cluster-bad.conf", 0644,
		"cluster = {\n"                                                                  /* 1 */
		"  name = \"db9\";\n"                                                          /* 2 */
		"  peers = ( { name = \"db1\"; url = \"http://10.0.0.1:9200\"; priority = 1; },\n" /* 3 */
		"            { name = \"db1\"; url = \"http://10.0.0.2:9200\"; priority = 2; },\n" /* 4 */
		"            { name = \"db3\"; url = \"ftp://10.0.0.3:9200\"; priority = 3; },\n" /* 5 */
		"            { name = \"db4\"; url = \"http://10.0.0.4:9200\"; priority = -1; },\n" /* 6 */
		"            { name = \"db5\"; url = \"http://10.0.0.5\"; prio = 5; },\n"    /* 7 */
		"            { name = \"db 6\"; url = \"http://10.0.0.6:9200\"; priority = 6; },\n" /* 8 */
		"            { name = \"db7\"; priority = 7; } );\n"                          /* 9 */
		"};\n");
	static const char *const expected[] = {
		":4: cluster.peers: duplicate peer name \"db1\" (first at line 3)",
		":5: cluster.peers: url \"ftp://10.0.0.3:9200\" is not http://HOST:PORT or https://HOST:PORT (the peer agent's address)",
		":6: cluster.peers: priority: -1 is out of range (0..1000000)",
		":7: cluster.peers: url \"http://10.0.0.5\" is not http://HOST:PORT: missing :PORT",
		":7: cluster.peers: unknown setting 'prio' (a peer has name, url and priority)",
		":8: cluster.peers: name \"db 6\" is not a name: use letters, digits, '.', '_' and '-'",
		":9: cluster.peers: a peer needs name, url and priority (missing url)",
		NULL,
	};

	(void)state;
	cfg_defaults(&c);
	assert_int_not_equal(load(&c, p.s, true), 0);
	assert_messages(p.s, expected);
	assert_int_equal(c.cluster.npeers, 0);
}

static void test_cluster_own_name_and_timings(void **state)
{
	struct cfg c;
	struct path p = fixture("cluster-name.conf", 0644,
		"cluster = {\n"
		"  name = \"db9\";\n"
		"  peers = ( { name = \"db1\"; url = \"http://10.0.0.1:9200\"; priority = 1; },\n"
		"            { name = \"db2\"; url = \"http://10.0.0.2:9200\"; priority = 2; } );\n"
		"  failback_delay_ms = 1000;\n"
		"  timeout_ms = 5000;\n"
		"};\n");
	struct path q = fixture("cluster-noname.conf", 0644,
		"cluster = { peers = ( { name = \"db1\"; url = \"http://h:1\"; priority = 1; } ); };\n");
	struct path u = fixture("cluster-dupurl.conf", 0644,
		"cluster = { name = \"a\"; peers = ( { name = \"a\"; url = \"http://h:1\"; priority = 1; },\n"
		"  { name = \"b\"; url = \"http://h:1\"; priority = 1; } ); };\n");
	static const char *const expected[] = {
		":2: cluster.name \"db9\" is not one of cluster.peers (db1, db2)",
		":5: cluster.failback_delay_ms (1000) must be at least 2 x poll.stale_after_ms + cluster.timeout_ms (11000): every agent must see a returning node before it ranks",
		":6: cluster.timeout_ms (5000) must be less than poll.stale_after_ms (3000)",
		NULL,
	};
	static const char *const expected_noname[] = {
		":1: cluster.name is not set: which of cluster.peers (db1) is this node?",
		NULL,
	};
	static const char *const expected_dupurl[] = {
		":2: cluster.peers: duplicate peer url \"http://h:1\" (first at line 1)",
		NULL,
	};

	(void)state;
	cfg_defaults(&c);
	assert_int_not_equal(load(&c, p.s, true), 0);
	assert_messages(p.s, expected);
	assert_int_not_equal(load(&c, q.s, true), 0);
	assert_messages(q.s, expected_noname);
	assert_int_not_equal(load(&c, u.s, true), 0);
	assert_messages(u.s, expected_dupurl);
}

/* ---- the shipped reference file ---- */

/* Found from this source file's own path, so any working directory works
 * when the test is compiled with an absolute path, and the repository
 * root works with the Makefile's relative one. */
static struct path reference_conf(void)
{
	static const char self[] = "tests/unit/test_cfg.c";
	const char *file = __FILE__;
	size_t root_len = strlen(file) >= strlen(self) ? strlen(file) - strlen(self) : 0;
	struct path p;

	snprintf(p.s, sizeof p.s, "%.*sconf/clustercheckd.conf", (int)root_len, file);
	return p;
}

static void test_reference_conf(void **state)
{
	struct cfg c, defaults;
	struct path p = reference_conf();

	(void)state;
	cfg_defaults(&defaults);
	cfg_defaults(&c);
	if (load(&c, p.s, true) != 0)
		print_seen();
	assert_int_equal(seen.count, 0);
	assert_string_equal(c.path, p.s);
	assert_same_settings(&c, &defaults);
}

/* Every key of the table is set in the reference file, in its group, not
 * only commented: a changed default then fails test_reference_conf instead
 * of going unnoticed, and a key added to the table must be shown there. */
static void test_reference_conf_sets_every_key(void **state)
{
	struct path p = reference_conf();
	struct cfg_key_info k;
	config_t cf;

	(void)state;
	config_init(&cf);
	assert_int_equal(config_read_file(&cf, p.s), CONFIG_TRUE);
	for (size_t i = 0; cfg_key_describe(i, &k) == 0; i++) {
		/* Shown commented out: the file is meant to stay world-readable. */
		if (strcmp(k.name, "mysql.password") == 0)
			continue;
		if (!config_lookup(&cf, k.name))
			print_message("not set in %s: %s\n", p.s, k.name);
		assert_non_null(config_lookup(&cf, k.name));
	}
	config_destroy(&cf);
}

/* clustercheckd.conf(5) is generated from cfg_key_describe(): each row it
 * gives is a key the loader takes, its default written as the page shows
 * it is accepted and is the default, and no name is made up. */
static void test_described_rows_are_the_table(void **state)
{
	struct cfg_key_info k;
	struct cfg c, defaults;
	char text[1024];
	size_t n = 0;

	(void)state;
	cfg_defaults(&defaults);
	for (; cfg_key_describe(n, &k) == 0; n++) {
		size_t used = 0, groups = 0;
		const char *name = k.name, *dot;

		/* "http.tls.cert" is http = { tls = { cert = ...; }; }; */
		for (; (dot = strchr(name, '.')); name = dot + 1, groups++)
			used += (size_t)snprintf(text + used, sizeof text - used, "%.*s = { ",
						 (int)(dot - name), name);
		used += (size_t)snprintf(text + used, sizeof text - used, "%s = %s;", name, k.def);
		while (groups--)
			used += (size_t)snprintf(text + used, sizeof text - used, " };");
		snprintf(text + used, sizeof text - used, "\n");
		struct path p = fixture("described.conf", 0600, text);
		cfg_defaults(&c);
		if (load(&c, p.s, true) != 0) {
			print_message("row %zu (%s): %s", n, k.name, text);
			print_seen();
		}
		assert_int_equal(seen.count, 0);
		assert_same_settings(&c, &defaults);
		assert_non_null(k.type);
		assert_non_null(k.help);
		if (!k.help[0])
			fail_msg("%s has no help text for the manual page", k.name);
	}
	assert_int_equal(cfg_key_count(), n);
	assert_true(n >= 30);
	assert_int_equal(cfg_key_describe(n, &k), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_described_rows_are_the_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_donor_names_load_and_name_back),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_alternative_syntax),
		cmocka_unit_test(test_empty_file_keeps_everything),
		cmocka_unit_test(test_loads_over_callers_values),
		cmocka_unit_test(test_integer_bounds),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_untouched_after_errors),
		cmocka_unit_test(test_null_report_still_counts),
		cmocka_unit_test(test_missing_named_file),
		cmocka_unit_test(test_missing_default_file),
		cmocka_unit_test(test_directory_is_refused),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_password_needs_private_file),
		cmocka_unit_test(test_password_in_private_file),
		cmocka_unit_test(test_auth_users),
		cmocka_unit_test(test_auth_users_errors),
		cmocka_unit_test(test_cluster_client),
		cmocka_unit_test(test_public_file_without_password),
		cmocka_unit_test(test_password_never_echoed),
		cmocka_unit_test(test_include_relative_to_file),
		cmocka_unit_test(test_include_errors_name_the_included_file),
		cmocka_unit_test(test_include_syntax_error_in_included_file),
		cmocka_unit_test(test_absolute_include_explained),
		cmocka_unit_test(test_include_of_a_directory_is_an_error_not_an_exit),
		cmocka_unit_test(test_reload_keeps_restart_keys_and_names_them),
		cmocka_unit_test(test_cluster_peers),
		cmocka_unit_test(test_cluster_errors),
		cmocka_unit_test(test_cluster_own_name_and_timings),
		cmocka_unit_test(test_reference_conf),
		cmocka_unit_test(test_reference_conf_sets_every_key),
	};

	return cmocka_run_group_tests_name("cfg", tests, make_tmpdir, remove_tmpdir);
}
