/* Options of the TEM commands: -a (meter addresses on one line, and their names), --tz. */
#ifndef TEM_OPT_H
#define TEM_OPT_H

#include <stdint.h>

#define TEM_MAX_METERS	32

/* Add the address in s to addr[*n], or exit with a usage error (junk, range, too many, twice). */
void tem_addr_arg(uint8_t addr[TEM_MAX_METERS], int *n, const char *s);
/* The same for "ADDR" or "ADDR=NAME" (temread, temarchive); s must live on (argv). */
void tem_addr_named_arg(uint8_t addr[TEM_MAX_METERS], int *n, char *s);
/* The name given with -a ADDR=NAME, or NULL. */
const char *tem_addr_name(uint8_t addr);
/* The zone of option opt (tem_tz_set), or exit with a usage error saying why not. */
void tem_tz_arg(const char *opt, const char *zone);

#endif
