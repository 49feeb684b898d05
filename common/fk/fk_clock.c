#include <stdio.h>
#include <time.h>

#include "fk_clock.h"

long long
fk_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long
fk_now_ms(void)
{
	return fk_now_us() / 1000;
}

char *
fk_clock_utc(char *buf, size_t len, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

char *
fk_clock_utc_ms(char *buf, size_t len, const struct timespec *ts)
{
	struct tm tm;
	char tmp[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", tmp, ts->tv_nsec / 1000000L);
	return buf;
}
