#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mq_payload.h"
#include "mq_topic.h"

char *
mq_payload_field(const struct mq_path *p, const cJSON *rec, size_t *len,
    char *err, size_t errlen)
{
	const cJSON *v = mq_json_path_get(p, rec);
	char *s;

	if (v == NULL) {
		snprintf(err, errlen, "no field \"%s\"", mq_json_path_text(p));
		return NULL;
	}
	s = cJSON_IsString(v) ? strdup(v->valuestring) : cJSON_PrintUnformatted(v);
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	*len = strlen(s);
	return s;
}

static int
walk(const cJSON *v, char *topic, size_t pos, size_t cap, mq_split_fn fn, void *ctx)
{
	char num[32];
	const char *text;
	long n;
	int rc;

	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) {
		if ((n = mq_json_text(v, num, sizeof(num), &text)) < 0)
			return 0;
		return fn(ctx, topic, pos, text, (size_t)n);
	}
	size_t i = 0;
	for (const cJSON *c = v->child; c; c = c->next, i++) {
		size_t p = pos;
		if (p + 1 > cap)
			return -1;
		topic[p++] = '/';
		if (cJSON_IsArray(v)) {
			int l = snprintf(num, sizeof(num), "%zu", i);
			if (p + (size_t)l > cap)
				return -1;
			memcpy(topic + p, num, (size_t)l);
			p += (size_t)l;
		} else if (c->string == NULL || c->string[0] == '\0') {
			if (p + 1 > cap)
				return -1;
			topic[p++] = '_';
		} else if (mq_topic_level(c->string, strlen(c->string), topic, cap, &p) == -1) {
			return -1;
		}
		if ((rc = walk(c, topic, p, cap, fn, ctx)) != 0)
			return rc;
	}
	return 0;
}

int
mq_split(const cJSON *rec, char *topic, size_t pos, size_t cap, mq_split_fn fn,
    void *ctx)
{
	return walk(rec, topic, pos, cap, fn, ctx);
}
