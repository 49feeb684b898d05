/* chat(8) script text: words split on blanks, '...' or "..." quoting, '#' comment lines. */
#ifndef CHAT_LEX_H
#define CHAT_LEX_H

#include <stddef.h>

struct chat_words {
	char **w;	/* quotes removed; backslash escapes kept for chat_esc */
	size_t n;
};

/*
 * Split the text of a chat file (-f) into words the way chat(8) reads one:
 * a line starting with '#' is a comment; blanks separate words; a word
 * opening with ' or " runs to the same quote, a backslash keeping the next
 * character; expect and send alternate across lines.  Returns 0, or -1 with
 * *bad_line set (1-based) for an unterminated quote, or -2 out of memory.
 */
int chat_lex(const char *text, size_t len, struct chat_words *out, int *bad_line);

/* Append a copy of s[0..n); 0 or -1 out of memory. */
int chat_words_add(struct chat_words *ws, const char *s, size_t n);
void chat_words_free(struct chat_words *ws);

#endif
