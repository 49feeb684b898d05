#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mq_json.h"
#include "fk/num_parse.h"

struct mq_part {
	const char *key;	/* into text */
	size_t len;
	long long index;	/* -1 unless the part is a decimal number */
};

struct mq_path {
	char *text;
	size_t n;
	struct mq_part part[];
};

struct mq_path *
mq_json_path_new(const char *s, size_t len, char *err, size_t errlen)
{
	struct mq_path *p;
	size_t n = 1, i, start;
	char num[24];
	const char *why;

	for (i = 0; i < len; i++)
		n += s[i] == '.';
	if ((p = calloc(1, sizeof(*p) + n * sizeof(p->part[0]))) == NULL ||
	    (p->text = strndup(s, len)) == NULL) {
		free(p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0, start = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		struct mq_part *pt = &p->part[p->n++];
		pt->key = p->text + start;
		pt->len = i - start;
		pt->index = -1;
		if (pt->len == 0) {
			snprintf(err, errlen, "empty part in field path \"%.*s\"",
			    (int)len, s);
			mq_json_path_free(p);
			return NULL;
		}
		/* Leading zeros would make "01" and "1" the same element. */
		if (pt->len < sizeof(num) && (pt->key[0] != '0' || pt->len == 1) &&
		    strspn(pt->key, "0123456789") >= pt->len) {
			memcpy(num, pt->key, pt->len);
			num[pt->len] = '\0';
			if (num_parse(num, 0, 1000000000LL, 0, &pt->index, &why) == -1)
				pt->index = -1;
		}
		start = i + 1;
	}
	return p;
}

void
mq_json_path_free(struct mq_path *p)
{
	if (p) {
		free(p->text);
		free(p);
	}
}

const char *
mq_json_path_text(const struct mq_path *p)
{
	return p->text;
}

const cJSON *
mq_json_path_get(const struct mq_path *p, const cJSON *rec)
{
	const cJSON *cur = rec;

	for (size_t i = 0; i < p->n && cur; i++) {
		const struct mq_part *pt = &p->part[i];
		const cJSON *c;

		if (cJSON_IsArray(cur)) {
			if (pt->index < 0)
				return NULL;
			c = cur->child;
			for (long long k = 0; c && k < pt->index; k++)
				c = c->next;
		} else if (cJSON_IsObject(cur)) {
			for (c = cur->child; c; c = c->next)
				if (c->string && strncmp(c->string, pt->key, pt->len) == 0 &&
				    c->string[pt->len] == '\0')
					break;
		} else {
			return NULL;
		}
		cur = c;
	}
	return cur;
}

long
mq_json_text(const cJSON *v, char *buf, size_t len, const char **text)
{
	if (cJSON_IsString(v)) {
		*text = v->valuestring;
		return (long)strlen(v->valuestring);
	}
	if (cJSON_IsTrue(v) || cJSON_IsFalse(v)) {
		*text = cJSON_IsTrue(v) ? "true" : "false";
		return (long)strlen(*text);
	}
	if (!cJSON_IsNumber(v) || len < 32)
		return -1;
	/* cJSON prints a number alone; 32 bytes hold its longest form. */
	if (!cJSON_PrintPreallocated((cJSON *)v, buf, (int)len, 0))
		return -1;
	*text = buf;
	return (long)strlen(buf);
}

/* Length of the JSON number at s (RFC 8259 grammar), 0 if none starts there. */
static size_t
number_len(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
	} else {
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

char *
mq_json_for_topic(const char *s, size_t len)
{
	/* At worst every byte is a one-digit number: 3 bytes each. */
	char *out = malloc(3 * len + 1), *o = out;
	size_t i = 0;

	if (out == NULL)
		return NULL;
	while (i < len) {
		size_t k;

		if (s[i] == '"') {
			*o++ = s[i++];
			while (i < len && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < len) {
					if (len - i >= 6 && memcmp(s + i, "\\u0000", 6) == 0) {
						memcpy(o, "\\u001f", 6);
						o += 6;
						i += 6;
						continue;
					}
					*o++ = s[i++];
				}
				*o++ = s[i++];
			}
			if (i < len)
				*o++ = s[i++];
		} else if ((s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) &&
		    (k = number_len(s + i, len - i)) > 0) {
			*o++ = '"';
			memcpy(o, s + i, k);
			o += k;
			*o++ = '"';
			i += k;
		} else {
			*o++ = s[i++];
		}
	}
	*o = '\0';
	return out;
}
