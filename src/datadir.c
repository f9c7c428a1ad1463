#include "datadir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static int path_in(const char *dir, const char *name, char *out, size_t out_len)
{
	int n = snprintf(out, out_len, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= out_len ? -1 : 0;
}

static void read_grastate(const char *dir, struct datadir_facts *out)
{
	char path[PATH_MAX], buf[GRASTATE_MAX_BYTES + 1];
	size_t len = 0;
	ssize_t n;
	int fd;

	if (path_in(dir, DATADIR_GRASTATE, path, sizeof path) != 0) {
		out->grastate_errno = ENAMETOOLONG;
		return;
	}
	/* O_NONBLOCK: a FIFO planted under the name must not hang the poller. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		out->grastate_errno = errno;
		return;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		out->grastate_errno = EINVAL;
		close(fd);
		return;
	}
	/* One byte more than allowed tells a big file from a full one. */
	while (len < sizeof buf && (n = read(fd, buf + len, sizeof buf - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			out->grastate_errno = errno;
			close(fd);
			return;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len > GRASTATE_MAX_BYTES) {
		out->grastate_errno = EFBIG;
		return;
	}
	grastate_parse(buf, len, &out->grastate);
	out->grastate_errno = 0;
}

void datadir_read(const char *dir, struct datadir_facts *out)
{
	char path[PATH_MAX];
	struct stat st;

	memset(out, 0, sizeof *out);
	if (!dir || !dir[0])
		return;
	out->checked = true;
	snprintf(out->path, sizeof out->path, "%s", dir);
	if (stat(dir, &st) != 0)
		out->dir_errno = errno;
	else if (!S_ISDIR(st.st_mode))
		out->dir_errno = ENOTDIR;
	if (out->dir_errno) {
		out->marker_errno = out->dir_errno;
		out->grastate_errno = out->dir_errno;
		return;
	}
	/* Only ENOENT says "no marker". Searching the directory needs its x
	 * bit: a 0700 mysql:mysql datadir answers EACCES, which says nothing
	 * about a state transfer. */
	if (path_in(dir, DATADIR_SST_MARKER, path, sizeof path) != 0)
		out->marker_errno = ENAMETOOLONG;
	else if (lstat(path, &st) == 0)
		out->sst_in_progress = true;
	else if (errno != ENOENT)
		out->marker_errno = errno;
	read_grastate(dir, out);
}

void datadir_problem(const struct datadir_facts *d, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!d->checked)
		return;
	if (d->dir_errno)
		snprintf(buf, len, "datadir %s: %s: whether a state transfer is under way cannot be known, nor grastate.dat read",
			 d->path, strerror(d->dir_errno));
	else if (d->marker_errno)
		snprintf(buf, len, "datadir %s: cannot look for %s (%s): whether a state transfer is under way cannot be known%s",
			 d->path, DATADIR_SST_MARKER, strerror(d->marker_errno),
			 datadir_grastate_known(d) ? "" : ", nor grastate.dat read");
	else if (!datadir_grastate_known(d))
		snprintf(buf, len, "datadir %s: cannot read %s (%s)", d->path, DATADIR_GRASTATE,
			 strerror(d->grastate_errno));
}

/* "/var/lib/mysql/" (as mysqld says it) and "/var/lib/mysql" are one. */
static void normalise(const char *in, char *out, size_t len)
{
	size_t n;

	snprintf(out, len, "%s", in);
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

void datadir_watch_read(struct datadir_watch *w, const char *configured, const char *reported,
			struct datadir_facts *out)
{
	char conf[DATADIR_PATH_MAX], problem[sizeof w->told_problem], told[sizeof w->told_path];
	const char *dir;
	struct stat st;
	bool use_learned = false;

	if (!configured || !configured[0]) {
		/* The operator said: read nothing. */
		datadir_read("", out);
		return;
	}
	/* mysqld resolves its datadir; a relative one would be relative to
	 * mysqld's working directory, not ours. */
	if (reported && reported[0] == '/')
		normalise(reported, w->learned, sizeof w->learned);
	normalise(configured, conf, sizeof conf);
	told[0] = '\0';
	if (w->learned[0] && strcmp(w->learned, conf) != 0) {
		/* mysqld's path names another mount namespace when it does not
		 * exist here (a sidecar mounting the volume elsewhere); any
		 * other answer (EACCES on a parent, ...) is still its datadir. */
		use_learned = stat(w->learned, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
		snprintf(told, sizeof told, "%s\n%s\n%d", w->learned, conf, use_learned);
	}
	if (strcmp(told, w->told_path) != 0) {
		if (use_learned)
			log_warnx("mysqld's datadir is %s, not mysql.datadir %s: reading %s", w->learned,
				  conf, w->learned);
		else if (told[0])
			log_warnx("mysqld's datadir %s does not exist here: reading mysql.datadir %s",
				  w->learned, conf);
		memcpy(w->told_path, told, sizeof told);
	}
	dir = use_learned ? w->learned : conf;
	datadir_read(dir, out);
	out->from_mysqld = use_learned || (w->learned[0] && strcmp(w->learned, conf) == 0);

	datadir_problem(out, problem, sizeof problem);
	if (strcmp(problem, w->told_problem) != 0) {
		if (problem[0] && out->marker_errno)
			log_warnx("%s; /live will not fail while mysqld is silent (README, Hardening: the agent's user needs search access to the datadir)",
				  problem);
		else if (problem[0])
			log_warnx("%s", problem);
		else
			log_notice("datadir %s: readable: the SST marker and grastate.dat can be seen", dir);
		memcpy(w->told_problem, problem, sizeof problem);
	}
}
