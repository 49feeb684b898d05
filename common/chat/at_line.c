#include <string.h>

#include "at_line.h"
#include "fk/fk_utf8.h"

void
at_utf8_fix(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t left = strlen(s), n;

	while (left > 0) {
		if ((n = fk_utf8_len(p, left)) == 0) {
			*p = '?';
			n = 1;
		}
		p += n;
		left -= n;
	}
}

int
at_lines_feed(struct at_lines *l, unsigned char c)
{
	if (c == '\r' || c == '\n') {
		if (l->len == 0)
			return 0;
		l->buf[l->len] = '\0';
		l->len = 0;
		at_utf8_fix(l->buf);
		return 1;
	}
	if ((c < 0x20 && c != '\t') || c == 0x7f)
		return 0;
	if (l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = (char)c;
	return 0;
}

int
at_lines_pending(const struct at_lines *l)
{
	return l->len > 0;
}
