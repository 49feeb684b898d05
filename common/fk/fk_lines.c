#include <stdlib.h>
#include <string.h>

#include "fk_lines.h"

int
fk_lines_init(struct fk_lines *l, size_t max, size_t chunk)
{
	/* One byte beyond what reads may fill, for the NUL after a last line. */
	*l = (struct fk_lines){ .max = max, .cap = max + chunk + 1 };
	l->buf = malloc(l->cap);
	return l->buf ? 0 : -1;
}

void
fk_lines_free(struct fk_lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

char *
fk_lines_room(struct fk_lines *l, size_t *n)
{
	if (l->start > 0) {
		memmove(l->buf, l->buf + l->start, l->len - l->start);
		l->len -= l->start;
		l->start = 0;
	}
	*n = l->cap - 1 - l->len;
	return l->buf + l->len;
}

void
fk_lines_put(struct fk_lines *l, size_t n)
{
	l->len += n;
}

size_t
fk_lines_pending(const struct fk_lines *l)
{
	return l->len - l->start;
}

/* Take n bytes from the front; a line that went out starts the search anew. */
static void
take(struct fk_lines *l, size_t n)
{
	l->start += n;
	l->seen = 0;
}

int
fk_lines_next(struct fk_lines *l, int eof, char **line, size_t *len)
{
	*line = NULL;
	*len = 0;
	for (;;) {
		char *s = l->buf + l->start;
		size_t n = l->len - l->start;
		char *nl = memchr(s + l->seen, '\n', n - l->seen);

		if (nl == NULL)
			l->seen = n;	/* a line trickling in is not searched again */
		if (l->skipping) {
			if (nl == NULL) {
				take(l, n);
				l->skipping = !eof;
				return eof ? FK_LINES_END : FK_LINES_MORE;
			}
			take(l, (size_t)(nl - s) + 1);
			l->skipping = 0;
			continue;
		}
		if (nl != NULL) {
			take(l, (size_t)(nl - s) + 1);
			l->lineno++;
			if ((size_t)(nl - s) > l->max)
				return FK_LINES_LONG;
			*nl = '\0';
			*line = s;
			*len = (size_t)(nl - s);
			return FK_LINES_LINE;
		}
		if (n > l->max) {
			take(l, n);
			l->lineno++;
			l->skipping = !eof;
			return FK_LINES_LONG;
		}
		if (!eof)
			return FK_LINES_MORE;
		if (n == 0)
			return FK_LINES_END;
		take(l, n);
		l->lineno++;
		s[n] = '\0';
		*line = s;
		*len = n;
		return FK_LINES_LINE;
	}
}
