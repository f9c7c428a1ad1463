/* Monotonic time, one way: every timeout, age and deadline in the agent is
 * CLOCK_MONOTONIC, so a wall-clock step (NTP, an operator's `date`) can
 * neither expire nor extend one. Milliseconds as long long everywhere a
 * number is kept; struct timespec where a snapshot or view carries a time. */
#ifndef CLUSTERCHECKD_CLOCK_H
#define CLUSTERCHECKD_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Now. */
void clock_mono(struct timespec *now);
long long clock_mono_ms(void);

/* A time as milliseconds (truncated), for arithmetic and comparisons. */
long long clock_ms(const struct timespec *t);

/* to - from, negative when `to` is earlier. */
long long clock_ms_between(const struct timespec *from, const struct timespec *to);
double clock_seconds_between(const struct timespec *from, const struct timespec *to);
/* to - from in microseconds, 0 when `to` is earlier. */
uint64_t clock_usec_since(const struct timespec *from, const struct timespec *to);

/* Whether `t` is at or after `mark`. */
bool clock_reached(const struct timespec *t, const struct timespec *mark);
/* The zero time stands for "never" in memories that start zeroed. */
bool clock_is_zero(const struct timespec *t);

/* Deadlines in monotonic milliseconds: one `ms` from now, and what is left
 * of one (0 once passed, never negative, at most INT_MAX so that it can be
 * given to poll()). */
long long clock_deadline_ms(long long ms);
int clock_ms_left(long long deadline_ms);

/* The same as a struct timespec: now + ms. */
void clock_deadline(struct timespec *out, long long ms);

#endif
