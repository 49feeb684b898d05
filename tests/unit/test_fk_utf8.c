/* The strict UTF-8 validator against the byte sequences RFC 3629 rules out, and JSON text made from them. */
#include <string.h>

#include "chat/at_line.h"
#include "check.h"
#include "fk/fk_utf8.h"

static size_t
len_of(const char *s)
{
	return fk_utf8_len((const unsigned char *)s, strlen(s));
}

static int
fixed(const char *in, const char *want)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", in);
	at_utf8_fix(buf);
	return strcmp(buf, want) == 0;
}

int
main(void)
{
	/* Valid: the edges of each length (RFC 3629 section 4). */
	CHECK_INT(len_of("A"), 1);
	CHECK_INT(len_of("\x7f"), 1);
	CHECK_INT(len_of("\xc2\x80"), 2);
	CHECK_INT(len_of("\xdf\xbf"), 2);
	CHECK_INT(len_of("\xe0\xa0\x80"), 3);		/* U+0800 */
	CHECK_INT(len_of("\xed\x9f\xbf"), 3);		/* U+D7FF, just below the surrogates */
	CHECK_INT(len_of("\xee\x80\x80"), 3);		/* U+E000, just above */
	CHECK_INT(len_of("\xef\xbf\xbf"), 3);
	CHECK_INT(len_of("\xf0\x90\x80\x80"), 4);	/* U+10000 */
	CHECK_INT(len_of("\xf4\x8f\xbf\xbf"), 4);	/* U+10FFFF */
	/* Invalid: surrogates, overlong forms, past U+10FFFF, lead bytes F5..FF, C0, C1. */
	CHECK_INT(len_of("\xed\xa0\x80"), 0);		/* U+D800 */
	CHECK_INT(len_of("\xed\xbf\xbf"), 0);		/* U+DFFF */
	CHECK_INT(len_of("\xe0\x80\xaf"), 0);		/* '/' in three bytes */
	CHECK_INT(len_of("\xe0\x9f\xbf"), 0);
	CHECK_INT(len_of("\xf0\x80\x80\x80"), 0);	/* NUL in four bytes */
	CHECK_INT(len_of("\xf0\x8f\xbf\xbf"), 0);
	CHECK_INT(len_of("\xf4\x90\x80\x80"), 0);	/* U+110000 */
	CHECK_INT(len_of("\xf5\x80\x80\x80"), 0);
	CHECK_INT(len_of("\xf6\x89\x89\x89"), 0);
	CHECK_INT(len_of("\xf7\xbf\xbf\xbf"), 0);
	CHECK_INT(len_of("\xff"), 0);
	CHECK_INT(len_of("\xc0\xaf"), 0);
	CHECK_INT(len_of("\xc1\xbf"), 0);
	CHECK_INT(len_of("\x80"), 0);
	/* Cut short, by the end or by a byte that does not continue. */
	CHECK_INT(fk_utf8_len((const unsigned char *)"\xe2\x82\xac", 2), 0);
	CHECK_INT(len_of("\xe2\x82("), 0);
	CHECK_INT(len_of("\xf0\x9f\x98"), 0);
	/* at_utf8_fix: each byte that starts nothing valid becomes '?', valid text stays. */
	CHECK(fixed("a\xed\xa0\x80z", "a???z"));
	CHECK(fixed("\xe0\x80\xaf", "???"));
	CHECK(fixed("\xf0\x80\x80\x80", "????"));
	CHECK(fixed("\xf6\x89\x89\x89", "????"));
	CHECK(fixed("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
	CHECK(fixed("\xe2\x82", "??"));
	return check_done();
}
