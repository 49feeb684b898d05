#include <string.h>

#include "chat/chat_lex.h"
#include "chat/chat_parse.h"
#include "check.h"

static int
lex(const char *text, struct chat_words *w, int *bad)
{
	memset(w, 0, sizeof(*w));
	return chat_lex(text, strlen(text), w, bad);
}

int
main(void)
{
	struct chat_words w;
	struct chat_step st[16];
	int bad;

	/* Blanks separate words; pairs continue across lines; # lines are comments. */
	CHECK_INT(lex("# dial\nABORT BUSY\n'' AT\tOK\n  ATD*99# CONNECT \"\"\n", &w, &bad), 0);
	CHECK_INT(w.n, 8);
	CHECK_STR(w.w[0], "ABORT");
	CHECK_STR(w.w[2], "");
	CHECK_STR(w.w[4], "OK");
	CHECK_STR(w.w[6], "CONNECT");
	CHECK_STR(w.w[7], "");
	chat_words_free(&w);

	/* Quotes: removed, a backslash keeps the next character, blanks kept. */
	CHECK_INT(lex("'NO CARRIER' \"say \\\"hi\\\"\" 'a\\'b'", &w, &bad), 0);
	CHECK_INT(w.n, 3);
	CHECK_STR(w.w[0], "NO CARRIER");
	CHECK_STR(w.w[1], "say \\\"hi\\\"");
	CHECK_STR(w.w[2], "a\\'b");
	chat_words_free(&w);

	/* As chat(8): the closing quote ends the word, what follows is a new one. */
	CHECK_INT(lex("'abc'def x'y'", &w, &bad), 0);
	CHECK_INT(w.n, 3);
	CHECK_STR(w.w[0], "abc");
	CHECK_STR(w.w[1], "def");
	CHECK_STR(w.w[2], "x'y'");
	chat_words_free(&w);

	/* A quoted '#' is expected; only column 1 starts a comment. */
	CHECK_INT(lex("'# ' logout\n #x y\n", &w, &bad), 0);
	CHECK_INT(w.n, 4);
	CHECK_STR(w.w[0], "# ");
	CHECK_STR(w.w[2], "#x");
	chat_words_free(&w);

	/* Only blanks separate: a DOS line end stays in the word, as with chat(8). */
	CHECK_INT(lex("OK ATZ\r\n", &w, &bad), 0);
	CHECK_STR(w.w[1], "ATZ\r");
	chat_words_free(&w);

	CHECK_INT(lex("'' AT\nOK 'ATD\n", &w, &bad), -1);
	CHECK_INT(bad, 2);
	chat_words_free(&w);
	CHECK_INT(lex("", &w, &bad), 0);
	CHECK_INT(w.n, 0);
	chat_words_free(&w);

	/* Keywords take the send slot; a keyword with no value is dropped. */
	char *words[] = { "ABORT", "BUSY", "", "AT", "TIMEOUT", "5", "OK-AT-OK",
	    "ATD", "CONNECT", "ECHO" };
	size_t n = chat_parse(words, 10, st);
	CHECK_INT(n, 8);
	CHECK_INT(st[0].kind, CHAT_ABORT);
	CHECK_STR(st[0].arg, "BUSY");
	CHECK_INT(st[1].kind, CHAT_EXPECT);
	CHECK_INT(st[2].kind, CHAT_SEND);
	CHECK_STR(st[2].arg, "AT");
	CHECK_INT(st[3].kind, CHAT_TIMEOUT);
	CHECK_INT(st[4].kind, CHAT_EXPECT);
	CHECK_STR(st[4].arg, "OK-AT-OK");
	CHECK_INT(st[5].kind, CHAT_SEND);
	CHECK_INT(st[6].kind, CHAT_EXPECT);
	CHECK_STR(st[6].arg, "CONNECT");
	CHECK_INT(st[7].kind, CHAT_SEND);
	CHECK_STR(st[7].arg, "ECHO");
	/* A keyword with nothing after it is dropped. */
	char *w3[] = { "OK", "AT", "REPORT" };
	n = chat_parse(w3, 3, st);
	CHECK_INT(n, 2);
	CHECK_INT(st[1].kind, CHAT_SEND);
	CHECK_STR(st[1].arg, "AT");
	/* A keyword in a send slot is just text to send. */
	char *w2[] = { "OK", "ABORT", "SAY", "hi" };
	n = chat_parse(w2, 4, st);
	CHECK_INT(n, 3);
	CHECK_INT(st[1].kind, CHAT_SEND);
	CHECK_STR(st[1].arg, "ABORT");
	CHECK_INT(st[2].kind, CHAT_SAY);
	CHECK_STR(chat_kind_name(CHAT_CLR_ABORT), "CLR_ABORT");
	CHECK_STR(chat_kind_name(CHAT_HANGUP), "HANGUP");
	CHECK_STR(chat_kind_name(CHAT_SEND), "send");
	return check_done();
}
