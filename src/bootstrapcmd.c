/* `clustercheckd recover` and `clustercheckd bootstrap`: the I/O around
 * recovery.c's pure decision. recover runs mariadbd --wsrep-recover with a
 * private log and stores the position for the agent to report; bootstrap
 * asks every peer's agent for its /status and prints the advice. Neither
 * edits grastate.dat nor starts mysqld. */
#include "bootstrapcmd.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <mysql.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "probe.h"
#include "recovery.h"

static int load(const char *config, struct cfg *c)
{
	struct cli o = {.config = config};

	if (cli_load_config(c, &o, cli_report_to_stderr) != 0) {
		fprintf(stderr, "clustercheckd: configuration not usable\n");
		return -1;
	}
	return 0;
}

/* ---- recover ---- */

static bool mysqld_answers(const struct cfg *c)
{
	struct probe *p;
	struct snapshot s;
	bool up;

	if (mysql_library_init(0, NULL, NULL) != 0)
		return true; /* cannot tell: do not risk it */
	p = probe_new(&c->mysql);
	up = !p || probe_poll(p, &s) == 0;
	probe_free(p);
	mysql_library_end();
	return up;
}

static int store_position(const char *file, const struct recovered_position *pos)
{
	char tmp[300];
	FILE *fp;
	int fd;

	snprintf(tmp, sizeof tmp, "%s.XXXXXX", file);
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	fp = fdopen(fd, "w");
	if (!fp) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	fchmod(fd, 0644);
	fprintf(fp, "%s:%lld\n", pos->uuid, pos->seqno);
	if (fclose(fp) != 0 || rename(tmp, file) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n;
	char chunk[8192];

	*len = 0;
	if (!fp)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		char *grown = realloc(buf, cap + n + 1);

		if (!grown)
			break;
		buf = grown;
		memcpy(buf + cap, chunk, n);
		cap += n;
		buf[cap] = '\0';
	}
	fclose(fp);
	*len = cap;
	return buf;
}

/* A private directory for mariadbd's log, owned by `user` when it drops to
 * it (mariadbd must write its log there). 0, or 2 (the exit status). */
static int private_log_dir(char *dir, char *logpath, size_t logpath_len, const char *user)
{
	if (!mkdtemp(dir)) {
		perror("clustercheckd recover: mkdtemp");
		return 2;
	}
	snprintf(logpath, logpath_len, "%s/recover.log", dir);
	if (user && geteuid() == 0) {
		struct passwd *pw = getpwnam(user);

		if (!pw || chown(dir, pw->pw_uid, pw->pw_gid) != 0) {
			fprintf(stderr, "clustercheckd recover: cannot give %s to user %s\n", dir, user);
			rmdir(dir);
			return 2;
		}
	}
	return 0;
}

/* Runs `mariadbd --wsrep-recover` and waits for it. 0 with its wait
 * status, or 2. */
static int run_wsrep_recover(const char *mariadbd, const char *defaults, const char *user,
			     const char *logpath, int *status)
{
	char arg_log[96], arg_def[PATH_MAX + 20], arg_user[96];
	char *args[8];
	int n = 0;
	pid_t pid;

	snprintf(arg_log, sizeof arg_log, "--log-error=%s", logpath);
	snprintf(arg_def, sizeof arg_def, "--defaults-file=%s", defaults ? defaults : "");
	snprintf(arg_user, sizeof arg_user, "--user=%s", user ? user : "");
	args[n++] = (char *)mariadbd;
	if (defaults)
		args[n++] = arg_def; /* must come first */
	args[n++] = "--wsrep-recover";
	args[n++] = arg_log;
	if (user)
		args[n++] = arg_user;
	args[n] = NULL;
	fprintf(stderr, "clustercheckd recover: running %s --wsrep-recover (a full InnoDB start: it may take minutes)\n",
		mariadbd);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		execv(mariadbd, args);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, status, 0) < 0) {
		perror("clustercheckd recover");
		return 2;
	}
	return 0;
}

/* The position mariadbd logged; the log and its directory are removed.
 * 0, or 2. */
static int read_recovered(const char *dir, const char *logpath, int status,
			  struct recovered_position *pos)
{
	char why[160];
	size_t len;
	char *log = slurp(logpath, &len);

