#include "ctlclient.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cfg.h"
#include "clock.h"
#include "io.h"

int ctlclient_send(const char *path, const char *line, char *reply, size_t reply_len,
		   int timeout_ms, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	long long deadline = clock_deadline_ms(timeout_ms);
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	/* Non-blocking: a unix connect() to an agent whose backlog is full
	 * would otherwise wait, and mysqld waits for `notify`. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		snprintf(err, errlen, "cannot connect to %s: %s", path,
			 errno == EAGAIN ? "the agent is busy" : strerror(errno));
		close(fd);
		return -1;
	}
	if (io_write_all(fd, line, strlen(line), deadline) != 0) {
		snprintf(err, errlen, "cannot send to %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	shutdown(fd, SHUT_WR);
	if (reply && reply_len) {
		if (io_read_bounded(fd, reply, reply_len, false, deadline) < 0) {
			snprintf(err, errlen, "no answer from %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

void ctlclient_socket_path(const char *opt_ctl, const char *config, char *out, size_t len,
			   char *note, size_t note_len)
{
	struct cfg c;

	note[0] = '\0';
	if (opt_ctl) {
		snprintf(out, len, "%s", opt_ctl);
		return;
	}
	cfg_defaults(&c);
	if (cfg_load(&c, config ? config : CFG_DEFAULT_PATH, config != NULL, NULL, NULL) != 0) {
		/* Often unreadable on purpose (it may hold the password): the
		 * default socket is the best guess. */
		cfg_defaults(&c);
		snprintf(note, note_len, " (could not read %s; pass --ctl PATH)",
			 config ? config : CFG_DEFAULT_PATH);
	}
	snprintf(out, len, "%s", c.ctl_socket);
	explicit_bzero(&c, sizeof c);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: clustercheckd ctl [--config FILE] [--ctl SOCKET] ready|drain|maint|status\n"
		   "  drain   answer \"draining\" (404; agent-check \"drain\"): no new connections\n"
		   "  maint   answer 503 \"in maintenance\" (agent-check \"maint\")\n"
		   "  ready   back to normal\n"
		   "  status  what the agent answers now, and why\n");
}

int ctlclient_main(int argc, char **argv)
{
	const char *config = NULL, *opt_ctl = NULL, *cmd = NULL;
	char path[PATH_MAX], note[PATH_MAX + 64], line[64], reply[CTL_REPLY_MAX], err[PATH_MAX + 128];
	struct ctl_request req;

	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "-c") == 0) && i + 1 < argc) {
			config = argv[++i];
		} else if (strcmp(argv[i], "--ctl") == 0 && i + 1 < argc) {
			opt_ctl = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (!cmd && argv[i][0] != '-') {
			cmd = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	snprintf(line, sizeof line, "%s\n", cmd ? cmd : "");
	if (!cmd || ctl_parse_line(line, &req) != 0 || req.cmd == CTL_NOTIFY) {
		usage(stderr);
		return 2;
	}
	ctlclient_socket_path(opt_ctl, config, path, sizeof path, note, sizeof note);
	if (!path[0]) {
		fprintf(stderr, "clustercheckd ctl: ctl.socket is off in the configuration\n");
		return 3;
	}
	if (ctlclient_send(path, line, reply, sizeof reply, 3000, err, sizeof err) != 0) {
		fprintf(stderr, "clustercheckd ctl: %s%s\n", err, note);
		return 3;
	}
	fputs(reply, stdout);
	return strncmp(reply, "ok", 2) == 0 ? 0 : 1;
}
