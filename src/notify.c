#include "notify.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ctlclient.h"

/* mysqld waits for us: connect, write and go, whatever the agent does. */
#define NOTIFY_TIMEOUT_MS 200

int notify_parse_args(int argc, char **argv, struct notify_event *out)
{
	memset(out, 0, sizeof *out);
	out->primary = -1;
	out->index = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--status") == 0 && v) {
			size_t n = strlen(v);
			if (n == 0 || n >= sizeof out->status)
				return -1;
			for (size_t j = 0; j < n; j++) {
				unsigned char c = (unsigned char)v[j];
				if (!isalpha(c) && c != '_' && c != '-')
					return -1;
				out->status[j] = (char)tolower(c);
			}
			out->status[n] = '\0';
			i++;
		} else if (strcmp(a, "--primary") == 0 && v) {
			out->primary = strcmp(v, "yes") == 0 ? 1 : strcmp(v, "no") == 0 ? 0 : -1;
			i++;
		} else if (strcmp(a, "--index") == 0 && v) {
			char *end;
			errno = 0;
			long n = strtol(v, &end, 10);
			out->index = errno || *end || n < 0 ? -1 : n;
			i++;
		} else if (strcmp(a, "--ctl") == 0 && v) {
			out->ctl = v;
			i++;
		} else if (strcmp(a, "--config") == 0 && v) {
			out->config = v;
			i++;
		} else if ((strcmp(a, "--uuid") == 0 || strcmp(a, "--members") == 0) && v) {
			i++; /* not needed: the agent reads the facts itself */
		}
		/* anything else: a newer mysqld's argument, ignored */
	}
	return out->status[0] ? 0 : -1;
}

size_t notify_line(const struct notify_event *ev, char *buf, size_t len)
{
	int n = snprintf(buf, len, "notify %s %s\n", ev->status,
			 ev->primary == 1 ? "yes" : ev->primary == 0 ? "no" : "-");

	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}

bool notify_status_is_down(const char *status)
{
	/* "disconnecting" is sent the moment a shutdown starts, before mysqld
	 * refuses clients: the earliest warning there is. */
	return strcmp(status, "disconnecting") == 0 || strcmp(status, "disconnected") == 0;
}

int notify_main(int argc, char **argv)
{
	struct notify_event ev;
	char path[PATH_MAX], note[PATH_MAX + 64], line[96], err[PATH_MAX + 128];

	/* stdout/stderr belong to mysqld: speak through syslog only. */
	openlog("clustercheckd-notify", LOG_PID, LOG_DAEMON);
	if (notify_parse_args(argc, argv, &ev) != 0) {
		syslog(LOG_WARNING, "called without a valid --status; nothing forwarded");
		return 0;
	}
	ctlclient_socket_path(ev.ctl, ev.config, path, sizeof path, note, sizeof note);
	if (!path[0] || notify_line(&ev, line, sizeof line) == 0)
		return 0;
	if (ctlclient_send(path, line, NULL, 0, NOTIFY_TIMEOUT_MS, err, sizeof err) != 0)
		syslog(notify_status_is_down(ev.status) ? LOG_WARNING : LOG_INFO,
		       "status %s not forwarded to the agent: %s%s", ev.status, err, note);
	closelog();
	return 0;
}
