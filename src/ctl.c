#include "ctl.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "acceptor.h"
#include "clock.h"
#include "io.h"

/* A client gets this long to send its line and read the answer; the agent
 * serves one client at a time, so a stalled one only delays others. */
#define CTL_IO_MS 1000

/* ---- protocol ---- */

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncmp(s, w, n) == 0;
}

int ctl_parse_line(const char *line, struct ctl_request *out)
{
	const char *p = line, *w[4];
	size_t n[4], count = 0;

	memset(out, 0, sizeof *out);
	out->primary = -1;
	/* Words separated by blanks, the line ends at '\n' or '\r'. */
	while (*p && *p != '\n' && *p != '\r') {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (count == 4)
			return -1;
		w[count] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		n[count] = (size_t)(p - w[count]);
		count++;
	}
	if (count == 0)
		return -1;
	if (count == 1) {
		static const struct { const char *name; enum ctl_cmd cmd; } simple[] = {
			{"ready", CTL_READY}, {"drain", CTL_DRAIN}, {"maint", CTL_MAINT},
			{"status", CTL_STATUS},
		};
		for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
			if (word_is(w[0], n[0], simple[i].name)) {
				out->cmd = simple[i].cmd;
				return 0;
			}
		}
		return -1;
	}
	if (!word_is(w[0], n[0], "notify") || count != 3 || n[1] >= sizeof out->status)
		return -1;
	for (size_t i = 0; i < n[1]; i++) {
		char c = w[1][i];
		if (!islower((unsigned char)c) && c != '_' && c != '-')
			return -1;
	}
	if (word_is(w[2], n[2], "yes"))
		out->primary = 1;
	else if (word_is(w[2], n[2], "no"))
		out->primary = 0;
	else if (!word_is(w[2], n[2], "-"))
		return -1;
	memcpy(out->status, w[1], n[1]);
	out->status[n[1]] = '\0';
	out->cmd = CTL_NOTIFY;
	return 0;
}

/* ---- server ---- */

struct ctl_server {
	struct acceptor *acceptor;
	int listen_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler_fn fn;
	void *ctx;
};

static void serve_connection(void *ctx, int fd)
{
	struct ctl_server *s = ctx;
	long long deadline = clock_deadline_ms(CTL_IO_MS);
	struct ctl_peer peer = {.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
	struct ucred cred;
	socklen_t cred_len = sizeof cred;
	char line[CTL_LINE_MAX], reply[CTL_REPLY_MAX];
	struct ctl_request req;
	ssize_t n;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len) == 0) {
		peer.pid = cred.pid;
		peer.uid = cred.uid;
		peer.gid = cred.gid;
	}
	n = io_read_bounded(fd, line, sizeof line, true, deadline);
	if (n <= 0) {
		close(fd);
		return;
	}
	if (!memchr(line, '\n', (size_t)n) && (size_t)n + 1 >= sizeof line) {
		snprintf(reply, sizeof reply, "error: line too long\n");
	} else if (ctl_parse_line(line, &req) != 0) {
		line[strcspn(line, "\r\n")] = '\0';
		snprintf(reply, sizeof reply,
			 "error: unknown command; use ready, drain, maint or status\n");
	} else {
		reply[0] = '\0';
		s->fn(s->ctx, &req, &peer, reply, sizeof reply);
	}
	io_write_all(fd, reply, strlen(reply), deadline);
	shutdown(fd, SHUT_WR);
	io_drain(fd, deadline, -1);
	close(fd);
}

/* Whoever can write the directory can swap the socket for their own and
 * collect every command (and mysqld's notifications): refuse such a
 * directory instead of trusting it. */
static int check_directory(const char *path, const char *group, char *err, size_t errlen)
{
	char copy[PATH_MAX], *dir;
	struct stat st;

	snprintf(copy, sizeof copy, "%s", path);
	dir = dirname(copy);
	if (lstat(dir, &st) != 0 && errno == ENOENT) {
		if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "ctl: cannot create %s: %s", dir, strerror(errno));
			return -1;
		}
		if (group && group[0]) {
			struct group *g = getgrnam(group);
			if (g && chown(dir, (uid_t)-1, g->gr_gid) != 0) {
				snprintf(err, errlen, "ctl: cannot chown %s: %s", dir, strerror(errno));
				return -1;
			}
		}
	}
	if (lstat(dir, &st) != 0) {
		snprintf(err, errlen, "ctl: %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "ctl: %s is not a directory", dir);
		return -1;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(err, errlen, "ctl: %s belongs to uid %u, not to us or root", dir,
			 (unsigned)st.st_uid);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "ctl: %s is writable by group or other (mode %04o): "
			 "anyone could replace the socket", dir, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* A socket file left by an agent that died is removed; one that answers
 * belongs to a running agent, and anything else is not ours to delete. */
static int clear_old_socket(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "ctl: %s: %s", path, strerror(errno)), -1);
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "ctl: %s exists and is not a socket; not removing it", path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "ctl: socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 || errno == EAGAIN) {
		close(fd);
		snprintf(err, errlen, "ctl: %s: another agent is running on this socket", path);
		return -1;
	}
	close(fd);
	if (unlink(path) != 0) {
		snprintf(err, errlen, "ctl: cannot remove stale %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

struct ctl_server *ctl_server_start(const char *path, unsigned mode, const char *group,
				    ctl_handler_fn fn, void *ctx, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct ctl_server *s;
	gid_t gid = (gid_t)-1;
	mode_t old_umask;
	int rc;

	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen, "ctl: socket path too long (at most %zu bytes): %s",
			 sizeof sa.sun_path - 1, path);
		return NULL;
	}
	if (group && group[0]) {
		struct group *g = getgrnam(group);
		if (!g) {
			snprintf(err, errlen, "ctl: no group named '%s'", group);
			return NULL;
		}
		gid = g->gr_gid;
	}
	if (check_directory(path, group, err, errlen) != 0 || clear_old_socket(path, err, errlen) != 0)
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "ctl: out of memory");
		return NULL;
	}
	s->fn = fn;
	s->ctx = ctx;
	snprintf(s->path, sizeof s->path, "%s", path);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0) {
		snprintf(err, errlen, "ctl: socket: %s", strerror(errno));
		goto fail;
	}
	/* Born 0600, so nobody else can connect before the chmod below. */
	old_umask = umask(0177);
	rc = bind(s->listen_fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old_umask);
	if (rc != 0) {
		snprintf(err, errlen, "ctl: cannot bind %s: %s", path, strerror(errno));
		goto fail;
	}
	if ((gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) != 0) || chmod(path, (mode_t)mode) != 0) {
		snprintf(err, errlen, "ctl: cannot set owner/mode of %s: %s", path, strerror(errno));
		unlink(path);
		goto fail;
	}
	if (listen(s->listen_fd, 16) != 0) {
		snprintf(err, errlen, "ctl: listen: %s", strerror(errno));
		unlink(path);
		goto fail;
	}
	s->acceptor = acceptor_start(s->listen_fd, serve_connection, s, "ctl", err, errlen);
	if (s->acceptor)
		return s;
	unlink(path);
fail:
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	free(s);
	return NULL;
}

void ctl_server_stop(struct ctl_server *s)
{
	if (!s)
		return;
	acceptor_stop(s->acceptor);
	close(s->listen_fd);
	unlink(s->path);
	free(s);
}
