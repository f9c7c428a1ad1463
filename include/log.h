/* Logging: stderr in the foreground, syslog when asked, nothing on the
 * HTTP stream in inetd mode (fds 0-2 are the client socket there). */
#ifndef CLUSTERCHECKD_LOG_H
#define CLUSTERCHECKD_LOG_H

#include <stdarg.h>
#include <stdbool.h>

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

/* ---- repeated events --------------------------------------------------
 * Whatever a client can repeat at will (a refused or malformed connection,
 * a timeout, an accept error, libmicrohttpd's own messages) must not write a
 * line per occurrence: the log would grow with the request rate, and
 * journald's rate limiting would then drop the lines that matter (verdict
 * changes, which never go through here). The first occurrence of a kind is
 * logged at once; further ones are counted, and one line per kind per
 * interval gives the count and the latest text. A kind quiet for a whole
 * interval starts over. The kind is any stable pointer (its format string). */
#define LOG_SUMMARY_SLOTS 32
#define LOG_SUMMARY_MSG 256

struct log_summary_slot {
	const void *key;        /* NULL: free; the last slot takes every overflow */
	int priority;
	long long window_end;   /* ms */
	unsigned long long repeats;
	char last[LOG_SUMMARY_MSG];
};

struct log_summary {
	long long interval_ms;
	struct log_summary_slot slots[LOG_SUMMARY_SLOTS];
};

typedef void (*log_summary_emit_fn)(void *ctx, int priority, unsigned long long repeats,
				    long long window_ms, const char *last);

/* Pure, with the clock passed in (milliseconds, any monotonic origin). */
void log_summary_init(struct log_summary *s, long long interval_ms);
/* One occurrence of `key` with text `msg` at `now`: true when it is to be
 * logged now, false when it was counted for the summary. */
bool log_summary_note(struct log_summary *s, const void *key, int priority, const char *msg,
		      long long now);
/* Emits one summary per kind whose interval ended by `now` with repeats
 * (every kind with repeats when `all`), and frees the kinds that were quiet. */
void log_summary_due(struct log_summary *s, long long now, bool all, log_summary_emit_fn emit,
		     void *ctx);

/* The process-wide summariser (LOG_SUMMARY_INTERVAL_MS): log a repeatable
 * event of kind `key` (usually fmt itself, or the format string of the
 * library whose message this is)... */
#define LOG_SUMMARY_INTERVAL_MS 10000
void log_rate(const void *key, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* ...and write the summaries that are due; `all` at exit. Called from the
 * main loop's tick. */
void log_rate_flush(bool all);

#endif
