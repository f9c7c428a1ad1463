#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

static enum log_target target = LOG_TO_STDERR;
static int max_priority = LOG_INFO;
static const char *prog = "clustercheckd";
static int file_fd = -1;

void log_init(enum log_target t, const char *ident)
{
	if (target == LOG_TO_SYSLOG && t != LOG_TO_SYSLOG)
		closelog();
	target = t;
	if (ident)
		prog = ident;
	if (t == LOG_TO_SYSLOG)
		openlog(prog, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int log_open_file(const char *path, const char *ident)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);

	if (fd == -1)
		return -1;
	log_init(LOG_TO_FILE, ident);
	if (file_fd != -1)
		close(file_fd);
	file_fd = fd;
	return 0;
}

enum log_target log_target_current(void)
{
	return target;
}

void log_set_level(int priority)
{
	max_priority = priority;
}

void log_vmsg(int priority, const char *fmt, va_list ap)
{
	int saved = errno;

	if (priority > max_priority || target == LOG_TO_NOWHERE)
		goto out;
	if (target == LOG_TO_SYSLOG) {
		vsyslog(priority, fmt, ap);
	} else {
		/* One write per line so lines from threads never interleave. */
		char line[1024];
		struct timespec ts;
		struct tm tm;
		size_t n;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
		n += (size_t)snprintf(line + n, sizeof line - n, ".%03ld %s: ",
				      ts.tv_nsec / 1000000, prog);
		if (n < sizeof line)
			vsnprintf(line + n, sizeof line - n, fmt, ap);
		n = strlen(line);
		if (n == sizeof line - 1)
			line[n - 1] = '\n';
		else
			line[n++] = '\n';
		if (target == LOG_TO_FILE) {
			/* O_APPEND and one write(): lines from several
			 * processes sharing the file stay whole. */
			if (write(file_fd, line, n) < 0)
				(void)0;
		} else {
			fwrite(line, 1, n, stderr);
		}
	}
out:
	errno = saved;
}

#define LOG_FN(fn, prio)                          \
	void fn(const char *fmt, ...)             \
	{                                         \
		va_list ap;                       \
		va_start(ap, fmt);                \
		log_vmsg(prio, fmt, ap);          \
		va_end(ap);                       \
	}

LOG_FN(log_info, LOG_INFO)
LOG_FN(log_notice, LOG_NOTICE)
LOG_FN(log_warnx, LOG_WARNING)
LOG_FN(log_debug, LOG_DEBUG)

void log_warn(const char *fmt, ...)
{
	char msg[768];
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_warnx("%s: %s", msg, strerror(saved));
	errno = saved;
}
