#include "check.h"
#include "udp/udp_text.h"

static int
render(const char *b, size_t n, char *out)
{
	return udp_text_render((const unsigned char *)b, n, out);
}

static size_t
cut(const char *b, size_t max)
{
	return udp_text_cut((const unsigned char *)b, strlen(b), max);
}

int
main(void)
{
	char out[256];

	CHECK_INT(render("hello", 5, out), 1);
	CHECK_STR(out, "hello");
	CHECK_INT(render("", 0, out), 1);
	CHECK_STR(out, "");
	/* Multibyte text passes as is: é, €, 𝄞. */
	CHECK_INT(render("\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E", 9, out), 1);
	CHECK_STR(out, "\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E");
	/* Control characters are exact; JSON escapes them. */
	CHECK_INT(render("a\tb\x1b", 4, out), 1);
	/* Each byte outside UTF-8 is one U+FFFD. */
	CHECK_INT(render("a\xFF" "b", 3, out), 0);
	CHECK_STR(out, "a\xEF\xBF\xBD" "b");
	CHECK_INT(render("\xE9t\xE9", 3, out), 0);	/* Latin-1 "été" */
	CHECK_STR(out, "\xEF\xBF\xBDt\xEF\xBF\xBD");
	/* NUL cannot live in a C string. */
	CHECK_INT(render("a\0b", 3, out), 0);
	CHECK_STR(out, "a\xEF\xBF\xBD" "b");
	/* Overlong, surrogate, past U+10FFFF, truncated: all invalid. */
	CHECK_INT(render("\xC0\xAF", 2, out), 0);
	CHECK_STR(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK_INT(render("\xE0\x80\xAF", 3, out), 0);
	CHECK_INT(render("\xED\xA0\x80", 3, out), 0);
	CHECK_INT(render("\xF4\x90\x80\x80", 4, out), 0);
	CHECK_INT(render("\xE2\x82", 2, out), 0);
	CHECK_STR(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK_INT(render("\xF4\x8F\xBF\xBF", 4, out), 1);	/* U+10FFFF itself */

	CHECK_STR(udp_text_hex((const unsigned char *)"\x00\x9f" "A", 3, out), "009f41");
	CHECK_STR(udp_text_hex((const unsigned char *)"", 0, out), "");

	CHECK_INT(cut("abcdef", 10), 6);
	CHECK_INT(cut("abcdef", 6), 6);
	CHECK_INT(cut("abcdef", 4), 4);
	/* "aé€" = 1 + 2 + 3 bytes: never inside a character. */
	CHECK_INT(cut("a\xC3\xA9\xE2\x82\xAC", 5), 3);
	CHECK_INT(cut("a\xC3\xA9\xE2\x82\xAC", 2), 1);
	CHECK_INT(cut("a\xC3\xA9\xE2\x82\xAC", 3), 3);
	/* Bytes that are not UTF-8 cut anywhere. */
	CHECK_INT(cut("\xFF\xFF\xFF\xFF", 3), 3);
	/* A 4-byte character with max 4 fits exactly. */
	CHECK_INT(cut("\xF0\x9D\x84\x9E" "x", 4), 4);
	return check_done();
}
