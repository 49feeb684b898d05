#include <stdlib.h>
#include <string.h>

#include "chat_lex.h"

int
chat_words_add(struct chat_words *ws, const char *s, size_t n)
{
	char *c;

	if (ws->n == ws->cap) {
		size_t cap = ws->cap ? ws->cap * 2 : 16;
		char **w = realloc(ws->w, cap * sizeof(*w));
		if (w == NULL)
			return -1;
		ws->w = w;
		ws->cap = cap;
	}
	if ((c = malloc(n + 1)) == NULL)
		return -1;
	memcpy(c, s, n);
	c[n] = '\0';
	ws->w[ws->n++] = c;
	return 0;
}

void
chat_words_free(struct chat_words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->w[i]);
	free(ws->w);
	memset(ws, 0, sizeof(*ws));
}

/* One line (without its newline); chat(8) never lets a word span lines. */
static int
lex_line(const char *p, const char *end, struct chat_words *out)
{
	while (p < end) {
		const char *w;

		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			char q = *p++;
			w = p;
			while (p < end && *p != q)
				if (*p++ == '\\' && p < end)
					p++;
			if (p == end)
				return -1;
		} else {
			w = p;
			while (p < end && *p != ' ' && *p != '\t')
				p++;
		}
		if (chat_words_add(out, w, (size_t)(p - w)) == -1)
			return -2;
		/* The closing quote or blank ends the word; what follows starts the next. */
		if (p < end)
			p++;
	}
	return 0;
}

int
chat_lex(const char *text, size_t len, struct chat_words *out, int *bad_line)
{
	const char *p = text, *end = text + len;
	int line = 0;

	*bad_line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		int rc;

		line++;
		/* chat(8) reads with fgets(): a NUL ends what it sees of a line. */
		const char *nul = memchr(p, '\0', (size_t)(eol - p));
		if (*p != '#' && (rc = lex_line(p, nul ? nul : eol, out)) != 0) {
			*bad_line = line;
			return rc;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}
