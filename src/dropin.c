#include "dropin.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "oneshot.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* clustercheck compares its flags with `-eq`: callers write integers. */
static bool is_integer(const char *s)
{
	char *end;

	errno = 0;
	(void)strtol(s, &end, 10);
	return !errno && end != s && !*end;
}

/* What clustercheck's callers really pass: the script's name (xinetd's
 * `server = /usr/bin/clustercheck`, with any arguments), or its whole
 * positional line. A shorter line under our own name is far more likely a
 * mistyped subcommand (`clustercheckd stauts`) than a check, and must not
 * answer one. */
bool dropin_invoked(int argc, char **argv)
{
	if (argc >= 1 && argv[0] && strcmp(base_name(argv[0]), "clustercheck") == 0)
		return true;
	if (argc == 6 && strcmp(argv[1], "-") == 0)
		return is_integer(argv[2]) && is_integer(argv[4]);
	if (argc == 7 && argv[1][0] != '-')
		return is_integer(argv[3]) && is_integer(argv[5]);
	return false;
}

void dropin_settings_defaults(struct dropin_settings *s)
{
	memset(s, 0, sizeof *s);
	/* What the script meant. Its `${MYSQL_USERNAME:=-clustercheckuser}`
	 * made the default "-clustercheckuser" (reported upstream, never
	 * fixed), so every node answered 503: not reproduced. */
	snprintf(s->user, sizeof s->user, "clustercheckuser");
	snprintf(s->password, sizeof s->password, "clustercheckpassword!");
	s->port = 3306;
	s->donor_ok = false;
	s->readonly_ok = true;
	snprintf(s->err_file, sizeof s->err_file, "/dev/null");
	snprintf(s->defaults_file, sizeof s->defaults_file, "/etc/my.cnf");
}

static void reportf(cfg_report_fn report, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void reportf(cfg_report_fn report, void *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	report(ctx, msg);
}

/* clustercheck compares with `-eq`: donor counts only for 1, read-only
 * refuses only for 0. */
static int parse_flag(const char *v, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(v, &end, 10);
	return (errno || end == v || *end) ? -1 : 0;
}

static int set_string(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* One knob by clustercheck's name. Returns 0, 1 when the name is not one
 * of its knobs, -1 when the value is not usable (why says so). */
static int set_knob(struct dropin_settings *s, const char *key, const char *v,
		    const char **why)
{
	long n;

	if (strcmp(key, "MYSQL_USERNAME") == 0) {
		if (set_string(s->user, sizeof s->user, v))
			return *why = "too long", -1;
	} else if (strcmp(key, "MYSQL_PASSWORD") == 0) {
		if (set_string(s->password, sizeof s->password, v))
			return *why = "too long", -1;
	} else if (strcmp(key, "MYSQL_HOST") == 0) {
		if (set_string(s->host, sizeof s->host, v))
			return *why = "too long", -1;
	} else if (strcmp(key, "MYSQL_PORT") == 0) {
		if (parse_flag(v, &n) || n < 1 || n > 65535)
			return *why = "not a port (1-65535)", -1;
		s->port = (unsigned)n;
	} else if (strcmp(key, "AVAILABLE_WHEN_DONOR") == 0) {
		if (parse_flag(v, &n))
			return *why = "not a number (0 or 1)", -1;
		s->donor_ok = n == 1;
	} else if (strcmp(key, "AVAILABLE_WHEN_READONLY") == 0) {
		if (parse_flag(v, &n))
			return *why = "not a number (0 or 1)", -1;
		s->readonly_ok = n != 0;
	} else if (strcmp(key, "ERR_FILE") == 0) {
		if (set_string(s->err_file, sizeof s->err_file, v))
			return *why = "too long", -1;
	} else if (strcmp(key, "DEFAULTS_EXTRA_FILE") == 0) {
		if (set_string(s->defaults_file, sizeof s->defaults_file, v))
			return *why = "too long", -1;
	} else {
		return 1;
	}
	return 0;
}

/* The value part of one line, shell quoting rules without expansion.
 * Returns 0 and the value in out, or -1 with *why. */
static int shell_word(const char **pp, char *out, size_t outlen, bool *expands, const char **why)
{
	const char *p = *pp;
	size_t n = 0;

#define PUT(ch) do { if (n + 1 >= outlen) { *why = "value too long"; return -1; } out[n++] = (ch); } while (0)
	while (*p && *p != '\n' && !isspace((unsigned char)*p)) {
		if (*p == '\'') {
			for (p++; *p != '\''; p++) {
				if (!*p || *p == '\n') {
					*why = "unterminated ' quote";
					return -1;
				}
				PUT(*p);
			}
			p++;
		} else if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (!*p || *p == '\n') {
					*why = "unterminated \" quote";
					return -1;
				}
				if (*p == '\\' && strchr("\"\\$`", p[1])) {
					p++;
				} else if (*p == '$' || *p == '`') {
					*expands = true;
				}
				PUT(*p);
			}
			p++;
		} else if (*p == '\\') {
			if (!p[1] || p[1] == '\n') {
				*why = "line continuation is not supported";
				return -1;
			}
			PUT(p[1]);
			p += 2;
		} else {
			if (*p == '$' || *p == '`')
				*expands = true;
			else if (strchr(";&|<>()", *p)) {
				*why = "shell syntax is not supported (KEY=VALUE only)";
				return -1;
			}
			PUT(*p);
			p++;
		}
	}
#undef PUT
	out[n] = '\0';
	*pp = p;
	return 0;
}