	unlink(logpath);
	rmdir(dir);
	if (!log || recovery_parse_log(log, len, pos, why, sizeof why) != 0) {
		fprintf(stderr, "clustercheckd recover: %s (mariadbd exit status %d)\n",
			log ? why : "mariadbd wrote no log", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		free(log);
		return 2;
	}
	free(log);
	return 0;
}

int recover_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"mariadbd", required_argument, NULL, 'm'},
		{"defaults-file", required_argument, NULL, 'd'},
		{"user", required_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *mariadbd = "/usr/sbin/mariadbd", *defaults = NULL, *user = NULL;
	char dir[] = "/tmp/clustercheckd-recover.XXXXXX", logpath[64];
	struct recovered_position pos;
	struct cfg c;
	int opt, status;

	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config = optarg; break;
		case 'm': mariadbd = optarg; break;
		case 'd': defaults = optarg; break;
		case 'u': user = optarg; break;
		default:
			fprintf(stderr, "usage: clustercheckd recover [--config FILE] [--mariadbd PATH] "
					"[--defaults-file MY.CNF] [--user USER]\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (load(config, &c) != 0)
		return 2;
	/* --wsrep-recover is a full InnoDB start: never beside a running
	 * mysqld. (A mysqld started meanwhile fails on InnoDB's lock of the
	 * datadir while this runs, and this one fails if it was first.) */
	if (mysqld_answers(&c)) {
		fprintf(stderr, "clustercheckd recover: mysqld answers on %s: it is running, nothing to recover\n",
			c.mysql.host[0] ? c.mysql.host : c.mysql.socket);
		explicit_bzero(&c, sizeof c);
		return 2;
	}
	if (private_log_dir(dir, logpath, sizeof logpath, user) != 0 ||
	    run_wsrep_recover(mariadbd, defaults, user, logpath, &status) != 0 ||
	    read_recovered(dir, logpath, status, &pos) != 0) {
		explicit_bzero(&c, sizeof c);
		return 2;
	}
	if (c.cluster.recovered_file[0] && store_position(c.cluster.recovered_file, &pos) != 0) {
		fprintf(stderr, "clustercheckd recover: cannot write %s: %s\n", c.cluster.recovered_file,
			strerror(errno));
		return 2;
	}
	printf("Recovered position: %s:%lld\n", pos.uuid, pos.seqno);
	explicit_bzero(&c, sizeof c);
	return 0;
}

/* ---- bootstrap ---- */

struct body {
	char *buf;
	size_t len;
};

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t add = size * n;
	char *grown;

	if (b->len + add > 1024 * 1024)
		return 0;
	grown = realloc(b->buf, b->len + add + 1);
	if (!grown)
		return 0;
	b->buf = grown;
	memcpy(b->buf + b->len, data, add);
	b->len += add;
	b->buf[b->len] = '\0';
	return add;
}

static const char *jstr(json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	o = json_object_get(o, path);
	return json_is_string(o) ? json_string_value(o) : NULL;
}

