#include <err.h>

#include "fk_exit.h"
#include "num_parse.h"
#include "tem_opt.h"

void
tem_addr_arg(uint8_t addr[TEM_MAX_METERS], int *n, const char *s)
{
	/* Address 0 is left out: finding a meter that way is unconfirmed for the TEM-106. */
	uint8_t a = (uint8_t)num_arg("-a", s, 1, 255);

	if (*n == TEM_MAX_METERS)
		errx(FK_USAGE, "-a: at most %d meters", TEM_MAX_METERS);
	for (int i = 0; i < *n; i++)
		if (addr[i] == a)
			errx(FK_USAGE, "-a: %s: given twice", s);
	addr[(*n)++] = a;
}
