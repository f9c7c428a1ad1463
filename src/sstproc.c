#include "sstproc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A donor's tree is sh -> script -> tools: a few levels, a few processes.
 * Bounds keep a pathological tree from costing more than a poll. */
#define MAX_DEPTH 4
#define MAX_PROCS 64
#define CMDLINE_MAX 4096
#define PATH_MAX_LEN 512

static const char script_prefix[] = "wsrep_sst_";

pid_t sstproc_peer_pid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof cred;

	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
	    len != sizeof cred)
		return 0;
	return cred.pid > 0 ? cred.pid : 0;
}

/* The method named by a word that is a path to wsrep_sst_<method>. */
static bool script_method(const char *word, size_t len, char method[SST_PROC_METHOD_MAX])
{
	const char *base = word;
	size_t n;

	for (size_t i = 0; i < len; i++)
		if (word[i] == '/')
			base = word + i + 1;
	n = len - (size_t)(base - word);
	if (n <= sizeof script_prefix - 1 || strncmp(base, script_prefix, sizeof script_prefix - 1) != 0)
		return false;
	base += sizeof script_prefix - 1;
	n -= sizeof script_prefix - 1;
	if (n >= SST_PROC_METHOD_MAX)
		n = SST_PROC_METHOD_MAX - 1;
	memcpy(method, base, n);
	method[n] = '\0';
	return true;
}

struct words {
	const char *w[64];
	size_t len[64];
	size_t n;
};

/* Splits on sep; with quotes, single quotes around a word are dropped
 * (mysqld quotes the values it passes through `sh -c`). */
static void split(const char *buf, size_t len, char sep, bool quotes, struct words *out)
{
	size_t i = 0;

	out->n = 0;
	while (i < len && out->n < sizeof out->w / sizeof *out->w) {
		size_t start, end;

		while (i < len && (buf[i] == sep || buf[i] == '\0'))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && buf[i] != sep && buf[i] != '\0')
			i++;
		end = i;
		if (quotes && end - start >= 2 && buf[start] == '\'' && buf[end - 1] == '\'') {
			start++;
			end--;
		}
		out->w[out->n] = buf + start;
		out->len[out->n] = end - start;
		out->n++;
	}
}

static bool word_is(const struct words *w, size_t i, const char *s)
{
	return i < w->n && w->len[i] == strlen(s) && memcmp(w->w[i], s, w->len[i]) == 0;
}

/* words[first] is the script; the rest are its arguments. */
static enum sst_proc_kind classify_words(const struct words *w, size_t first,
					 char method[SST_PROC_METHOD_MAX])
{
	bool donor = false, bypass = false;
	char m[SST_PROC_METHOD_MAX];

	if (first >= w->n || !script_method(w->w[first], w->len[first], m))
		return SST_PROC_NONE;
	for (size_t i = first + 1; i < w->n; i++) {
		if (word_is(w, i, "--role") && word_is(w, i + 1, "donor"))
			donor = true;
		else if (word_is(w, i, "--bypass"))
			bypass = true;
		/* Everything after --mysqld-args belongs to mysqld. */
		else if (word_is(w, i, "--mysqld-args"))
			break;
	}
	if (!donor)
		return SST_PROC_NONE;
	memcpy(method, m, sizeof m);
	return bypass ? SST_PROC_IST : SST_PROC_SST;
}

enum sst_proc_kind sstproc_classify_cmdline(const char *cmdline, size_t len,
					    char method[SST_PROC_METHOD_MAX])
{
	struct words argv, inner;
	enum sst_proc_kind k;

	split(cmdline, len, '\0', false, &argv);
	if (argv.n == 0)
		return SST_PROC_NONE;
	/* sh -c "wsrep_sst_rsync --role 'donor' ...": mysqld's own spawn. */
	if (argv.n >= 3 && word_is(&argv, 1, "-c")) {
		split(argv.w[2], argv.len[2], ' ', true, &inner);
		return classify_words(&inner, 0, method);
	}
	/* The script itself, or an interpreter running it (bash script ...). */
	k = classify_words(&argv, 0, method);
	if (k == SST_PROC_NONE && argv.n >= 2)
		k = classify_words(&argv, 1, method);
	return k;
}

static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while ((size_t)total < size && (n = read(fd, buf + total, size - (size_t)total)) > 0)
		total += n;
	close(fd);
	return total;
}

struct walk {
	const char *root;
	int seen;
	struct sst_process *out;
};

/* Lists the children of every thread of pid (mysqld forks from whichever
 * thread serves the request). Returns -errno when the first level cannot
 * be read, so the caller can say why. */
