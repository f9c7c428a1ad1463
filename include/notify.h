/* `clustercheckd notify ...` as mysqld's wsrep_notify_cmd: mysqld runs it
 * synchronously on every Galera state change, so it forwards the change to
 * the running agent and returns at once, whatever happens. */
#ifndef CLUSTERCHECKD_NOTIFY_H
#define CLUSTERCHECKD_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

struct notify_event {
	char status[32]; /* lower case, [a-z_-] only; "" when not given */
	int primary;     /* 1 yes, 0 no, -1 not given */
	long index;      /* -1 when not given */
	const char *ctl; /* --ctl PATH, or NULL */
	const char *config;
};

/* Pure: mysqld's arguments (--status S --uuid U --primary yes|no --index N
 * [--members ...]) plus our --ctl/--config. Unknown options are ignored:
 * a newer mysqld may add some. 0, or -1 when --status is missing/bad. */
int notify_parse_args(int argc, char **argv, struct notify_event *out);

/* The line sent to the agent: "notify <status> <yes|no|->\n". */
size_t notify_line(const struct notify_event *ev, char *buf, size_t len);

/* States after which mysqld will not serve: not ready at once. */
bool notify_status_is_down(const char *status);

/* Always returns 0 (mysqld must not see a failure); problems go to syslog. */
int notify_main(int argc, char **argv);

#endif
