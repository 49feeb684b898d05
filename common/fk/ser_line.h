/* --rs485, --rs485-delay, --rts, --dtr: how a command drives the line's control signals. */
#ifndef SER_LINE_H
#define SER_LINE_H

#include <getopt.h>

/* A modem line as the user asked for it; SER_ASIS means "not asked": raised, failure tolerated. */
enum ser_level { SER_ASIS = -1, SER_OFF = 0, SER_ON = 1 };

struct ser_line {
	int rs485;			/* kernel RS-485 mode: the UART keys RTS while sending */
	int delay_before_ms, delay_after_ms;
	enum ser_level rts, dtr;
};

/* The getopt_long entries, numbered base .. base+3; put them in the command's table. */
#define SER_LINE_OPTIONS(base) \
	{ "rs485", no_argument, NULL, (base) }, \
	{ "rs485-delay", required_argument, NULL, (base) + 1 }, \
	{ "rts", required_argument, NULL, (base) + 2 }, \
	{ "dtr", required_argument, NULL, (base) + 3 }

/* Defaults: no RS-485 mode, DTR and RTS raised as the kernel does on open. */
void ser_line_init(struct ser_line *l);

/*
 * Take getopt's c and optarg if c is one of SER_LINE_OPTIONS(base): returns 1,
 * or exits with a usage error for a bad value or a conflict; 0 if c is not ours.
 */
int ser_line_opt(struct ser_line *l, int base, int c, const char *arg);

#endif
