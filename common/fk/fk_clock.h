/* The monotonic clock every deadline in the suite is measured on, and UTC timestamps. */
#ifndef FK_CLOCK_H
#define FK_CLOCK_H

#include <stddef.h>
#include <time.h>

long long fk_now_ms(void);
long long fk_now_us(void);

/* Format t as ISO-8601 UTC with Z ("2026-11-21T10:59:55Z") into buf[21+]. */
char *fk_clock_utc(char *buf, size_t len, time_t t);
/* Same, with milliseconds, from a timespec. */
char *fk_clock_utc_ms(char *buf, size_t len, const struct timespec *ts);

#endif
