/* JSON for topic fields: numbers keep their text, \u0000 cannot cut a value short. */
#include <stdlib.h>

#include "check.h"
#include "mq/mq_json.h"

static char *
conv(const char *s)
{
	static char res[300];
	char *t = mq_json_for_topic(s, strlen(s));

	snprintf(res, sizeof(res), "%s", t ? t : "(null)");
	free(t);
	return res;
}

int
main(void)
{
	cJSON *rec;
	const char *text;
	char buf[32];

	/* Numbers as written, RFC 8259's grammar: sign, fraction, exponent. */
	CHECK_STR(conv("{\"s\":12345678901234567890}"), "{\"s\":\"12345678901234567890\"}");
	CHECK_STR(conv("{\"a\":-0.50,\"b\":1E+3,\"c\":[1,2e-2]}"),
	    "{\"a\":\"-0.50\",\"b\":\"1E+3\",\"c\":[\"1\",\"2e-2\"]}");
	/* Inside strings nothing changes, escaped quotes included. */
	CHECK_STR(conv("{\"k 1\":\"x\\\"2\\\\\",\"n\":3}"), "{\"k 1\":\"x\\\"2\\\\\",\"n\":\"3\"}");
	/* \u0000 becomes another control character; an escaped backslash before u0000 does not. */
	CHECK_STR(conv("{\"a\":\"x\\u0000y\"}"), "{\"a\":\"x\\u001fy\"}");
	CHECK_STR(conv("{\"a\":\"x\\\\u0000\"}"), "{\"a\":\"x\\\\u0000\"}");
	/* Not JSON stays not JSON: a leading zero, a bare dot, a bare minus. */
	CHECK(cJSON_Parse(conv("{\"a\":01}")) == NULL);
	CHECK_STR(conv("{\"a\":1.}"), "{\"a\":1.}");
	CHECK(cJSON_Parse(conv("{\"a\":-}")) == NULL);
	CHECK(cJSON_Parse(conv("{\"a\" 1}")) == NULL);
	/* true/false/null untouched. */
	CHECK_STR(conv("[true,false,null]"), "[true,false,null]");
	/* Parsed, the big integer is its own text. */
	rec = cJSON_Parse(conv("{\"s\":18446744073709551617}"));
	CHECK(rec != NULL);
	CHECK_INT(mq_json_text(cJSON_GetObjectItem(rec, "s"), buf, sizeof(buf), &text), 20);
	CHECK_STR(text, "18446744073709551617");
	cJSON_Delete(rec);
	return check_done();
}
