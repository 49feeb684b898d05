#include <stdio.h>
#include <string.h>

#include "fk/num_parse.h"
#include "tem_dump.h"

static const char *const names[] = { "ram", "flash", "rec" };

size_t
tem_dump_format(char *out, enum tem_dump_type t, uint8_t meter, uint32_t at,
    const uint8_t *b, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char *p = out;
	int len;

	if (n == 0 || n > TEM_DUMP_MAX)
		return 0;
	len = snprintf(p, 32, "%s %u %0*lX ", names[t], meter,
	    t == TEM_DUMP_RAM ? 4 : 6, (unsigned long)at);
	p += len;
	for (size_t i = 0; i < n; i++) {
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p++ = '\n';
	*p = '\0';
	return (size_t)(p - out);
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The next space-separated word of *s, at most max chars, copied into w. */
static int
word(const char **s, char *w, size_t max)
{
	const char *e = strchr(*s, ' ');
	size_t n = e ? (size_t)(e - *s) : strlen(*s);

	if (n == 0 || n > max)
		return -1;
	memcpy(w, *s, n);
	w[n] = '\0';
	*s += n + (e != NULL);
	return 0;
}

int
tem_dump_parse(const char *line, struct tem_dump_line *l, const char **why)
{
	char w[16];
	const char *s = line, *nwhy;
	long long v;
	size_t len;
	int i;

	*why = "expected ram|flash|rec METER ADDR HEX";
	if (word(&s, w, 5) == -1)
		return -1;
	for (i = 0; i < 3 && strcmp(w, names[i]) != 0; i++)
		;
	if (i == 3)
		return -1;
	l->type = (enum tem_dump_type)i;
	if (word(&s, w, 3) == -1 || num_parse(w, 0, 255, 0, &v, &nwhy) == -1)
		return -1;
	l->meter = (uint8_t)v;
	w[0] = '0';
	w[1] = 'x';
	if (word(&s, w + 2, 8) == -1 ||
	    num_parse(w, 0, 0xFFFFFFFFLL, 1, &v, &nwhy) == -1)
		return -1;
	l->at = (uint32_t)v;
	len = strlen(s);
	if (len == 0 || len % 2 || len / 2 > TEM_DUMP_MAX) {
		*why = "bad byte count";
		return -1;
	}
	l->n = len / 2;
	for (size_t k = 0; k < l->n; k++) {
		int hi = nibble(s[2 * k]), lo = nibble(s[2 * k + 1]);
		if (hi < 0 || lo < 0) {
			*why = "bad hex digit";
			return -1;
		}
		l->data[k] = (uint8_t)(hi << 4 | lo);
	}
	if (l->type == TEM_DUMP_REC && l->n != TEM_REC_SIZE) {
		*why = "a record line must hold 384 bytes";
		return -1;
	}
	*why = NULL;
	return 0;
}
