/* The local control channel, the agent's side: a unix socket whose file
 * permissions are the access control, a one-line protocol, bounded reads
 * with timeouts. Its clients (`clustercheckd ctl`, `clustercheckd notify`)
 * are in ctlclient.h. There is deliberately no network way to change the
 * agent's state. */
#ifndef CLUSTERCHECKD_CTL_H
#define CLUSTERCHECKD_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CTL_LINE_MAX 256
#define CTL_REPLY_MAX 2048

enum ctl_cmd {
	CTL_READY,
	CTL_DRAIN,
	CTL_MAINT,
	CTL_STATUS,
	CTL_NOTIFY, /* "notify <status> <primary yes|no|->" from wsrep_notify_cmd */
};

struct ctl_request {
	enum ctl_cmd cmd;
	char status[32]; /* CTL_NOTIFY: mysqld's --status word, lower case */
	int primary;     /* CTL_NOTIFY: 1, 0, or -1 unknown */
};

/* Pure: one line (without or with its '\n') -> request. 0 or -1. */
int ctl_parse_line(const char *line, struct ctl_request *out);

/* Who is on the other end (SO_PEERCRED), for the logs. */
struct ctl_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

/* Writes the answer, one or more lines, into reply. */
typedef void (*ctl_handler_fn)(void *ctx, const struct ctl_request *req,
			       const struct ctl_peer *peer, char *reply, size_t len);

struct ctl_server;

/* Creates the socket at `path` safely (see ctl.c), mode 0600/0660, owned
 * by `group` when not empty, and serves it from a thread. NULL with err. */
struct ctl_server *ctl_server_start(const char *path, unsigned mode, const char *group,
				    ctl_handler_fn fn, void *ctx, char *err, size_t errlen);
/* Stops the thread and removes the socket file. */
void ctl_server_stop(struct ctl_server *s);

#endif
