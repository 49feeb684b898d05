/* chat(8) string escapes (\r \c \d \q ^C \ddd $VAR ...), sub-expect splitting, visible form. */
#ifndef CHAT_ESC_H
#define CHAT_ESC_H

#include <stddef.h>

struct chat_env {
	int use_env;			/* -E: $NAME is replaced by its value */
	const char *phone, *phone2;	/* -T, -U: \T and \U in send strings */
	char *(*getenv)(const char *name);	/* NULL means getenv(3) */
};

enum chat_op { CHAT_OP_DELAY = 1, CHAT_OP_PAUSE, CHAT_OP_BREAK };

struct chat_op_at {
	size_t at;		/* before byte s[at] is written */
	enum chat_op op;
};

struct chat_text {
	unsigned char *s;	/* NUL terminated; a send string may also hold NULs (\N) */
	size_t len;
	struct chat_op_at *ops;	/* \d, \p, \K in a send string */
	size_t nops;
	int secret;		/* \q seen: the text must not be logged */
	int cr;			/* sending: a \r was appended (no \c at the end) */
};

/* chat_clean()'s sending argument for SAY: see there. */
enum { CHAT_SAY_FORM = 2 };

/*
 * Apply chat(8)'s escapes to raw.  sending selects the send-string rules
 * (\c, \d, \p, \K, \N, \T, \U take effect; a \r is appended unless the
 * string ends in \c); otherwise the expect rules.  CHAT_SAY_FORM gives what
 * chat(8) prints for SAY, its send form before the writer acts on the escapes
 * left in it: \\, \d, \p, \K (and \T, \U without -T, -U) stay as written.
 * 0, or -1 out of memory.
 */
int chat_clean(const char *raw, int sending, const struct chat_env *env,
    struct chat_text *out);
void chat_text_free(struct chat_text *t);

/*
 * Split an expect word in place at each '-' not escaped by a backslash:
 * expect, subsend, expect, subsend, ...  An empty remainder ends the list,
 * so "OK-" is just "OK".  Returns the number of parts stored (at most max).
 */
size_t chat_split_sub(char *word, char **parts, size_t max);

/* Printable form of s[0..n) as chat(8) logs it (^M, M-x); returns out. */
char *chat_visible(const unsigned char *s, size_t n, char *out, size_t outlen);

#endif