static json_t *jget(json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

/* GET <url>/status: the parsed body, or NULL with n->error set. */
static json_t *fetch_status(const struct cluster_peer_cfg *pc, unsigned timeout_ms,
			    struct recovery_node *n)
{
	CURL *e = curl_easy_init();
	struct body b = {0};
	char url[CLUSTER_URL_MAX + 16], err[CURL_ERROR_SIZE] = "";
	long status = 0;
	size_t ul = strlen(pc->url);
	json_t *j;

	if (ul && pc->url[ul - 1] == '/')
		ul--;
	snprintf(url, sizeof url, "%.*s/status", (int)ul, pc->url);
	if (!e) {
		snprintf(n->error, sizeof n->error, "cannot start libcurl");
		return NULL;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms * 3);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
	CURLcode rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(e);
	if (rc != CURLE_OK || status != 200) {
		snprintf(n->error, sizeof n->error, "%.*s", (int)sizeof n->error - 1,
			 rc != CURLE_OK ? (err[0] ? err : curl_easy_strerror(rc)) : "HTTP error from /status");
		free(b.buf);
		return NULL;
	}
	j = json_loadb(b.buf ? b.buf : "", b.len, 0, NULL);
	free(b.buf);
	if (!j || !json_is_object(jget(j, "cluster", "recovery"))) {
		snprintf(n->error, sizeof n->error, "its /status has no cluster.recovery (cluster.peers not set there?)");
		json_decref(j);
		return NULL;
	}
	return j;
}

/* cluster.recovery: the saved view (gvwstate.dat) and a recovered position. */
static void read_recovery(json_t *rec, struct recovery_node *n)
{
	json_t *gv = json_object_get(rec, "gvwstate"), *r = json_object_get(rec, "recovered");

	if (json_is_true(json_object_get(gv, "present"))) {
		json_t *m = json_object_get(gv, "members");

		n->gvw.present = true;
		snprintf(n->gvw.my_uuid, sizeof n->gvw.my_uuid, "%s", jstr(gv, "my_uuid") ? jstr(gv, "my_uuid") : "");
		snprintf(n->gvw.view, sizeof n->gvw.view, "%s", jstr(gv, "view") ? jstr(gv, "view") : "");
		for (size_t i = 0; i < json_array_size(m) && n->gvw.nmembers < RECOVERY_MEMBERS_MAX; i++)
			if (json_is_string(json_array_get(m, i)))
				snprintf(n->gvw.members[n->gvw.nmembers++], sizeof n->gvw.members[0], "%s",
					 json_string_value(json_array_get(m, i)));
	}
	if (json_is_object(r) && jstr(r, "uuid") && json_is_integer(json_object_get(r, "seqno"))) {
		n->recovered = true;
		snprintf(n->position.uuid, sizeof n->position.uuid, "%s", jstr(r, "uuid"));
		n->position.seqno = json_integer_value(json_object_get(r, "seqno"));
	}
}

/* One agent's /status -> what the decision needs. */
static void ask(const struct cluster_peer_cfg *pc, unsigned timeout_ms, struct recovery_node *n)
{
	json_t *j, *g;

	memset(n, 0, sizeof *n);
	snprintf(n->name, sizeof n->name, "%s", pc->name);
	n->priority = pc->priority;
	j = fetch_status(pc, timeout_ms, n);
	if (!j)
		return;
	n->answered = true;
	n->mysqld_running = jstr(j, "mysqld.outcome") && strcmp(jstr(j, "mysqld.outcome"), "answered") == 0;
	n->primary = n->mysqld_running && jstr(j, "facts.wsrep_cluster_status") &&
		     strcmp(jstr(j, "facts.wsrep_cluster_status"), "Primary") == 0;
	g = json_object_get(j, "grastate");
	if (jstr(g, "uuid")) {
		n->grastate.uuid_ok = true;
		snprintf(n->grastate.uuid, sizeof n->grastate.uuid, "%s", jstr(g, "uuid"));
	}
	if (json_is_integer(json_object_get(g, "seqno"))) {
		n->grastate.seqno_ok = true;
		n->grastate.seqno = json_integer_value(json_object_get(g, "seqno"));
	}
	if (json_is_boolean(json_object_get(g, "safe_to_bootstrap"))) {
		n->grastate.safe_to_bootstrap_ok = true;
		n->grastate.safe_to_bootstrap = json_is_true(json_object_get(g, "safe_to_bootstrap"));
	}
	read_recovery(jget(j, "cluster", "recovery"), n);
	json_decref(j);
}

int bootstrap_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"allow-missing", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL;
	bool json = false;
	long allow = 0;
	struct recovery_node nodes[CLUSTER_PEERS_MAX];
	struct recovery_advice *a;
	struct cfg c;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config = optarg; break;
		case 'j': json = true; break;
		case 'a': {
			char *end;

			allow = strtol(optarg, &end, 10);
			if (*end || allow < 0 || allow > CLUSTER_PEERS_MAX) {
				fprintf(stderr, "clustercheckd bootstrap: --allow-missing takes 0..%d\n", CLUSTER_PEERS_MAX);
				return 2;
			}
			break;
		}
		default:
			fprintf(stderr, "usage: clustercheckd bootstrap [--config FILE] [--json] [--allow-missing N]\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (load(config, &c) != 0)
		return 2;
	explicit_bzero(c.mysql.password, sizeof c.mysql.password);
	if (c.cluster.npeers == 0) {
		fprintf(stderr, "clustercheckd bootstrap: cluster.peers is not configured\n");
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 2;
	for (unsigned i = 0; i < c.cluster.npeers; i++)
		ask(&c.cluster.peers[i], c.cluster.timeout_ms, &nodes[i]);
	curl_global_cleanup();
	a = malloc(sizeof *a);
	if (!a)
		return 2;
	*a = recovery_decide(nodes, c.cluster.npeers, (unsigned)allow);
	if (json) {
		json_t *j = json_pack("{s:s, s:s, s:o, s:i, s:s}", "advice", a->first, "action",
				      recovery_action_name(a->action), "node",
				      a->node >= 0 ? json_string(nodes[a->node].name) : json_null(), "exit_code",
				      a->exit_code, "detail", a->detail);
		char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;

		printf("%s\n", text ? text : "{}");
		free(text);
		json_decref(j);
	} else {
		printf("%s\n%s", a->first, a->detail);
	}
	rc = a->exit_code;
	free(a);
	return rc;
}
