#include <string.h>

#include "fk/fk_utf8.h"
#include "udp_text.h"

int
udp_text_render(const unsigned char *b, size_t n, char *out)
{
	size_t i = 0, o = 0, len;
	int exact = 1;

	while (i < n) {
		len = fk_utf8_len(b + i, n - i);
		if (len == 0 || b[i] == 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			exact = 0;
			continue;
		}
		memcpy(out + o, b + i, len);
		o += len;
		i += len;
	}
	out[o] = '\0';
	return exact;
}

char *
udp_text_hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

size_t
udp_text_cut(const unsigned char *b, size_t n, size_t max)
{
	size_t i = 0, len;

	if (n <= max)
		return n;
	while (i < max) {
		len = fk_utf8_len(b + i, n - i);
		if (len == 0)
			len = 1;
		if (i + len > max)
			break;
		i += len;
	}
	return i > 0 ? i : max;
}
