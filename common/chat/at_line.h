/* Modem output as lines: split at CR or LF, blank lines dropped, text made JSON-safe. */
#ifndef AT_LINE_H
#define AT_LINE_H

#include <stddef.h>

#define AT_LINE_MAX 512

struct at_lines {
	char buf[AT_LINE_MAX];
	size_t len;
};

/*
 * Feed one received byte.  Returns 1 when it ended a non-empty line, which
 * is then in l->buf (NUL terminated, valid until the next feed), else 0.
 * Control characters other than tab are dropped, bytes that are not UTF-8
 * become '?', and a line longer than AT_LINE_MAX-1 is cut there.
 */
int at_lines_feed(struct at_lines *l, unsigned char c);

/* Bytes of an unfinished line are waiting. */
int at_lines_pending(const struct at_lines *l);

/* Replace invalid UTF-8 in s (in place) by '?'. */
void at_utf8_fix(char *s);

#endif
