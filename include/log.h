/* Logging: stderr in the foreground, syslog when asked, nothing on the
 * HTTP stream in inetd mode (fds 0-2 are the client socket there). */
#ifndef CLUSTERCHECKD_LOG_H
#define CLUSTERCHECKD_LOG_H

#include <stdarg.h>

enum log_target {
	LOG_TO_STDERR,
	LOG_TO_SYSLOG,
	LOG_TO_NOWHERE,
	LOG_TO_FILE,    /* appended to the file given to log_open_file() */
};

void log_init(enum log_target target, const char *ident);
enum log_target log_target_current(void);
/* Log to `path` (appended, created 0640). Returns 0, or -1 with errno set
 * and the target unchanged. */
int log_open_file(const char *path, const char *ident);
/* Messages below this syslog priority are dropped (default LOG_INFO). */
void log_set_level(int priority);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* _warn appends strerror(errno); _warnx does not (err(3) naming). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vmsg(int priority, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
