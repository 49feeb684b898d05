#include <stdlib.h>
#include <string.h>

#include "chat_match.h"
#include "fk/fk_vec.h"

int
chat_strings_add(struct chat_strings *l, const char *s)
{
	return fk_strs_add(&l->s, &l->n, s, strlen(s));
}

size_t
chat_strings_clear(struct chat_strings *l, const char *s)
{
	size_t k = 0, removed = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->s[i], s) == 0) {
			free(l->s[i]);
			removed++;
		} else
			l->s[k++] = l->s[i];
	}
	l->n = k;
	return removed;
}

void
chat_strings_free(struct chat_strings *l)
{
	fk_strs_free(&l->s, &l->n);
}

void
chat_match_reset(struct chat_match *m)
{
	m->len = 0;
}

void
chat_match_push(struct chat_match *m, unsigned char c)
{
	/* Only the last CHAT_WINDOW bytes can end a match; keep those. */
	if (m->len == sizeof(m->win)) {
		memmove(m->win, m->win + CHAT_WINDOW, CHAT_WINDOW);
		m->len = CHAT_WINDOW;
	}
	m->win[m->len++] = c & 0x7f;
}

static int
ends_with(const struct chat_match *m, const char *s)
{
	size_t n = strlen(s);

	/* An empty string matches at once, as in chat(8) (ABORT '' stops at any byte). */
	return m->len >= n && memcmp(m->win + m->len - n, s, n) == 0;
}

int
chat_match_check(const struct chat_match *m, const char *expect,
    const struct chat_strings *aborts, size_t *which)
{
	if (ends_with(m, expect))
		return CHAT_M_EXPECT;
	for (size_t i = 0; i < aborts->n; i++)
		if (ends_with(m, aborts->s[i])) {
			*which = i;
			return CHAT_M_ABORT;
		}
	return CHAT_M_MORE;
}

int
chat_report_feed(struct chat_report *r, struct chat_strings *reports,
    const struct chat_match *m, unsigned char c)
{
	c &= 0x7f;
	if (r->gathering) {
		if (c < 32 || c == 127) {
			r->gathering = 0;
			return CHAT_R_DONE;
		}
		if (r->len < sizeof(r->line) - 1) {
			r->line[r->len++] = (char)c;
			r->line[r->len] = '\0';
		}
		return CHAT_R_NONE;
	}
	for (size_t i = 0; i < reports->n; i++) {
		if (!ends_with(m, reports->s[i]))
			continue;
		r->len = strlen(reports->s[i]);
		if (r->len > sizeof(r->line) - 1)
			r->len = sizeof(r->line) - 1;
		memcpy(r->line, reports->s[i], r->len);
		r->line[r->len] = '\0';
		r->gathering = 1;
		/* Each REPORT string reports once (chat(8) frees it on use). */
		free(reports->s[i]);
		memmove(reports->s + i, reports->s + i + 1,
		    (reports->n - i - 1) * sizeof(*reports->s));
		reports->n--;
		return CHAT_R_STARTED;
	}
	return CHAT_R_NONE;
}
