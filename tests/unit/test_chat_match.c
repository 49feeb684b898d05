#include <string.h>

#include "chat/chat_match.h"
#include "check.h"

static struct chat_match m;

static int
feed(const char *s, const char *expect, struct chat_strings *ab, size_t *which)
{
	int rc = CHAT_M_MORE;

	while (*s && rc == CHAT_M_MORE) {
		chat_match_push(&m, (unsigned char)*s++);
		rc = chat_match_check(&m, expect, ab, which);
	}
	return rc;
}

int
main(void)
{
	struct chat_strings ab = { 0 }, rep = { 0 };
	struct chat_report r = { 0 };
	size_t which = 99;

	chat_strings_add(&ab, "BUSY");
	chat_strings_add(&ab, "NO CARRIER");
	chat_strings_add(&ab, "ERROR");

	chat_match_reset(&m);
	CHECK_INT(feed("AT\r\r\nOK\r\n", "OK", &ab, &which), CHAT_M_EXPECT);
	CHECK_INT(m.len, 7);
	chat_match_reset(&m);
	CHECK_INT(feed("ATD\r\r\nNO CARRIER\r\n", "CONNECT", &ab, &which), CHAT_M_ABORT);
	CHECK_INT(which, 1);
	/* Bit 7 is stripped before matching, as chat(8) does. */
	chat_match_reset(&m);
	CHECK_INT(feed("\xcf\xcb", "OK", &ab, &which), CHAT_M_EXPECT);
	/* The expect string wins over an ABORT string ending at the same byte. */
	chat_match_reset(&m);
	CHECK_INT(feed("BUSY", "BUSY", &ab, &which), CHAT_M_EXPECT);
	/* A long run of noise (a URC flood) never hides a later match. */
	chat_match_reset(&m);
	for (int i = 0; i < 500; i++)
		CHECK_INT(feed("^RSSI:14\r\n", "OK", &ab, &which), CHAT_M_MORE);
	CHECK(m.len <= sizeof(m.win));
	CHECK_INT(feed("O", "OK", &ab, &which), CHAT_M_MORE);
	CHECK_INT(feed("K", "OK", &ab, &which), CHAT_M_EXPECT);

	/* CLR_ABORT closes the gap: NO CARRIER becomes the first, exit 4. */
	CHECK_INT(chat_strings_clear(&ab, "BUSY"), 1);
	CHECK_INT(chat_strings_clear(&ab, "RING"), 0);
	CHECK_INT(ab.n, 2);
	chat_match_reset(&m);
	CHECK_INT(feed("NO CARRIER", "CONNECT", &ab, &which), CHAT_M_ABORT);
	CHECK_INT(which, 0);
	chat_strings_add(&ab, "ERROR");
	CHECK_INT(chat_strings_clear(&ab, "ERROR"), 2);
	CHECK_INT(ab.n, 1);
	/* An empty ABORT string matches the first byte, as in chat(8). */
	chat_strings_add(&ab, "");
	chat_match_reset(&m);
	CHECK_INT(feed("x", "OK", &ab, &which), CHAT_M_ABORT);
	CHECK_INT(which, 1);

	/* REPORT: the string and what follows up to a control character, once. */
	chat_strings_add(&rep, "CONNECT");
	chat_match_reset(&m);
	const char *in = "\r\nCONNECT 115200\r\nCONNECT 9600\r\n";
	int started = 0, done = 0;
	for (const char *p = in; *p; p++) {
		chat_match_push(&m, (unsigned char)*p);
		int rc = chat_report_feed(&r, &rep, &m, (unsigned char)*p);
		started += rc == CHAT_R_STARTED;
		if (rc == CHAT_R_DONE) {
			done++;
			CHECK_STR(r.line, "CONNECT 115200");
		}
	}
	CHECK_INT(started, 1);
	CHECK_INT(done, 1);
	CHECK_INT(rep.n, 0);
	chat_strings_free(&ab);
	chat_strings_free(&rep);
	return check_done();
}
