#include <err.h>
#include <string.h>

#include "fk_exit.h"
#include "num_parse.h"
#include "ser_line.h"

void
ser_line_init(struct ser_line *l)
{
	memset(l, 0, sizeof(*l));
	l->rts = l->dtr = SER_ASIS;
}

static enum ser_level
level_arg(const char *opt, const char *s)
{
	if (strcmp(s, "on") == 0)
		return SER_ON;
	if (strcmp(s, "off") == 0)
		return SER_OFF;
	errx(FK_USAGE, "%s: %s: expected on or off", opt, s);
}

/* "before[,after]" in milliseconds; the kernel takes up to a second or so per side. */
static void
delays_arg(struct ser_line *l, const char *s)
{
	char before[16];
	const char *comma = strchr(s, ',');
	size_t n = comma ? (size_t)(comma - s) : strlen(s);

	if (n >= sizeof(before))
		errx(FK_USAGE, "--rs485-delay: %s: expected ms or ms,ms", s);
	memcpy(before, s, n);
	before[n] = '\0';
	l->delay_before_ms = (int)num_arg("--rs485-delay", before, 0, 1000);
	l->delay_after_ms = comma ? (int)num_arg("--rs485-delay", comma + 1, 0, 1000) : 0;
}

int
ser_line_opt(struct ser_line *l, int base, int c, const char *arg)
{
	if (c < base || c > base + 3)
		return 0;
	switch (c - base) {
	case 0: l->rs485 = 1; break;
	case 1: delays_arg(l, arg); l->rs485 = 1; break;
	case 2: l->rts = level_arg("--rts", arg); break;
	default: l->dtr = level_arg("--dtr", arg); break;
	}
	/* In RS-485 mode the UART itself switches RTS around every transmission. */
	if (l->rs485 && l->rts != SER_ASIS)
		errx(FK_USAGE, "--rts: not with --rs485 (the UART drives RTS then)");
	return 1;
}
