#include <stdlib.h>
#include <string.h>

#include "chat_secret.h"

int
chat_secret_add(struct chat_secrets *sec, const unsigned char *s, size_t n)
{
	char **v, *c;

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	/* Text after a NUL never reaches a log line, so it cannot leak there. */
	n = strnlen((const char *)s, n);
	if (n == 0)
		return 0;
	for (size_t i = 0; i < sec->n; i++)
		if (strlen(sec->s[i]) == n && memcmp(sec->s[i], s, n) == 0)
			return 0;
	if ((v = realloc(sec->s, (sec->n + 1) * sizeof(*v))) == NULL)
		return -1;
	sec->s = v;
	if ((c = malloc(n + 1)) == NULL)
		return -1;
	memcpy(c, s, n);
	c[n] = '\0';
	sec->s[sec->n++] = c;
	return 0;
}

void
chat_secrets_free(struct chat_secrets *sec)
{
	for (size_t i = 0; i < sec->n; i++)
		free(sec->s[i]);
	free(sec->s);
	sec->s = NULL;
	sec->n = 0;
}

char *
chat_mask(const struct chat_secrets *sec, const char *text, char *out,
    size_t outlen)
{
	size_t o = 0;

	if (outlen == 0)
		return out;
	while (*text && o + 1 < outlen) {
		size_t hit = 0;

		for (size_t i = 0; i < sec->n && !hit; i++) {
			size_t n = strlen(sec->s[i]);
			if (strncmp(text, sec->s[i], n) == 0)
				hit = n;
		}
		if (hit) {
			size_t m = strlen(CHAT_MASK);
			if (o + m >= outlen)
				break;
			memcpy(out + o, CHAT_MASK, m);
			o += m;
			text += hit;
		} else
			out[o++] = *text++;
	}
	out[o] = '\0';
	return out;
}
