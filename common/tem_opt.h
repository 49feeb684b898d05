/* The -a option of the TEM commands: meter addresses on one line. */
#ifndef TEM_OPT_H
#define TEM_OPT_H

#include <stdint.h>

#define TEM_MAX_METERS	32

/* Add the address in s to addr[*n], or exit with a usage error (junk, range, too many, twice). */
void tem_addr_arg(uint8_t addr[TEM_MAX_METERS], int *n, const char *s);

#endif
