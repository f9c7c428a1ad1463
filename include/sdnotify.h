/* systemd integration through libsystemd: the listening socket of a
 * .socket unit (LISTEN_FDS), readiness, status, watchdog and stopping
 * notifications. Everything is a no-op when systemd did not start us. */
#ifndef CLUSTERCHECKD_SDNOTIFY_H
#define CLUSTERCHECKD_SDNOTIFY_H

#include <stddef.h>
#include <time.h>

#include "verdict.h"

/* The one listening stream socket systemd passed, or -1 when it passed
 * none; -2 (err says why) when what it passed is unusable. Unsets the
 * LISTEN_* variables so that no child inherits them. */
int sdnotify_listen_fd(char *err, size_t errlen);

/* Accept=yes without StandardInput=socket (and systemd-socket-activate -a)
 * pass the accepted connection as fd 3: returns it, or -1. */
int sdnotify_connection_fd(void);

/* READY=1 with a first STATUS=. */
void sdnotify_ready(const char *status);

/* From the main loop: STATUS= when the verdict changed, WATCHDOG=1 every
 * half watchdog interval when the unit sets WatchdogSec=. */
void sdnotify_tick(const struct verdict *v, const struct timespec *now);

/* STOPPING=1 with why. */
void sdnotify_stopping(const char *why);

#endif