int dropin_parse_sysconfig(const char *text, struct dropin_settings *s,
			   cfg_report_fn report, void *ctx)
{
	const char *p = text;
	int lineno = 0, reports = 0;
	char key[64], value[PATH_MAX];

	while (*p) {
		const char *why = NULL, *k;
		size_t klen;
		bool expands = false;
		int rc;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || !*p)
			goto next;
		if (strncmp(p, "export", 6) == 0 && (p[6] == ' ' || p[6] == '\t')) {
			p += 6;
			while (*p == ' ' || *p == '\t')
				p++;
		}
		k = p;
		if (!(isalpha((unsigned char)*p) || *p == '_'))
			goto malformed;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		klen = (size_t)(p - k);
		if (*p != '=' || klen >= sizeof key)
			goto malformed;
		memcpy(key, k, klen);
		key[klen] = '\0';
		p++;
		if (shell_word(&p, value, sizeof value, &expands, &why) != 0) {
			reportf(report, ctx, "line %d: %s: %s; line ignored", lineno, key, why);
			reports++;
			goto next;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != '\n' && *p != '#') {
			reportf(report, ctx, "line %d: %s: one KEY=VALUE per line; line ignored",
				lineno, key);
			reports++;
			goto next;
		}
		rc = set_knob(s, key, value, &why);
		if (rc < 0) {
			/* Never echo the value: it may be the password. */
			reportf(report, ctx, "line %d: %s: %s; line ignored", lineno, key, why);
			reports++;
		} else if (rc == 0 && expands) {
			reportf(report, ctx, "line %d: %s contains $ or `: taken literally, not expanded",
				lineno, key);
			reports++;
		}
		goto next;
malformed:
		reportf(report, ctx, "line %d: not KEY=VALUE; line ignored", lineno);
		reports++;
next:
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	explicit_bzero(value, sizeof value);
	return reports;
}

