#include <stdlib.h>
#include <string.h>

#include "chat_lex.h"
#include "fk/fk_vec.h"

int
chat_words_add(struct chat_words *ws, const char *s, size_t n)
{
	return fk_strs_add(&ws->w, &ws->n, s, n);
}

void
chat_words_free(struct chat_words *ws)
{
	fk_strs_free(&ws->w, &ws->n);
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
