#include "chat/at_line.h"
#include "chat/at_result.h"
#include "check.h"

static enum at_kind
line(struct at_query *q, const char *l)
{
	return at_query_line(q, l);
}

int
main(void)
{
	char name[32];
	struct at_query q;
	struct at_lines l = { .len = 0 };
	int err, n = 0;

	/* Final result codes, and only those. */
	CHECK_INT(at_final("OK", &err), AT_OK);
	CHECK_INT(err, -1);
	CHECK_INT(at_final(" OK ", &err), AT_OK);
	CHECK_INT(at_final("ERROR", &err), AT_ERROR);
	CHECK_INT(at_final("+CME ERROR: 10", &err), AT_CME_ERROR);
	CHECK_INT(err, 10);
	CHECK_INT(at_final("+CMS ERROR: 500", &err), AT_CMS_ERROR);
	CHECK_INT(err, 500);
	CHECK_INT(at_final("+CME ERROR: SIM not inserted", &err), AT_CME_ERROR);
	CHECK_INT(err, -1);
	CHECK_INT(at_final("NO CARRIER", &err), AT_NO_CARRIER);
	CHECK_INT(at_final("BUSY", &err), AT_BUSY);
	CHECK_INT(at_final("NO ANSWER", &err), AT_NO_ANSWER);
	CHECK_INT(at_final("NO DIALTONE", &err), AT_NO_DIALTONE);
	CHECK_INT(at_final("NO DIAL TONE", &err), AT_NO_DIALTONE);
	CHECK_INT(at_final("CONNECT", &err), AT_CONNECT);
	CHECK_INT(at_final("CONNECT 115200", &err), AT_CONNECT);
	CHECK_INT(at_final("COMMAND NOT SUPPORT", &err), AT_ERROR);
	CHECK_INT(at_final("CONNECTED", &err), AT_NOT_FINAL);
	CHECK_INT(at_final("OKAY", &err), AT_NOT_FINAL);
	CHECK_INT(at_final("+CSQ: 17,99", &err), AT_NOT_FINAL);
	CHECK_INT(at_final("", &err), AT_NOT_FINAL);
	CHECK_STR(at_final_name(AT_CME_ERROR), "cme_error");
	CHECK_STR(at_final_name(AT_NOT_FINAL), "");
	CHECK(at_final_is_error(AT_CMS_ERROR));
	CHECK(!at_final_is_error(AT_BUSY));
	CHECK(at_final_is_call_failure(AT_NO_CARRIER));
	CHECK(!at_final_is_call_failure(AT_OK));

	/* Names of commands and of result lines. */
	CHECK_INT(at_result_cmd_name("AT+CSQ", name, sizeof(name)), 4);
	CHECK_STR(name, "+CSQ");
	at_result_cmd_name("at+creg?", name, sizeof(name));
	CHECK_STR(name, "+CREG");
	at_result_cmd_name("AT+CGDCONT=1,\"IP\",\"x\"", name, sizeof(name));
	CHECK_STR(name, "+CGDCONT");
	at_result_cmd_name("AT^SYSINFO", name, sizeof(name));
	CHECK_STR(name, "^SYSINFO");
	CHECK_INT(at_result_cmd_name("ATD*99#", name, sizeof(name)), 0);
	CHECK_STR(name, "");
	CHECK_INT(at_result_cmd_name("ATI", name, sizeof(name)), 0);
	CHECK_INT(at_result_cmd_name("+CSQ", name, sizeof(name)), 0);
	at_result_line_name("^RSSI:14", name, sizeof(name));
	CHECK_STR(name, "^RSSI");
	at_result_line_name("+CSQ: 17,99", name, sizeof(name));
	CHECK_STR(name, "+CSQ");
	CHECK_INT(at_result_line_name("Manufacturer: huawei", name, sizeof(name)), 0);
	CHECK_INT(at_result_line_name("+", name, sizeof(name)), 0);

	/* Echo first, URCs (other names) set apart, the response, the final code. */
	at_query_init(&q, "AT+CSQ");
	CHECK_INT(line(&q, "^RSSI:14"), AT_LINE_URC);
	CHECK_INT(q.answered, 0);
	CHECK_INT(line(&q, "AT+CSQ"), AT_LINE_ECHO);
	CHECK_INT(q.answered, 1);
	CHECK_INT(line(&q, "^MODE:5,4"), AT_LINE_URC);
	CHECK_INT(line(&q, "+CSQ: 17,99"), AT_LINE_RESPONSE);
	CHECK_INT(line(&q, "^DSFLOWRPT:0000001A,00000000"), AT_LINE_URC);
	CHECK_INT(line(&q, "RING"), AT_LINE_URC);
	CHECK_INT(line(&q, "OK"), AT_LINE_FINAL);
	CHECK_INT(q.final, AT_OK);
	CHECK_INT(q.responses, 1);
	/* After a response, a line equal to the command is data, not echo. */
	at_query_init(&q, "ATI");
	CHECK_INT(line(&q, "Model: E3372"), AT_LINE_RESPONSE);
	CHECK_INT(line(&q, "ATI"), AT_LINE_RESPONSE);
	CHECK_INT(line(&q, "+CME ERROR: 3"), AT_LINE_FINAL);
	CHECK_INT(q.err, 3);
	/* The answer's own name is a response even for a basic-looking command. */
	at_query_init(&q, "AT+CREG?");
	CHECK_INT(line(&q, "+CREG: 0,1"), AT_LINE_RESPONSE);
	CHECK_INT(line(&q, "+CGREG: 1"), AT_LINE_URC);

	/* Lines: CR or LF ends them, blank lines vanish, control bytes dropped. */
	const char *in = "AT\r\r\n+CSQ: 1\x01" "7,99\r\n\r\nOK\r\n";
	const char *want[] = { "AT", "+CSQ: 17,99", "OK" };
	for (const char *p = in; *p; p++)
		if (at_lines_feed(&l, (unsigned char)*p)) {
			CHECK(n < 3);
			if (n < 3)
				CHECK_STR(l.buf, want[n]);
			n++;
		}
	CHECK_INT(n, 3);
	CHECK(!at_lines_pending(&l));
	at_lines_feed(&l, 'x');
	CHECK(at_lines_pending(&l));
	char bad[] = "caf\xc3\xa9 \xff\xc3(";
	at_utf8_fix(bad);
	CHECK_STR(bad, "caf\xc3\xa9 ?" "?(");
	char overlong[] = "\xc0\xaf\xe2\x82";
	at_utf8_fix(overlong);
	CHECK_STR(overlong, "????");
	return check_done();
}