int dropin_take_args(int argc, char **argv, struct dropin_args *a)
{
	char **slot[] = {&a->user, &a->password, &a->donor, &a->log_file, &a->readonly,
			 &a->defaults_file};
	int first = 1, nslots = 6;

	memset(a, 0, sizeof *a);
	if (argc >= 2 && strcmp(argv[1], "-") == 0) {
		/* clustercheck's "-" form: no user, no password on argv at all;
		 * both come from the defaults file only. */
		a->user = strdup("");
		a->password = strdup("");
		if (!a->user || !a->password)
			goto oom;
		first = 2;
		nslots = 4;
		for (int i = 0; i < 4; i++)
			slot[i] = slot[i + 2];
	}
	for (int i = first; i < argc; i++) {
		int k = i - first;
		if (k >= nslots) {
			a->extra++;
			continue;
		}
		*slot[k] = strdup(argv[i]);
		if (!*slot[k])
			goto oom;
	}
	/* argv's strings are what /proc/PID/cmdline shows: overwrite the
	 * password there, in place, before anything else can take time. */
	if (first == 1 && argc >= 3)
		explicit_bzero(argv[2], strlen(argv[2]));
	return 0;
oom:
	if (first == 1 && argc >= 3)
		explicit_bzero(argv[2], strlen(argv[2]));
	dropin_args_free(a);
	return -1;
}

void dropin_args_free(struct dropin_args *a)
{
	if (a->password)
		explicit_bzero(a->password, strlen(a->password));
	free(a->user);
	free(a->password);
	free(a->donor);
	free(a->log_file);
	free(a->readonly);
	free(a->defaults_file);
	memset(a, 0, sizeof *a);
}

int dropin_apply_args(const struct dropin_args *a, struct dropin_settings *s,
		      cfg_report_fn report, void *ctx)
{
	const struct { const char *key, *value, *name; } m[] = {
		{"MYSQL_USERNAME", a->user, "user"},
		{"MYSQL_PASSWORD", a->password, "password"},
		{"AVAILABLE_WHEN_DONOR", a->donor, "available_when_donor"},
		{"ERR_FILE", a->log_file, "log_file"},
		{"AVAILABLE_WHEN_READONLY", a->readonly, "available_when_readonly"},
		{"DEFAULTS_EXTRA_FILE", a->defaults_file, "defaults_extra_file"},
	};
	int reports = 0;

	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
		const char *why = NULL;
		if (m[i].value && set_knob(s, m[i].key, m[i].value, &why) < 0) {
			reportf(report, ctx, "argument %s: %s; ignored", m[i].name, why);
			reports++;
		}
	}
	if (a->extra) {
		reportf(report, ctx, "%d argument(s) after the sixth ignored", a->extra);
		reports++;
	}
	return reports;
}

void dropin_to_cfg(const struct dropin_settings *s, struct cfg *c)
{
	memcpy(c->mysql.user, s->user, sizeof c->mysql.user);
	memcpy(c->mysql.password, s->password, sizeof c->mysql.password);
	/* As the script: the defaults file is used only when it is readable;
	 * it may then also name the socket, so ours steps aside. */
	if (s->defaults_file[0] && access(s->defaults_file, R_OK) == 0) {
		memcpy(c->mysql.defaults_file, s->defaults_file, sizeof c->mysql.defaults_file);
		c->mysql.socket[0] = '\0';
	}
	if (s->host[0]) {
		memcpy(c->mysql.host, s->host, sizeof c->mysql.host);
		c->mysql.port = s->port;
	}
	c->policy.donor = s->donor_ok ? DONOR_ALWAYS : DONOR_NEVER;
	c->policy.read_only_ok = s->readonly_ok;
	c->bodies = BODIES_CLUSTERCHECK;
	c->http_timeout_s = ONESHOT_MAX_TIMEOUT_S;
}

bool dropin_err_file_is_stdio(const char *path)
{
	static const char *const names[] = {
		"/dev/stdin", "/dev/stdout", "/dev/stderr",
		"/dev/fd/0", "/dev/fd/1", "/dev/fd/2",
		"/proc/self/fd/0", "/proc/self/fd/1", "/proc/self/fd/2",
	};
	char mine[64];

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(path, names[i]) == 0)
			return true;
	for (int fd = 0; fd <= 2; fd++) {
		snprintf(mine, sizeof mine, "/proc/%ld/fd/%d", (long)getpid(), fd);
		if (strcmp(path, mine) == 0)
			return true;
	}
	return false;
}

