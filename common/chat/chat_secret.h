/* Strings marked secret (\q): kept so their echo can be masked in transcripts and logs. */
#ifndef CHAT_SECRET_H
#define CHAT_SECRET_H

#include <stddef.h>

#define CHAT_MASK "??????"

struct chat_secrets {
	char **s;
	size_t n;
};

/* Remember s[0..n) (a trailing \r is not part of it); 0 or -1 out of memory. */
int chat_secret_add(struct chat_secrets *sec, const unsigned char *s, size_t n);
void chat_secrets_free(struct chat_secrets *sec);

/*
 * Copy text to out (at most outlen-1 bytes plus NUL) with every occurrence
 * of a secret replaced by CHAT_MASK.  Returns out.
 */
char *chat_mask(const struct chat_secrets *sec, const char *text, char *out,
    size_t outlen);

#endif
