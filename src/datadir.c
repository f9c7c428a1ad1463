#include "datadir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	if (stat(dir, &st) != 0) {
		out->dir_errno = errno;
		out->grastate_errno = errno;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		out->dir_errno = ENOTDIR;
		out->grastate_errno = ENOTDIR;
		return;
	}
	if (path_in(dir, DATADIR_SST_MARKER, path, sizeof path) == 0)
		out->sst_in_progress = lstat(path, &st) == 0;
	read_grastate(dir, out);
}
