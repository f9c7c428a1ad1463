/* A private temporary directory for the tests that need files or sockets:
 * made in a group setup, removed with everything in it in the teardown. */
#ifndef CLUSTERCHECKD_TEST_TMPDIR_H
#define CLUSTERCHECKD_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* dir = /tmp/<name>.XXXXXX made 0700. 0, or -1. */
static inline int tmpdir_make(char *dir, size_t len, const char *name)
{
	snprintf(dir, len, "/tmp/%s.XXXXXX", name);
	if (!mkdtemp(dir))
		return -1;
	return chmod(dir, 0700);
}

static inline int tmpdir_remove_entry(const char *path, const struct stat *st, int flag,
				      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline int tmpdir_remove(const char *dir)
{
	return nftw(dir, tmpdir_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
