#include <time.h>

#include "check.h"
#include "tem/tem_tz.h"

static long long
key(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
	    .tm_min = mi };

	return (long long)timegm(&tm);
}

int
main(void)
{
	char buf[40], err[200];
	long off = 0;

	/* Before --tz: as it always was. */
	CHECK_STR(tem_tz_iso(buf, sizeof(buf), key(2026, 3, 2, 14, 15)), "2026-03-02T14:15:00");
	CHECK_INT(tem_tz_set("Mars/Base", err, sizeof(err)), -1);
	CHECK_STR(err, "Mars/Base: not a time zone this system knows");
	CHECK_INT(tem_tz_set("../etc/passwd", err, sizeof(err)), -1);
	CHECK_INT(tem_tz_set("Europe/Berlin", err, sizeof(err)), 0);
	/* CET is UTC+1 in winter, CEST UTC+2 from the last Sunday of March, 02:00 -> 03:00. */
	CHECK_STR(tem_tz_iso(buf, sizeof(buf), key(2026, 3, 2, 14, 15)), "2026-03-02T14:15:00+01:00");
	CHECK_STR(tem_tz_iso(buf, sizeof(buf), key(2026, 7, 1, 0, 0)), "2026-07-01T00:00:00+02:00");
	CHECK_INT(tem_tz_offset(key(2026, 7, 1, 0, 0), &off), 0);
	CHECK_INT(off, 7200);
	/* 2026-03-29 02:30 never happened in Berlin; 2026-10-25 02:30 happened twice. */
	CHECK_INT(tem_tz_offset(key(2026, 3, 29, 2, 30), &off), -1);
	CHECK_INT(tem_tz_offset(key(2026, 10, 25, 2, 30), &off), -1);
	CHECK_STR(tem_tz_iso(buf, sizeof(buf), key(2026, 10, 25, 2, 30)), "2026-10-25T02:30:00");
	CHECK_INT(tem_tz_offset(key(2026, 10, 25, 3, 30), &off), 0);
	CHECK_INT(off, 3600);
	/* West of Greenwich, and a POSIX string. */
	CHECK_INT(tem_tz_set("America/New_York", err, sizeof(err)), 0);
	CHECK_STR(tem_tz_iso(buf, sizeof(buf), key(2026, 1, 5, 8, 0)), "2026-01-05T08:00:00-05:00");
	CHECK_INT(tem_tz_set("<+0530>-5:30", err, sizeof(err)), 0);
	CHECK_STR(tem_tz_iso(buf, sizeof(buf), key(2026, 1, 5, 8, 0)), "2026-01-05T08:00:00+05:30");
	return check_done();
}
