#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

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

/* ---- repeated events -------------------------------------------------- */

static void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_msg(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(priority, fmt, ap);
	va_end(ap);
}

void log_summary_init(struct log_summary *s, long long interval_ms)
{
	memset(s, 0, sizeof *s);
	s->interval_ms = interval_ms;
}

static void copy_msg(char *dst, const char *msg)
{
	snprintf(dst, LOG_SUMMARY_MSG, "%s", msg);
}

bool log_summary_note(struct log_summary *s, const void *key, int priority, const char *msg,
		      long long now)
{
	struct log_summary_slot *free_slot = NULL, *overflow = &s->slots[LOG_SUMMARY_SLOTS - 1];

	for (int i = 0; i < LOG_SUMMARY_SLOTS - 1; i++) {
		struct log_summary_slot *sl = &s->slots[i];
		if (sl->key == key) {
			sl->repeats++;
			copy_msg(sl->last, msg);
			return false;
		}
		if (!sl->key && !free_slot)
			free_slot = sl;
	}
	if (!free_slot) {
		/* More kinds at once than slots: the rest share one summary,
		 * and the first of them is still shown. */
		if (overflow->key) {
			overflow->repeats++;
			copy_msg(overflow->last, msg);
			return false;
		}
		free_slot = overflow;
	}
	*free_slot = (struct log_summary_slot){.key = key, .priority = priority,
					       .window_end = now + s->interval_ms};
	return true;
}

void log_summary_due(struct log_summary *s, long long now, bool all, log_summary_emit_fn emit,
		     void *ctx)
{
	for (int i = 0; i < LOG_SUMMARY_SLOTS; i++) {
		struct log_summary_slot *sl = &s->slots[i];
		long long started = sl->window_end - s->interval_ms;

		if (!sl->key || (!all && now < sl->window_end))
			continue;
		if (sl->repeats == 0) {
			/* Quiet for a whole interval: the next one is news. */
			sl->key = NULL;
			continue;
		}
		emit(ctx, sl->priority, sl->repeats, now - started, sl->last);
		/* Still busy: keep counting, one line per interval. */
		sl->repeats = 0;
		sl->window_end = now + s->interval_ms;
	}
}

static struct log_summary summary = {.interval_ms = LOG_SUMMARY_INTERVAL_MS};
static pthread_mutex_t summary_lock = PTHREAD_MUTEX_INITIALIZER;

static void emit_summary(void *ctx, int priority, unsigned long long repeats, long long window_ms,
			 const char *last)
{
	(void)ctx;
	log_msg(priority, "repeated %llu more times in %lld.%lld s, latest: %s", repeats,
		window_ms / 1000, window_ms % 1000 / 100, last);
}

void log_rate(const void *key, int priority, const char *fmt, ...)
{
	char msg[LOG_SUMMARY_MSG];
	long long now = clock_mono_ms();
	va_list ap;
	bool show;

	if (priority > max_priority || target == LOG_TO_NOWHERE)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&summary_lock);
	log_summary_due(&summary, now, false, emit_summary, NULL);
	show = log_summary_note(&summary, key, priority, msg, now);
	pthread_mutex_unlock(&summary_lock);
	if (show)
		log_msg(priority, "%s (repeats are counted and summarised every %d s)", msg,
			LOG_SUMMARY_INTERVAL_MS / 1000);
}

void log_rate_flush(bool all)
{
	pthread_mutex_lock(&summary_lock);
	log_summary_due(&summary, clock_mono_ms(), all, emit_summary, NULL);
	pthread_mutex_unlock(&summary_lock);
}
