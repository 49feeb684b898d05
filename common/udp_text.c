#include <string.h>

#include "udp_text.h"

/*
 * Length of the valid UTF-8 sequence at b (1..4), or 0 when the byte at b
 * does not start one: overlong forms, surrogates and values past U+10FFFF
 * are invalid (RFC 3629), as are sequences cut short by the end.
 */
static size_t
utf8_len(const unsigned char *b, size_t n)
{
	unsigned char c = b[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (n < len || b[1] < lo || b[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (b[i] < 0x80 || b[i] > 0xBF)
			return 0;
	return len;
}

int
udp_text_render(const unsigned char *b, size_t n, char *out)
{
	size_t i = 0, o = 0, len;
	int exact = 1;

	while (i < n) {
		len = utf8_len(b + i, n - i);
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
		len = utf8_len(b + i, n - i);
		if (len == 0)
			len = 1;
		if (i + len > max)
			break;
		i += len;
	}
	return i > 0 ? i : max;
}
