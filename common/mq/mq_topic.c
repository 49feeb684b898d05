#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/fk_utf8.h"
#include "mq_json.h"
#include "mq_topic.h"

struct mq_piece {
	char *lit;		/* literal text, or the default of a field */
	size_t lit_len;
	struct mq_path *field;	/* NULL for literal text */
	int has_default;
};

struct mq_topic {
	size_t n, fields;
	struct mq_piece piece[];
};

int
mq_topic_check(const char *s, size_t n, const char **why)
{
	size_t i, l;

	if (n == 0) {
		*why = "empty topic";
		return -1;
	}
	if (n > MQ_TOPIC_MAX) {
		*why = "topic longer than 65535 bytes";
		return -1;
	}
	for (i = 0; i < n; i += l) {
		const unsigned char c = (unsigned char)s[i];
		if (c == '+' || c == '#') {
			*why = "wildcards (+, #) cannot be published to";
			return -1;
		}
		if (c < 0x20 || c == 0x7f || (l = fk_utf8_len((const unsigned char *)s + i, n - i)) == 0) {
			*why = "control characters or bytes that are not UTF-8";
			return -1;
		}
	}
	return 0;
}

int
mq_topic_level(const char *s, size_t n, char *out, size_t cap, size_t *pos)
{
	size_t i = 0, l;

	while (i < n) {
		const unsigned char c = (unsigned char)s[i];
		int bad = c == '/' || c == '+' || c == '#' || c < 0x20 || c == 0x7f ||
		    (c == '$' && *pos == 0);

		l = bad ? 1 : fk_utf8_len((const unsigned char *)s + i, n - i);
		if (l == 0) {
			bad = 1;
			l = 1;
		}
		if (*pos + (bad ? 1 : l) > cap)
			return -1;
		if (bad)
			out[(*pos)++] = '_';
		else {
			memcpy(out + *pos, s + i, l);
			*pos += l;
		}
		i += l;
	}
	return 0;
}

void
mq_topic_free(struct mq_topic *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->piece[i].lit);
		mq_json_path_free(t->piece[i].field);
	}
	free(t);
}

/* Append literal bytes to the piece, undoing "{{" / "}}". */
static int
add_lit(struct mq_piece *pc, const char *s, size_t n)
{
	char *l = realloc(pc->lit, pc->lit_len + n + 1);

	if (l == NULL)
		return -1;
	memcpy(l + pc->lit_len, s, n);
	pc->lit_len += n;
	l[pc->lit_len] = '\0';
	pc->lit = l;
	return 0;
}

struct mq_topic *
mq_topic_new(const char *tmpl, char *err, size_t errlen)
{
	size_t n = 1, i, len = strlen(tmpl);
	struct mq_topic *t;
	struct mq_piece *lit = NULL;
	const char *why;

	for (i = 0; i < len; i++)
		n += tmpl[i] == '{';
	if ((t = calloc(1, sizeof(*t) + (2 * n + 1) * sizeof(t->piece[0]))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (len == 0) {
		snprintf(err, errlen, "empty topic");
		goto fail;
	}
	for (i = 0; i < len;) {
		const char c = tmpl[i];
		struct mq_piece *pc;

		if ((c == '{' || c == '}') && tmpl[i + 1] == c) {
			if (lit == NULL)
				lit = &t->piece[t->n++];
			if (add_lit(lit, tmpl + i, 1) == -1)
				goto oom;
			i += 2;
			continue;
		}
		if (c == '}') {
			snprintf(err, errlen, "'}' without '{' at byte %zu", i + 1);
			goto fail;
		}
		if (c != '{') {
			if (lit == NULL)
				lit = &t->piece[t->n++];
			if (add_lit(lit, tmpl + i, 1) == -1)
				goto oom;
			i++;
			continue;
		}
		lit = NULL;
		pc = &t->piece[t->n];
		const char *end = strchr(tmpl + i, '}');
		if (end == NULL) {
			snprintf(err, errlen, "'{' at byte %zu is not closed", i + 1);
			goto fail;
		}
		const char *colon = memchr(tmpl + i, ':', (size_t)(end - tmpl) - i);
		const char *pend = colon ? colon : end;
		if (memchr(tmpl + i + 1, '{', (size_t)(end - tmpl) - i - 1)) {
			snprintf(err, errlen, "'{' inside a field at byte %zu", i + 1);
			goto fail;
		}
		if (pend == tmpl + i + 1) {
			snprintf(err, errlen, "empty field name at byte %zu", i + 1);
			goto fail;
		}
		if ((pc->field = mq_json_path_new(tmpl + i + 1, (size_t)(pend - tmpl) - i - 1,
		    err, errlen)) == NULL)
			goto fail;
		t->n++;
		t->fields++;
		if (colon) {
			pc->has_default = 1;
			if (add_lit(pc, colon + 1, (size_t)(end - colon) - 1) == -1)
				goto oom;
			if (pc->lit_len > 0 && mq_topic_check(pc->lit, pc->lit_len, &why) == -1) {
				snprintf(err, errlen, "default \"%s\": %s", pc->lit, why);
				goto fail;
			}
		}
		i = (size_t)(end - tmpl) + 1;
	}
	for (i = 0; i < t->n; i++)
		if (t->piece[i].field == NULL &&
		    mq_topic_check(t->piece[i].lit, t->piece[i].lit_len, &why) == -1) {
			snprintf(err, errlen, "%s", why);
			goto fail;
		}
	return t;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	mq_topic_free(t);
	return NULL;
}

int
mq_topic_fields(const struct mq_topic *t)
{
	return (int)t->fields;
}

long
mq_topic_expand(const struct mq_topic *t, const cJSON *rec, char *buf,
    size_t len, char *err, size_t errlen)
{
	size_t pos = 0;
	char num[32];

	for (size_t i = 0; i < t->n; i++) {
		const struct mq_piece *pc = &t->piece[i];
		const cJSON *v;
		const char *text;
		long n = 0;

		if (pc->field == NULL) {
			if (pos + pc->lit_len > len)
				goto toolong;
			memcpy(buf + pos, pc->lit, pc->lit_len);
			pos += pc->lit_len;
			continue;
		}
		v = rec ? mq_json_path_get(pc->field, rec) : NULL;
		if (v && !cJSON_IsNull(v) && (n = mq_json_text(v, num, sizeof(num), &text)) < 0) {
			snprintf(err, errlen, "field \"%s\" is not a string, number or boolean",
			    mq_json_path_text(pc->field));
			return -1;
		}
		if (v == NULL || cJSON_IsNull(v) || n == 0) {
			if (!pc->has_default) {
				snprintf(err, errlen, "%s field \"%s\"",
				    v == NULL ? "no" : cJSON_IsNull(v) ? "null" : "empty",
				    mq_json_path_text(pc->field));
				return -1;
			}
			/* The template's own default is trusted like literal text. */
			if (pos + pc->lit_len > len)
				goto toolong;
			memcpy(buf + pos, pc->lit, pc->lit_len);
			pos += pc->lit_len;
			continue;
		}
		if (mq_topic_level(text, (size_t)n, buf, len, &pos) == -1)
			goto toolong;
	}
	if (pos == 0) {
		snprintf(err, errlen, "empty topic");
		return -1;
	}
	if (pos > MQ_TOPIC_MAX)
		goto toolong;
	return (long)pos;
toolong:
	snprintf(err, errlen, "topic longer than %d bytes", MQ_TOPIC_MAX);
	return -1;
}
