/* Meter-local times with their UTC offset, once the user says where the meter is (--tz). */
#ifndef TEM_TZ_H
#define TEM_TZ_H

#include <stddef.h>

#include "tem_map.h"

/*
 * Take zone (a tz database name such as "Europe/Moscow", a POSIX TZ string
 * such as "MSK-3", or "local": the TZ environment variable, else the
 * system's zone) for every later tem_tz_iso().  -1 with err for a name the
 * tz database does not have.
 */
int tem_tz_set(const char *zone, char *err, size_t errlen);

/*
 * The local time key (seconds of the calendar time taken as UTC) in zone:
 * its UTC offset in seconds, 0 when it has exactly one; -1 when that wall
 * time occurs twice or never there (a clock change).
 */
int tem_tz_offset(long long key, long *off);

/*
 * "2026-03-02T14:15:33" and, after tem_tz_set(), its offset ("+03:00");
 * without one when the offset cannot be known (tem_tz_offset -1).  buf[26+].
 */
char *tem_tz_iso(char *buf, size_t len, long long key);

/* The same for a meter clock reading. */
char *tem_tz_time_iso(char *buf, size_t len, const struct tem_time *t);

#endif