static int walk(struct walk *w, pid_t pid, int depth)
{
	char path[PATH_MAX_LEN], buf[CMDLINE_MAX];
	DIR *d;
	struct dirent *e;
	int err = 0;

	snprintf(path, sizeof path, "%s/%d/task", w->root, (int)pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d)) && w->out->kind < SST_PROC_IST && w->seen < MAX_PROCS) {
		ssize_t n;
		char *p, *end;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%d/task/%s/children", w->root, (int)pid, e->d_name);
		n = read_small(path, buf, sizeof buf - 1);
		if (n < 0) {
			int e2 = errno;
			/* A thread that ended meanwhile is no news; a live
			 * thread without the file means a kernel without
			 * CONFIG_PROC_CHILDREN, and then we cannot know. */
			if (depth == 0 && e2 == ENOENT) {
				snprintf(path, sizeof path, "%s/%d/task/%s", w->root, (int)pid, e->d_name);
				if (access(path, F_OK) == 0)
					err = -ENOSYS;
			} else if (depth == 0 && e2 != ESRCH) {
				err = -e2;
			}
			continue;
		}
		buf[n] = '\0';
		for (p = buf; *p && w->out->kind < SST_PROC_IST && w->seen < MAX_PROCS; p = end) {
			long child = strtol(p, &end, 10);
			char cmd[CMDLINE_MAX];
			ssize_t m;

			if (end == p)
				break;
			w->seen++;
			snprintf(path, sizeof path, "%s/%ld/cmdline", w->root, child);
			m = read_small(path, cmd, sizeof cmd);
			if (m > 0) {
				enum sst_proc_kind k = sstproc_classify_cmdline(cmd, (size_t)m, w->out->method);
				if (k != SST_PROC_NONE) {
					w->out->kind = k;
					break;
				}
			}
			if (depth + 1 < MAX_DEPTH)
				walk(w, (pid_t)child, depth + 1);
		}
	}
	closedir(d);
	return depth == 0 ? err : 0;
}

void sstproc_scan(const char *proc_root, pid_t mysqld_pid, struct sst_process *out)
{
	struct walk w = {.root = proc_root, .out = out};
	int err;

	memset(out, 0, sizeof *out);
	out->mysqld_pid = mysqld_pid;
	if (mysqld_pid <= 0) {
		out->kind = SST_PROC_UNKNOWN;
		snprintf(out->why, sizeof out->why,
			 "mysqld's pid unknown (not connected by unix socket, or another pid namespace)");
		return;
	}
	out->kind = SST_PROC_NONE;
	err = walk(&w, mysqld_pid, 0);
	if (out->kind >= SST_PROC_IST)
		return;
	if (err) {
		out->kind = SST_PROC_UNKNOWN;
		snprintf(out->why, sizeof out->why, "cannot list the processes of mysqld (pid %d): %.60s",
			 (int)mysqld_pid,
			 err == -ENOSYS ? "no task/<tid>/children in /proc"
					: strerror(-err));
	}
}

void sstproc_track(struct sst_tracker *t, bool donor_state, const struct sst_process *scan,
		   long long now_ms, struct sst_process *out)
{
	if (!donor_state) {
		memset(t, 0, sizeof *t);
		memset(out, 0, sizeof *out);
		out->kind = SST_PROC_NOT_LOOKED;
		return;
	}
	if (!t->in_episode) {
		t->in_episode = true;
		t->episode_start_ms = now_ms;
	}
	*out = *scan;
	if (scan->kind == SST_PROC_IST || scan->kind == SST_PROC_SST) {
		t->last_seen = *scan;
		t->last_seen_ms = now_ms;
		return;
	}
	/* The script just finished; the node leaves state 2 in a moment. */
	if (scan->kind == SST_PROC_NONE && t->last_seen.kind != SST_PROC_NOT_LOOKED &&
	    now_ms - t->last_seen_ms <= SSTPROC_GRACE_MS) {
		*out = t->last_seen;
		snprintf(out->why, sizeof out->why, "script ended %lld ms ago",
			 now_ms - t->last_seen_ms);
	}
}

const char *sstproc_kind_name(enum sst_proc_kind k)
{
	switch (k) {
	case SST_PROC_NOT_LOOKED:
		return "not looked";
	case SST_PROC_UNKNOWN:
		return "unknown";
	case SST_PROC_NONE:
		return "none";
	case SST_PROC_IST:
		return "ist";
	case SST_PROC_SST:
		return "sst";
	}
	return "?";
}
