/* The monotonic clock every deadline in the suite is measured on. */
#ifndef FK_CLOCK_H
#define FK_CLOCK_H

long long fk_now_ms(void);
long long fk_now_us(void);

#endif
