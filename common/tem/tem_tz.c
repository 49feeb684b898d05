#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tem_tz.h"

static int zone_set;

/* glibc takes any unknown name for UTC: look for the zone's file ourselves. */
static int
known_zone(const char *z)
{
	const char *dir = getenv("TZDIR") ? getenv("TZDIR") : "/usr/share/zoneinfo";
	char path[4096];
	int colon = *z == ':';

	z += colon;
	if (*z == '\0' || strstr(z, ".."))
		return 0;
	if (*z == '/')
		return access(z, R_OK) == 0;
	/* A POSIX TZ string names its offset in digits ("MSK-3", "<+03>-3"). */
	if (!colon && strchr(z, '/') == NULL && strpbrk(z, "0123456789"))
		return 1;
	snprintf(path, sizeof(path), "%s/%s", dir, z);
	return access(path, R_OK) == 0;
}

int
tem_tz_set(const char *zone, char *err, size_t errlen)
{
	if (strcmp(zone, "local") != 0) {
		if (!known_zone(zone)) {
			snprintf(err, errlen, "%s: not a time zone this system knows", zone);
			return -1;
		}
		if (setenv("TZ", zone, 1) == -1) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	tzset();
	zone_set = 1;
	return 0;
}

int
tem_tz_offset(long long key, long *off)
{
	time_t k = (time_t)key;
	struct tm wall;
	int found = 0;

	gmtime_r(&k, &wall);
	/* Try the wall time as standard and as summer time; one must fit, and only one offset. */
	for (int dst = 0; dst <= 1; dst++) {
		struct tm t = wall;
		time_t u;

		t.tm_isdst = dst;
		u = mktime(&t);
		if (t.tm_year != wall.tm_year || t.tm_mon != wall.tm_mon ||
		    t.tm_mday != wall.tm_mday || t.tm_hour != wall.tm_hour ||
		    t.tm_min != wall.tm_min || t.tm_sec != wall.tm_sec)
			continue;
		if (found && *off != (long)(key - (long long)u))
			return -1;
		*off = (long)(key - (long long)u);
		found = 1;
	}
	return found ? 0 : -1;
}

char *
tem_tz_time_iso(char *buf, size_t len, const struct tem_time *t)
{
	struct tm tm = { .tm_year = t->year - 1900, .tm_mon = t->mon - 1, .tm_mday = t->day,
	    .tm_hour = t->hour, .tm_min = t->min, .tm_sec = t->sec };

	return tem_tz_iso(buf, len, (long long)timegm(&tm));
}

char *
tem_tz_iso(char *buf, size_t len, long long key)
{
	time_t t = (time_t)key;
	struct tm tm;
	long off;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (zone_set && tem_tz_offset(key, &off) == 0)
		snprintf(buf + n, len - n, "%c%02ld:%02ld", off < 0 ? '-' : '+',
		    labs(off) / 3600, labs(off) % 3600 / 60);
	return buf;
}