/* Problems found before logging is set up are kept and logged after. */
struct deferred {
	const char *source;
	char lines[8][256];
	int n, dropped;
};

static void defer_report(void *ctx, const char *msg)
{
	struct deferred *d = ctx;

	if (d->n < 8)
		snprintf(d->lines[d->n++], sizeof d->lines[0], "%s: %s", d->source, msg);
	else
		d->dropped++;
}

static char *read_small_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = calloc(1, 65537);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, 65536, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void usage(const char *argv0)
{
	printf("Usage: %s <user> <pass> <available_when_donor=0|1> <log_file> "
	       "<available_when_readonly=0|1> <defaults_extra_file>\n"
	       "       %s - <available_when_donor=0|1> <log_file> "
	       "<available_when_readonly=0|1> <defaults_extra_file>\n"
	       "clustercheckd's drop-in for clustercheck: prefer the \"-\" form, with the\n"
	       "credentials in the defaults file, so that no password is on a command line.\n",
	       argv0, argv0);
}

static void setup_log(const struct dropin_settings *s, bool on_socket)
{
	/* Under xinetd or systemd our standard streams are the client's socket
	 * or the journal's, where a path like /proc/self/fd/2 cannot be opened
	 * (ENXIO: PXC's clustercheck@.service documents every node answering
	 * 503 because of it). Any log file that cannot be opened means syslog,
	 * never a failed check. */
	if (strcmp(s->err_file, "/dev/null") == 0)
		log_init(LOG_TO_NOWHERE, "clustercheck");
	else if ((on_socket && dropin_err_file_is_stdio(s->err_file)) ||
		 log_open_file(s->err_file, "clustercheck") != 0)
		log_init(LOG_TO_SYSLOG, "clustercheck");
}

int dropin_main(int argc, char **argv)
{
	struct dropin_args args;
	struct dropin_settings s;
	struct deferred d = {.n = 0};
	struct oneshot_intent in = {.admin = ADMIN_READY};
	const char *sysconfig = getenv(DROPIN_SYSCONFIG_ENV);
	struct cfg c;
	char *text;
	int fd, status;

	/* First: the password leaves argv before anything else happens. */
	if (dropin_take_args(argc, argv, &args) != 0)
		return 1;
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(argv[0]);
		dropin_args_free(&args);
		return 0;
	}
	/* A connected socket on stdin: xinetd or systemd Accept=yes. Take it
	 * off fds 0-2 before anything could print there. */
	fd = oneshot_take_connection();

	dropin_settings_defaults(&s);
	if (!sysconfig || !*sysconfig)
		sysconfig = DROPIN_SYSCONFIG;
	text = read_small_file(sysconfig);
	if (text) {
		d.source = sysconfig;
		dropin_parse_sysconfig(text, &s, defer_report, &d);
		explicit_bzero(text, strlen(text));
		free(text);
	}
	d.source = "command line";
	dropin_apply_args(&args, &s, defer_report, &d);
	dropin_args_free(&args);
	setup_log(&s, fd >= 0);
	for (int i = 0; i < d.n; i++)
		log_warnx("%s", d.lines[i]);
	if (d.dropped)
		log_warnx("%d more problem(s) not shown", d.dropped);

	cfg_defaults(&c);
	dropin_to_cfg(&s, &c);
	explicit_bzero(&s, sizeof s);
	in.disabled_file = getenv(DROPIN_DISABLED_ENV);
	if (!in.disabled_file || !*in.disabled_file)
		in.disabled_file = DROPIN_DISABLED_FILE;

	if (oneshot_begin() != 0) {
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (fd >= 0)
		status = oneshot_serve(&c, &in, fd);
	else
		status = oneshot_serve_to(&c, &in, stdout);
	oneshot_end(&c);
	return status == 200 ? 0 : 1;
}
