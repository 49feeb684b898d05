#include <stdlib.h>

#include "check.h"
#include "mq/mq_payload.h"

static char got[4096];
static size_t got_len;

static int
collect(void *ctx, const char *topic, size_t tl, const char *val, size_t vl)
{
	int *stop_after = ctx;

	got_len += (size_t)snprintf(got + got_len, sizeof(got) - got_len, "%.*s=%.*s;",
	    (int)tl, topic, (int)vl, val);
	if (*stop_after && --*stop_after == 0)
		return 7;
	return 0;
}

static const char *
split(const char *js, size_t cap, int stop_after, int *rc)
{
	char topic[256] = "c4";
	cJSON *rec = cJSON_Parse(js);

	got_len = 0;
	got[0] = '\0';
	*rc = mq_split(rec, topic, 2, cap, collect, &stop_after);
	cJSON_Delete(rec);
	return got;
}

static const char *
field(const char *path, const char *js)
{
	static char res[256];
	char err[100];
	size_t len;
	struct mq_path *p = mq_json_path_new(path, strlen(path), err, sizeof(err));
	cJSON *rec = cJSON_Parse(js);
	char *s = mq_payload_field(p, rec, &len, err, sizeof(err));

	if (s)
		snprintf(res, sizeof(res), "%.*s", (int)len, s);
	else
		snprintf(res, sizeof(res), "ERR: %s", err);
	free(s);
	cJSON_Delete(rec);
	mq_json_path_free(p);
	return res;
}

int
main(void)
{
	int rc;
	char err[100], num[32];
	const char *text;

	CHECK_STR(split("{\"rtemp\":23.5,\"rhumi\":40,\"fire\":false,\"id\":\"c4\"}", 255, 0, &rc),
	    "c4/rtemp=23.5;c4/rhumi=40;c4/fire=false;c4/id=c4;");
	CHECK_INT(rc, 0);
	CHECK_STR(split("{\"a\":{\"b\":[1,{\"c\":\"x\"}]},\"n\":null,\"e\":{},\"z\":[]}", 255, 0, &rc),
	    "c4/a/b/0=1;c4/a/b/1/c=x;");
	CHECK_STR(split("{\"a/b\":1,\"+\":2,\"\":3,\"$x\":4}", 255, 0, &rc),
	    "c4/a_b=1;c4/_=2;c4/_=3;c4/$x=4;");
	CHECK_STR(split("{\"a\":1,\"b\":2,\"c\":3}", 255, 2, &rc), "c4/a=1;c4/b=2;");
	CHECK_INT(rc, 7);
	split("{\"long_name\":1}", 8, 0, &rc);
	CHECK_INT(rc, -1);
	split("{\"a\":[1,2,3,4,5,6,7,8,9,10,11]}", 6, 0, &rc);
	CHECK_INT(rc, -1);
	CHECK_STR(split("{\"big\":1e300,\"small\":-0.001,\"i\":-7}", 255, 0, &rc),
	    "c4/big=1e+300;c4/small=-0.001;c4/i=-7;");

	CHECK_STR(field("t_c", "{\"t_c\":23.5}"), "23.5");
	CHECK_STR(field("name", "{\"name\":\"a \\\"b\\\"\"}"), "a \"b\"");
	CHECK_STR(field("o", "{\"o\":{\"x\":[1,true,null]}}"), "{\"x\":[1,true,null]}");
	CHECK_STR(field("o.x.2", "{\"o\":{\"x\":[1,true,null]}}"), "null");
	CHECK_STR(field("o.y", "{\"o\":{\"x\":1}}"), "ERR: no field \"o.y\"");

	CHECK(mq_json_path_new("a.", 2, err, sizeof(err)) == NULL);
	CHECK_STR(err, "empty part in field path \"a.\"");
	CHECK(mq_json_path_new(".a", 2, err, sizeof(err)) == NULL);
	cJSON *v = cJSON_CreateNumber(1.0 / 3);
	CHECK(mq_json_text(v, num, sizeof(num), &text) > 0);
	CHECK_STR(text, "0.33333333333333331");
	CHECK_INT(mq_json_text(v, num, 8, &text), -1);
	cJSON_Delete(v);
	v = cJSON_CreateNull();
	CHECK_INT(mq_json_text(v, num, sizeof(num), &text), -1);
	cJSON_Delete(v);
	/* "01" is a key, not element 1. */
	struct mq_path *p = mq_json_path_new("a.01", 4, err, sizeof(err));
	cJSON *rec = cJSON_Parse("{\"a\":[\"zero\",\"one\"]}");
	CHECK(mq_json_path_get(p, rec) == NULL);
	cJSON_Delete(rec);
	mq_json_path_free(p);
	return check_done();
}
