#include <string.h>

#include "chat/chat_esc.h"
#include "chat/chat_secret.h"
#include "check.h"

static char *
fake_env(const char *name)
{
	static char apn[] = "internet", pin[] = "1234";

	return strcmp(name, "APN") == 0 ? apn : strcmp(name, "PIN") == 0 ? pin : NULL;
}

static struct chat_env env = { 0, "5551234", NULL, fake_env };

static const char *
expect(const char *raw)
{
	static struct chat_text t;

	chat_text_free(&t);
	chat_clean(raw, 0, &env, &t);
	return (const char *)t.s;
}

static struct chat_text sent;

static const char *
send(const char *raw)
{
	chat_text_free(&sent);
	chat_clean(raw, 1, &env, &sent);
	return (const char *)sent.s;
}

int
main(void)
{
	char buf[64], *parts[8];

	/* Expect strings: no \r appended; send-only escapes stay letters. */
	CHECK_STR(expect("OK"), "OK");
	CHECK_STR(expect("OK\\r\\n"), "OK\r\n");
	CHECK_STR(expect("a\\sb\\tc"), "a b\tc");
	CHECK_STR(expect("\\d\\p\\K\\c\\N"), "dpKcN");
	CHECK_STR(expect("\\T"), "\\T");
	CHECK_STR(expect("\\\\"), "\\");
	CHECK_STR(expect("x\\"), "x");
	CHECK_STR(expect("^M^j"), "\r\n");
	CHECK_STR(expect("^@x^"), "x^");
	CHECK_STR(expect("\\101\\0B"), "AB");
	CHECK_STR(expect("\\-\\x"), "-x");
	CHECK_STR(expect("$APN"), "$APN");

	/* Send strings: \r appended unless \c ends them. */
	CHECK_STR(send("AT"), "AT\r");
	CHECK_INT(sent.cr, 1);
	CHECK_STR(send("AT\\c"), "AT");
	CHECK_INT(sent.cr, 0);
	CHECK_STR(send("a\\cb"), "acb\r");
	CHECK_STR(send(""), "\r");
	CHECK_STR(send("ATDT\\T"), "ATDT5551234\r");
	/* No -U: chat(8) sends the letter alone (tests/atchat-chat.bats compares its bytes). */
	CHECK_STR(send("ATDT\\U"), "ATDTU\r");
	CHECK_STR(send("x\\"), "x\\\r");
	CHECK_STR(send("^C"), "\003\r");
	/* \N and \0 put a NUL in a send string. */
	send("a\\Nb\\0c");
	CHECK_INT(sent.len, 6);
	CHECK(memcmp(sent.s, "a\0b\0c\r", 6) == 0);
	/* \d \p \K are timed operations at a position, not bytes. */
	send("AT\\dZ\\p\\K");
	CHECK_STR((const char *)sent.s, "ATZ\r");
	CHECK_INT(sent.nops, 3);
	CHECK_INT(sent.ops[0].at, 2);
	CHECK_INT(sent.ops[0].op, CHAT_OP_DELAY);
	CHECK_INT(sent.ops[1].at, 3);
	CHECK_INT(sent.ops[1].op, CHAT_OP_PAUSE);
	CHECK_INT(sent.ops[2].op, CHAT_OP_BREAK);
	/* \q marks the string secret and leaves no trace in it. */
	send("hello2u2\\q");
	CHECK_STR((const char *)sent.s, "hello2u2\r");
	CHECK_INT(sent.secret, 1);
	send("AT");
	CHECK_INT(sent.secret, 0);

	/* -E: $NAME from the environment, unset is empty, \$ is a dollar. */
	env.use_env = 1;
	CHECK_STR(send("AT+CGDCONT=1,\"IP\",\"$APN\""), "AT+CGDCONT=1,\"IP\",\"internet\"\r");
	CHECK_STR(send("x$NOPE.y"), "x.y\r");
	CHECK_STR(send("\\$APN"), "$APN\r");
	CHECK_STR(expect("$PIN"), "1234");
	env.use_env = 0;

	/* Sub-expects split at unescaped dashes, as chat(8)'s strtok does. */
	char w1[] = "OK-AT-OK";
	CHECK_INT(chat_split_sub(w1, parts, 8), 3);
	CHECK_STR(parts[0], "OK");
	CHECK_STR(parts[1], "AT");
	CHECK_STR(parts[2], "OK");
	char w2[] = "ogin:--ogin:";
	CHECK_INT(chat_split_sub(w2, parts, 8), 3);
	CHECK_STR(parts[1], "");
	char w3[] = "OK-";
	CHECK_INT(chat_split_sub(w3, parts, 8), 1);
	char w4[] = "a\\-b-c";
	CHECK_INT(chat_split_sub(w4, parts, 8), 2);
	CHECK_STR(parts[0], "a\\-b");
	char w5[] = "";
	CHECK_INT(chat_split_sub(w5, parts, 8), 0);
	char w6[] = "-";
	CHECK_INT(chat_split_sub(w6, parts, 8), 1);
	CHECK_STR(parts[0], "");

	CHECK_STR(chat_visible((const unsigned char *)"AT\r\n\x7f\xc1", 6, buf, sizeof(buf)),
	    "AT^M^J^?M-A");
	CHECK_STR(chat_visible((const unsigned char *)"abcdef", 6, buf, 4), "abc");

	/* Secrets are masked wherever they appear. */
	struct chat_secrets sec = { 0 };
	CHECK_INT(chat_secret_add(&sec, (const unsigned char *)"hello2u2\r", 9), 0);
	CHECK_INT(chat_secret_add(&sec, (const unsigned char *)"hello2u2", 8), 0);
	CHECK_INT(sec.n, 1);
	CHECK_INT(chat_secret_add(&sec, (const unsigned char *)"\r", 1), 0);
	CHECK_INT(sec.n, 1);
	CHECK_STR(chat_mask(&sec, "ssword: hello2u2\r\nhello2u2", buf, sizeof(buf)),
	    "ssword: ??????\r\n??????");
	CHECK_STR(chat_mask(&sec, "hello", buf, sizeof(buf)), "hello");
	CHECK_STR(chat_mask(&sec, "hello2u2", buf, 5), "");
	chat_secrets_free(&sec);
	chat_text_free(&sent);
	expect("");
	return check_done();
}
