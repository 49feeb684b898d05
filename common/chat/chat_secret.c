#include <stdlib.h>
#include <string.h>

#include "chat_secret.h"
#include "fk/fk_vec.h"

int
chat_secret_add(struct chat_secrets *sec, const unsigned char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	/* Text after a NUL never reaches a log line, so it cannot leak there. */
	n = strnlen((const char *)s, n);
	if (n == 0)
		return 0;
	for (size_t i = 0; i < sec->n; i++)
		if (strlen(sec->s[i]) == n && memcmp(sec->s[i], s, n) == 0)
			return 0;
	return fk_strs_add(&sec->s, &sec->n, (const char *)s, n);
}

void
chat_secrets_free(struct chat_secrets *sec)
{
	fk_strs_free(&sec->s, &sec->n);
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
