#include <stdlib.h>

#include "check.h"
#include "mq/mq_topic.h"

static char out[MQ_TOPIC_MAX + 2];
static char err[200];

/* Expand tmpl against the JSON text js; the topic, or "ERR: why". */
static const char *
expand(const char *tmpl, const char *js)
{
	static char res[300];
	struct mq_topic *t = mq_topic_new(tmpl, err, sizeof(err));
	cJSON *rec = js ? cJSON_Parse(js) : NULL;
	long n;

	if (t == NULL) {
		snprintf(res, sizeof(res), "BAD: %s", err);
		return res;
	}
	n = mq_topic_expand(t, rec, out, sizeof(out) - 1, err, sizeof(err));
	if (n < 0)
		snprintf(res, sizeof(res), "ERR: %s", err);
	else
		snprintf(res, sizeof(res), "%.*s", (int)n, out);
	cJSON_Delete(rec);
	mq_topic_free(t);
	return res;
}

int
main(void)
{
	const char *why;
	size_t pos;

	CHECK_STR(expand("heat/{serial}", "{\"serial\":\"A7\"}"), "heat/A7");
	CHECK_STR(expand("heat/{serial}", "{\"serial\":12345678}"), "heat/12345678");
	CHECK_STR(expand("heat/{serial}/t", "{\"serial\":2.5}"), "heat/2.5/t");
	CHECK_STR(expand("x/{ok}", "{\"ok\":true}"), "x/true");
	CHECK_STR(expand("{systems.0.type}/{systems.1.type}",
	    "{\"systems\":[{\"type\":\"heat\"},{\"type\":\"cool\"}]}"), "heat/cool");
	CHECK_STR(expand("{a.b.c}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}"), "deep");
	CHECK_STR(expand("{a.0}", "{\"a\":{\"0\":\"key zero\"}}"), "key zero");
	/* Defaults: missing, null and empty fields. */
	CHECK_STR(expand("s/{site:unknown}", "{}"), "s/unknown");
	CHECK_STR(expand("s/{site:unknown}", "{\"site\":null}"), "s/unknown");
	CHECK_STR(expand("s/{site:unknown}", "{\"site\":\"\"}"), "s/unknown");
	CHECK_STR(expand("s/{site:unknown}", "{\"site\":\"lab\"}"), "s/lab");
	CHECK_STR(expand("s/{site:a/b}", "{}"), "s/a/b");
	CHECK_STR(expand("s/{site:}x", "{}"), "s/x");
	CHECK_STR(expand("heat/{serial}", "{}"), "ERR: no field \"serial\"");
	CHECK_STR(expand("heat/{serial}", "{\"serial\":null}"), "ERR: null field \"serial\"");
	CHECK_STR(expand("heat/{serial}", "{\"serial\":\"\"}"), "ERR: empty field \"serial\"");
	CHECK_STR(expand("heat/{serial}", "{\"serial\":{}}"),
	    "ERR: field \"serial\" is not a string, number or boolean");
	CHECK_STR(expand("heat/{serial}", "{\"serial\":[1]}"),
	    "ERR: field \"serial\" is not a string, number or boolean");
	CHECK_STR(expand("{a.5}", "{\"a\":[1,2]}"), "ERR: no field \"a.5\"");
	/* A value never adds levels or wildcards. */
	CHECK_STR(expand("heat/{s}", "{\"s\":\"a/b+c#d\"}"), "heat/a_b_c_d");
	CHECK_STR(expand("{s}/x", "{\"s\":\"$SYS\"}"), "_SYS/x");
	CHECK_STR(expand("x/{s}", "{\"s\":\"$SYS\"}"), "x/$SYS");
	CHECK_STR(expand("x/{s}", "{\"s\":\"tab\\there\\u0000\"}"), "x/tab_here");
	CHECK_STR(expand("x/{s}", "{\"s\":\"caf\\u00e9\"}"), "x/caf\xc3\xa9");
	CHECK_STR(expand("x/{s}", "{\"s\":\"\xff\xfe\"}"), "x/__");
	CHECK_STR(expand("x/{s}", "{\"s\":\"\xe2\x82\"}"), "x/__");
	/* Literal braces, fixed topics. */
	CHECK_STR(expand("a{{b}}c", NULL), "a{b}c");
	CHECK_STR(expand("plain/topic", NULL), "plain/topic");
	CHECK_STR(expand("a/{{{x}}}", "{\"x\":1}"), "a/{1}");
	/* Bad templates. */
	CHECK_STR(expand("", NULL), "BAD: empty topic");
	CHECK_STR(expand("heat/+", NULL), "BAD: wildcards (+, #) cannot be published to");
	CHECK_STR(expand("heat/#", NULL), "BAD: wildcards (+, #) cannot be published to");
	CHECK_STR(expand("heat/{serial", NULL), "BAD: '{' at byte 6 is not closed");
	CHECK_STR(expand("heat/serial}", NULL), "BAD: '}' without '{' at byte 12");
	CHECK_STR(expand("heat/{}", NULL), "BAD: empty field name at byte 6");
	CHECK_STR(expand("heat/{:x}", NULL), "BAD: empty field name at byte 6");
	CHECK_STR(expand("heat/{a..b}", NULL), "BAD: empty part in field path \"a..b\"");
	CHECK_STR(expand("heat/{a{b}", NULL), "BAD: '{' inside a field at byte 6");
	CHECK_STR(expand("heat/{a:+}", NULL),
	    "BAD: default \"+\": wildcards (+, #) cannot be published to");
	/* A record without the field but a template without fields needs no record. */
	struct mq_topic *t = mq_topic_new("a/{x}/{y:z}", err, sizeof(err));
	CHECK(t != NULL);
	CHECK_INT(mq_topic_fields(t), 2);
	mq_topic_free(t);
	/* Too long. */
	char *big = malloc(70000);
	memset(big, 'a', 69999);
	big[69999] = '\0';
	CHECK_STR(expand(big, NULL), "BAD: topic longer than 65535 bytes");
	char js[70100];
	snprintf(js, sizeof(js), "{\"s\":\"%.*s\"}", 65530, big);
	CHECK_STR(expand("abcdef/{s}", js), "ERR: topic longer than 65535 bytes");
	free(big);
	/* mq_topic_level stops at the buffer's end. */
	pos = 0;
	CHECK_INT(mq_topic_level("abcdef", 6, out, 4, &pos), -1);
	pos = 1;
	CHECK_INT(mq_topic_level("$x", 2, out, 10, &pos), 0);
	CHECK_INT(pos, 3);
	CHECK(memcmp(out + 1, "$x", 2) == 0);
	CHECK_INT(mq_topic_check("a/b", 3, &why), 0);
	CHECK_INT(mq_topic_check("a\x01", 2, &why), -1);
	CHECK_STR(why, "control characters or bytes that are not UTF-8");
	CHECK_INT(mq_topic_check("\xed\xa0\x80", 3, &why), -1);
	CHECK_INT(mq_topic_check("\xf0\x9f\x98\x80", 4, &why), 0);
	return check_done();
}
