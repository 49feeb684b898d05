#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at_cmd.h"
#include "chat_secret.h"

static int
is_name(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '_';
}

static int
put(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
	if (*o + n >= outlen)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

int
at_cmd_expand(const char *raw, int use_env, char *(*getenv_)(const char *),
    char *out, size_t outlen, int *secret)
{
	size_t o = 0;

	*secret = 0;
	if (outlen == 0)
		return -1;
	out[0] = '\0';
	while (*raw) {
		if (raw[0] == '\\' && raw[1] == 'q') {
			*secret = 1;
			raw += 2;
		} else if (raw[0] == '\\' && (raw[1] == '\\' || raw[1] == '$')) {
			if (put(out, outlen, &o, raw + 1, 1) == -1)
				return -1;
			raw += 2;
		} else if (use_env && raw[0] == '$') {
			char name[256];
			size_t n = 0;
			const char *v;
			for (raw++; is_name(*raw); raw++)
				if (n < sizeof(name) - 1)
					name[n++] = *raw;
			name[n] = '\0';
			v = getenv_ ? getenv_(name) : getenv(name);
			if (v && put(out, outlen, &o, v, strlen(v)) == -1)
				return -1;
		} else {
			if (put(out, outlen, &o, raw, 1) == -1)
				return -1;
			raw++;
		}
	}
	return 0;
}

void
at_cmd_masked(const char *cmd, char *out, size_t outlen)
{
	const char *eq = strchr(cmd, '=');
	int n = eq ? (int)(eq - cmd + 1) : 0;

	snprintf(out, outlen, "%.*s%s", n, cmd, CHAT_MASK);
}
