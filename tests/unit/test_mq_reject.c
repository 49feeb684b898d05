/* The rejected file's lines: expected texts written out by hand from RFC 8259's escaping rules. */
#include <stdlib.h>

#include "check.h"
#include "mq/mq_reject.h"

/* The line for a message to topic "t", reason "r", seq 7, with payload pl. */
static void
want(uint64_t ln, const char *pl, size_t pll, const char *expected)
{
	char *s = NULL;
	size_t n = 0;

	CHECK_INT(mq_reject_line(&s, &n, ln, 7, "t", 1, "r", pl, pll), 0);
	CHECK_STR(s, expected);
	CHECK_INT(n, s ? strlen(s) : 0);
	free(s);
}

int
main(void)
{
	char *s = NULL;
	size_t n = 0;

	CHECK_INT(mq_reject_line(&s, &n, 21, 3, "heat/1001", 9, "closed", "{\"a\":1}", 7), 0);
	CHECK_STR(s, "{\"line\":21,\"seq\":3,\"topic\":\"heat/1001\",\"reason\":\"closed\","
	    "\"payload\":\"{\\\"a\\\":1}\"}\n");
	free(s);
	/* From the spool: the input line is not known. */
	want(0, "x", 1, "{\"line\":null,\"seq\":7,\"topic\":\"t\",\"reason\":\"r\",\"payload\":\"x\"}\n");
	/* Control bytes, a NUL inside, a backslash. */
	want(1, "a\tb\0c\\", 6, "{\"line\":1,\"seq\":7,\"topic\":\"t\",\"reason\":\"r\","
	    "\"payload\":\"a\\u0009b\\u0000c\\\\\"}\n");
	/* UTF-8 kept; bytes that are not UTF-8 go out as hex. */
	want(1, "\xc3\xa9", 2, "{\"line\":1,\"seq\":7,\"topic\":\"t\",\"reason\":\"r\","
	    "\"payload\":\"\xc3\xa9\"}\n");
	want(1, "\xff\x41", 2, "{\"line\":1,\"seq\":7,\"topic\":\"t\",\"reason\":\"r\","
	    "\"payload_hex\":\"ff41\"}\n");
	/* An overlong encoding and a surrogate are not UTF-8. */
	want(1, "\xc0\xaf", 2, "{\"line\":1,\"seq\":7,\"topic\":\"t\",\"reason\":\"r\","
	    "\"payload_hex\":\"c0af\"}\n");
	want(1, "\xed\xa0\x80", 3, "{\"line\":1,\"seq\":7,\"topic\":\"t\",\"reason\":\"r\","
	    "\"payload_hex\":\"eda080\"}\n");
	return check_done();
}
