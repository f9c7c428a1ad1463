#include "clock.h"

#include <limits.h>

void clock_mono(struct timespec *now)
{
	/* Cannot fail for CLOCK_MONOTONIC with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, now);
}

long long clock_ms(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000 + t->tv_nsec / 1000000;
}

long long clock_mono_ms(void)
{
	struct timespec t;

	clock_mono(&t);
	return clock_ms(&t);
}

long long clock_ms_between(const struct timespec *from, const struct timespec *to)
{
	return (long long)(to->tv_sec - from->tv_sec) * 1000 + (to->tv_nsec - from->tv_nsec) / 1000000;
}

double clock_seconds_between(const struct timespec *from, const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) + (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

uint64_t clock_usec_since(const struct timespec *from, const struct timespec *to)
{
	int64_t us = (int64_t)(to->tv_sec - from->tv_sec) * 1000000 +
		     (to->tv_nsec - from->tv_nsec) / 1000;

	return us < 0 ? 0 : (uint64_t)us;
}

bool clock_reached(const struct timespec *t, const struct timespec *mark)
{
	return t->tv_sec > mark->tv_sec || (t->tv_sec == mark->tv_sec && t->tv_nsec >= mark->tv_nsec);
}

bool clock_is_zero(const struct timespec *t)
{
	return t->tv_sec == 0 && t->tv_nsec == 0;
}

long long clock_deadline_ms(long long ms)
{
	return clock_mono_ms() + ms;
}

int clock_ms_left(long long deadline_ms)
{
	long long left = deadline_ms - clock_mono_ms();

	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

void clock_deadline(struct timespec *out, long long ms)
{
	clock_mono(out);
	out->tv_sec += (time_t)(ms / 1000);
	out->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (out->tv_nsec >= 1000000000L) {
		out->tv_sec++;
		out->tv_nsec -= 1000000000L;
	}
}
