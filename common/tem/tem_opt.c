#include <err.h>
#include <stdio.h>
#include <string.h>

#include "fk/fk_exit.h"
#include "fk/num_parse.h"
#include "tem_opt.h"
#include "tem_tz.h"

#define NAME_MAX_BYTES 64

/* Meter names from -a ADDR=NAME, by address: one command line, one table. */
static const char *names[256];

/* UTF-8 without control characters: it goes into JSON and Home Assistant's device name. */
static int
name_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == '\0' || strlen(s) > NAME_MAX_BYTES)
		return 0;
	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 :
		    (*p & 0xF8) == 0xF0 ? 3 : -1;
		if (n < 0 || *p < 0x20 || *p == 0x7F || (n == 1 && *p < 0xC2))
			return 0;
		p++;
		while (n-- > 0)
			if ((*p++ & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

static void
add(uint8_t addr[TEM_MAX_METERS], int *n, const char *s, const char *name)
{
	/* Address 0 is left out: finding a meter that way is unconfirmed for the TEM-106. */
	uint8_t a = (uint8_t)num_arg("-a", s, 1, 255);

	if (*n == TEM_MAX_METERS)
		errx(FK_USAGE, "-a: at most %d meters", TEM_MAX_METERS);
	for (int i = 0; i < *n; i++)
		if (addr[i] == a)
			errx(FK_USAGE, "-a: %s: given twice", s);
	addr[(*n)++] = a;
	names[a] = name;
}

void
tem_addr_arg(uint8_t addr[TEM_MAX_METERS], int *n, const char *s)
{
	add(addr, n, s, NULL);
}

void
tem_addr_named_arg(uint8_t addr[TEM_MAX_METERS], int *n, char *s)
{
	char *eq = strchr(s, '=');

	if (eq == NULL) {
		add(addr, n, s, NULL);
		return;
	}
	if (!name_ok(eq + 1))
		errx(FK_USAGE, "-a: %s: a name is 1..%d bytes of UTF-8 text", s,
		    NAME_MAX_BYTES);
	*eq = '\0';
	add(addr, n, s, eq + 1);
	*eq = '=';
}

const char *
tem_addr_name(uint8_t addr)
{
	return names[addr];
}

void
tem_tz_arg(const char *opt, const char *zone)
{
	char why[300];

	if (tem_tz_set(zone, why, sizeof(why)) == -1)
		errx(FK_USAGE, "%s: %s", opt, why);
}

void
tem_opt_line_init(struct tem_opt_line *o)
{
	memset(o, 0, sizeof(*o));
	ser_line_init(&o->line);
	o->baud = 9600;
	o->tries = 3;
	o->timeout_ms = 1000;
}

int
tem_opt_line_arg(struct tem_opt_line *o, int base, int c, char *arg)
{
	switch (c) {
	case 'd': o->dev = arg; return 1;
	case 'b': o->baud = ser_baud_arg("-b", arg); return 1;
	case 'a': tem_addr_named_arg(o->addr, &o->naddr, arg); return 1;
	}
	switch (c - base) {
	case TEM_OPT_RETRIES: o->tries = (int)num_arg("--retries", arg, 1, 20); return 1;
	case TEM_OPT_TIMEOUT: o->timeout_ms = (int)num_arg("--timeout", arg, 10, 60000); return 1;
	case TEM_OPT_TRACE: o->trace = 1; return 1;
	case TEM_OPT_TZ: tem_tz_arg("--tz", arg); return 1;
	}
	return ser_line_opt(&o->line, base + TEM_OPT_SER, c, arg);
}

void
tem_opt_line_done(struct tem_opt_line *o)
{
	if (o->naddr == 0)
		tem_addr_arg(o->addr, &o->naddr, "1");
}

struct ser_port *
tem_opt_line_open(const struct tem_opt_line *o, struct tem_link *l)
{
	struct ser_port *port;
	char why[256];
	int st;

	if ((port = ser_open_line(o->dev, o->baud, &o->line, &st, why, sizeof(why))) == NULL)
		errx(st, "%s: %s", o->dev, why);
	tem_link_init(l, port);
	l->tries = o->tries;
	l->timeout_ms = o->timeout_ms;
	l->trace = o->trace ? stderr : NULL;
	return port;
}
