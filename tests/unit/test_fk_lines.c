#include <stdlib.h>

#include "check.h"
#include "fk/fk_lines.h"

/* What a reader of the lines sees, as text: "LINE n <bytes>", "LONG n", "END". */
static char got[4096];

static void
say(const char *fmt, const char *s, size_t len, unsigned long long n)
{
	size_t o = strlen(got);

	snprintf(got + o, sizeof(got) - o, fmt, n);
	for (size_t i = 0; s && i < len; i++) {
		o = strlen(got);
		snprintf(got + o, sizeof(got) - o, s[i] == '\0' ? "\\0" : "%c", s[i]);
	}
	o = strlen(got);
	snprintf(got + o, sizeof(got) - o, "|");
}

/* Take every line there is; 1 once the end was reached. */
static int
drain(struct fk_lines *l, int eof)
{
	char *s;
	size_t len;

	for (;;) {
		switch (fk_lines_next(l, eof, &s, &len)) {
		case FK_LINES_LINE:
			CHECK(s[len] == '\0');
			say("%llu:", s, len, l->lineno);
			break;
		case FK_LINES_LONG:
			say("%llu:LONG", NULL, 0, l->lineno);
			break;
		case FK_LINES_MORE:
			return 0;
		default:
			say("END", NULL, 0, 0);
			return 1;
		}
	}
}

/* in, given step bytes at a time (0: all at once), then the end; what came out. */
static const char *
split(const char *in, size_t n, size_t max, size_t step)
{
	struct fk_lines l;
	size_t off = 0, room;

	got[0] = '\0';
	if (fk_lines_init(&l, max, 8) == -1)
		abort();
	while (off < n) {
		char *dst = fk_lines_room(&l, &room);
		size_t k = step && step < n - off ? step : n - off;

		if (room < 8) {
			CHECK(room >= 8);
			break;
		}
		k = k < room ? k : room;
		memcpy(dst, in + off, k);
		fk_lines_put(&l, k);
		off += k;
		drain(&l, 0);
	}
	CHECK_INT(drain(&l, 1), 1);
	CHECK_INT(fk_lines_pending(&l), 0);
	fk_lines_free(&l);
	return got;
}

#define SPLIT(s, max, step) split(s, sizeof(s) - 1, max, step)

int
main(void)
{
	/* Lines end at '\n', empty ones count, the last needs no newline. */
	for (size_t step = 0; step <= 3; step++) {
		CHECK_STR(SPLIT("ab\n\ncd\nlast", 10, step), "1:ab|2:|3:cd|4:last|END|");
		CHECK_STR(SPLIT("ab\n", 10, step), "1:ab|END|");
		CHECK_STR(SPLIT("", 10, step), "END|");
		CHECK_STR(SPLIT("\n", 10, step), "1:|END|");
		/* '\r' and NUL are bytes of the line like any other. */
		CHECK_STR(SPLIT("a\r\nb\0c\n\0\n", 10, step), "1:a\r|2:b\\0c|3:\\0|END|");
	}

	/* max bytes is still a line, wherever the reads happen to end */
	for (size_t step = 0; step <= 12; step++) {
		CHECK_STR(SPLIT("0123456789\nx\n", 10, step), "1:0123456789|2:x|END|");
		CHECK_STR(SPLIT("0123456789", 10, step), "1:0123456789|END|");
	}
	/* one more is too long: said once under its number, the rest up to '\n' dropped */
	for (size_t step = 0; step <= 12; step++) {
		CHECK_STR(SPLIT("a\n0123456789X\nb\n", 10, step), "1:a|2:LONG|3:b|END|");
		CHECK_STR(SPLIT("0123456789X", 10, step), "1:LONG|END|");
		CHECK_STR(SPLIT("0123456789X\n", 10, step), "1:LONG|END|");
		CHECK_STR(SPLIT("a\n0123456789XYZ0123456789XYZ0123\n\nb", 10, step),
		    "1:a|2:LONG|3:|4:b|END|");
		CHECK_STR(SPLIT("a\n0123456789XYZ0123456789XYZ0123", 10, step), "1:a|2:LONG|END|");
	}

	/* too long is known as soon as max + 1 bytes are in, before the newline */
	{
		struct fk_lines l;
		char *s, *dst;
		size_t len, room;

		fk_lines_init(&l, 4, 8);
		dst = fk_lines_room(&l, &room);
		memcpy(dst, "abcd", 4);
		fk_lines_put(&l, 4);
		CHECK_INT(fk_lines_next(&l, 0, &s, &len), FK_LINES_MORE);
		CHECK_INT(l.lineno, 0);
		dst = fk_lines_room(&l, &room);
		memcpy(dst, "e", 1);
		fk_lines_put(&l, 1);
		CHECK_INT(fk_lines_next(&l, 0, &s, &len), FK_LINES_LONG);
		CHECK_INT(l.lineno, 1);
		CHECK_INT(fk_lines_next(&l, 0, &s, &len), FK_LINES_MORE);
		/* memory stays bounded: the rest goes as it comes */
		for (int i = 0; i < 100; i++) {
			dst = fk_lines_room(&l, &room);
			CHECK(room >= 8);
			memset(dst, 'z', room);
			fk_lines_put(&l, room);
			CHECK_INT(fk_lines_next(&l, 0, &s, &len), FK_LINES_MORE);
		}
		dst = fk_lines_room(&l, &room);
		memcpy(dst, "z\nok\n", 5);
		fk_lines_put(&l, 5);
		CHECK_INT(fk_lines_next(&l, 0, &s, &len), FK_LINES_LINE);
		CHECK_INT(l.lineno, 2);
		CHECK_INT(len, 2);
		CHECK_STR(s, "ok");
		CHECK_INT(fk_lines_pending(&l), 0);
		fk_lines_free(&l);
	}
	return check_done();
}
