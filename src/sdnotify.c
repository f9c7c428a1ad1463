#include "sdnotify.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include "clock.h"
#include "log.h"

static uint64_t watchdog_usec;  /* 0: no watchdog */
static struct timespec last_ping;
static struct verdict last_status;
static bool status_sent;

int sdnotify_listen_fd(char *err, size_t errlen)
{
	int n = sd_listen_fds(1);

	if (n == 0)
		return -1;
	if (n < 0) {
		snprintf(err, errlen, "LISTEN_FDS: %s", strerror(-n));
		return -2;
	}
	if (n > 1) {
		snprintf(err, errlen, "systemd passed %d sockets; the .socket unit must have exactly one "
			 "ListenStream=", n);
		return -2;
	}
	if (sd_is_socket(SD_LISTEN_FDS_START, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
		snprintf(err, errlen, "the socket systemd passed is not a listening stream socket "
			 "(Accept=yes belongs with --inetd)");
		return -2;
	}
	return SD_LISTEN_FDS_START;
}

int sdnotify_connection_fd(void)
{
	if (sd_listen_fds(1) != 1)
		return -1;
	if (sd_is_socket(SD_LISTEN_FDS_START, AF_UNSPEC, SOCK_STREAM, 0) <= 0)
		return -1;
	return SD_LISTEN_FDS_START;
}

void sdnotify_ready(const char *status)
{
	uint64_t usec = 0;

	/* sd_watchdog_enabled() checks WATCHDOG_PID against us, so a value
	 * inherited from a parent unit does not turn pings on. */
	if (sd_watchdog_enabled(0, &usec) > 0)
		watchdog_usec = usec;
	clock_mono(&last_ping);
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void sdnotify_tick(const struct verdict *v, const struct timespec *now)
{
	if (!status_sent || !verdict_equal(v, &last_status)) {
		sd_notifyf(0, "STATUS=%s (%d): %s", v->code == 200 ? "ready" : "not ready",
			   v->code, v->reason);
		last_status = *v;
		status_sent = true;
	}
	/* Half the interval, as sd_watchdog_enabled(3) recommends, so one
	 * late tick does not get us killed. */
	if (watchdog_usec && clock_usec_since(&last_ping, now) >= watchdog_usec / 2) {
		sd_notify(0, "WATCHDOG=1");
		last_ping = *now;
	}
}

void sdnotify_stopping(const char *why)
{
	sd_notifyf(0, "STOPPING=1\nSTATUS=stopping: %s", why);
}
