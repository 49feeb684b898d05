/* Options of the TEM commands: the meter line (-d -b -a --retries --timeout --trace --tz and the
   line options), meter addresses and their names. */
#ifndef TEM_OPT_H
#define TEM_OPT_H

#include <stdint.h>

#include "fk/ser_line.h"
#include "fk/ser_port.h"
#include "tem_link.h"

#define TEM_MAX_METERS	32

/* Add the address in s to addr[*n], or exit with a usage error (junk, range, too many, twice). */
void tem_addr_arg(uint8_t addr[TEM_MAX_METERS], int *n, const char *s);
/* The same for "ADDR" or "ADDR=NAME" (temread, temarchive); s must live on (argv). */
void tem_addr_named_arg(uint8_t addr[TEM_MAX_METERS], int *n, char *s);
/* The name given with -a ADDR=NAME, or NULL. */
const char *tem_addr_name(uint8_t addr);
/* The zone of option opt (tem_tz_set), or exit with a usage error saying why not. */
void tem_tz_arg(const char *opt, const char *zone);

/* A meter line as temread and temarchive take it; defaults from tem_opt_line_init(). */
struct tem_opt_line {
	const char *dev;
	int baud, naddr, tries, timeout_ms, trace;
	uint8_t addr[TEM_MAX_METERS];
	struct ser_line line;
};

/* The short options, and getopt_long entries numbered base .. base + TEM_OPT_LINE_N - 1. */
#define TEM_OPT_LINE_SHORT "d:b:a:"
enum { TEM_OPT_RETRIES, TEM_OPT_TIMEOUT, TEM_OPT_TRACE, TEM_OPT_TZ, TEM_OPT_SER, TEM_OPT_LINE_N = TEM_OPT_SER + 4 };
#define TEM_OPT_LINE_OPTIONS(base) \
	{ "retries", required_argument, NULL, (base) + TEM_OPT_RETRIES }, \
	{ "timeout", required_argument, NULL, (base) + TEM_OPT_TIMEOUT }, \
	{ "trace", no_argument, NULL, (base) + TEM_OPT_TRACE }, \
	{ "tz", required_argument, NULL, (base) + TEM_OPT_TZ }, \
	SER_LINE_OPTIONS((base) + TEM_OPT_SER)

/* 9600 baud, 3 tries, 1000 ms, no trace, no address yet, the line as the kernel leaves it. */
void tem_opt_line_init(struct tem_opt_line *o);
/* Take getopt's c and arg if it is one of ours: 1, or exit with a usage error; 0 if not ours. */
int tem_opt_line_arg(struct tem_opt_line *o, int base, int c, char *arg);
/* Meter 1 when no -a was given. */
void tem_opt_line_done(struct tem_opt_line *o);
/* Open o->dev as asked and l on it, or exit with the line's status and why. */
struct ser_port *tem_opt_line_open(const struct tem_opt_line *o, struct tem_link *l);

#endif
