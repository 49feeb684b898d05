/* The rejected file's line: JSON built by hand, as topic and payload carry lengths, not NULs. */
#include "fk/fk_utf8.h"
#include "mq_reject.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *s;
	size_t len, cap;
	int oom;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap + n + 1) * 2;
		char *t = realloc(b->s, cap);
		if (t == NULL) {
			b->oom = 1;
			return;
		}
		b->s = t;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static int
is_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if ((k = fk_utf8_len(s + i, n - i)) == 0)
			return 0;
	return 1;
}

static void
put_str(struct buf *b, const unsigned char *s, size_t n)
{
	char esc[8];

	puts_(b, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			puts_(b, esc);
		} else {
			put(b, (const char *)&s[i], 1);
		}
	}
	puts_(b, "\"");
}

int
mq_reject_line(char **out, size_t *len, uint64_t line, uint64_t seq,
    const char *topic, size_t topic_len, const char *reason,
    const void *payload, size_t payload_len)
{
	struct buf b = { 0 };
	char num[64];
	const unsigned char *pl = payload;

	if (line)
		snprintf(num, sizeof(num), "{\"line\":%" PRIu64, line);
	else
		snprintf(num, sizeof(num), "{\"line\":null");
	puts_(&b, num);
	snprintf(num, sizeof(num), ",\"seq\":%" PRIu64 ",\"topic\":", seq);
	puts_(&b, num);
	put_str(&b, (const unsigned char *)topic, topic_len);
	puts_(&b, ",\"reason\":");
	put_str(&b, (const unsigned char *)reason, strlen(reason));
	if (is_utf8(pl, payload_len)) {
		puts_(&b, ",\"payload\":");
		put_str(&b, pl, payload_len);
	} else {
		puts_(&b, ",\"payload_hex\":\"");
		for (size_t i = 0; i < payload_len; i++) {
			snprintf(num, sizeof(num), "%02x", pl[i]);
			put(&b, num, 2);
		}
		puts_(&b, "\"");
	}
	puts_(&b, "}\n");
	if (b.oom) {
		free(b.s);
		return -1;
	}
	*out = b.s;
	*len = b.len;
	return 0;
}
