#include <string.h>

#include "at_line.h"

void
at_utf8_fix(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 :
		    (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		int ok = n >= 0 && !(n == 1 && *p < 0xc2);

		for (int i = 1; ok && i <= n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (!ok) {
			*p++ = '?';
			continue;
		}
		p += n + 1;
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
