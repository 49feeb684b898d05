#include "check.h"
#include "ppp/ppp_dial.h"

int
main(void)
{
	struct ppp_dial_result d;

	/* atchat --json, BUSY after the dial */
	ppp_dial_parse(
	    "{\"step\":1,\"event\":\"set\",\"keyword\":\"ABORT\",\"value\":\"BUSY\"}\n"
	    "{\"step\":11,\"event\":\"expect\",\"expect\":\"\",\"result\":\"matched\",\"received\":\"\"}\n"
	    "{\"step\":12,\"event\":\"send\",\"send\":\"AT\"}\n"
	    "{\"step\":13,\"event\":\"expect\",\"expect\":\"OK\",\"result\":\"matched\",\"received\":\"AT\\r\\r\\nOK\"}\n"
	    "{\"step\":14,\"event\":\"send\",\"send\":\"ATD*99#\"}\n"
	    "{\"step\":15,\"event\":\"expect\",\"expect\":\"CONNECT\",\"result\":\"aborted\","
	    "\"abort\":\"BUSY\",\"abort_index\":1,\"received\":\"\\r\\nBUSY\"}\n"
	    "{\"event\":\"end\",\"exit_status\":4,\"result\":\"aborted\"}\n", &d);
	CHECK_INT(d.how, PPP_DIAL_ABORT);
	CHECK_STR(d.abort, "BUSY");
	CHECK_STR(d.expect, "CONNECT");

	/* the modem answered OK, then nothing came in time */
	ppp_dial_parse(
	    "{\"event\":\"expect\",\"expect\":\"\",\"result\":\"matched\",\"received\":\"\"}\n"
	    "{\"event\":\"expect\",\"expect\":\"OK\",\"result\":\"matched\",\"received\":\"OK\"}\n"
	    "{\"event\":\"expect\",\"expect\":\"CONNECT\",\"result\":\"timeout\",\"received\":\"\"}\n",
	    &d);
	CHECK_INT(d.how, PPP_DIAL_TIMEOUT);

	/* nothing at all from the modem */
	ppp_dial_parse(
	    "{\"event\":\"expect\",\"expect\":\"\",\"result\":\"matched\",\"received\":\"\"}\n"
	    "{\"event\":\"expect\",\"expect\":\"OK\",\"result\":\"timeout\",\"received\":\"\"}",
	    &d);
	CHECK_INT(d.how, PPP_DIAL_SILENT);
	CHECK_STR(d.expect, "OK");

	/* noise only, before the timeout, is still the modem speaking */
	ppp_dial_parse(
	    "{\"event\":\"expect\",\"expect\":\"OK\",\"result\":\"timeout\",\"received\":\"^RSSI:3\"}",
	    &d);
	CHECK_INT(d.how, PPP_DIAL_TIMEOUT);

	/* empty, truncated or foreign text */
	ppp_dial_parse("", &d);
	CHECK_INT(d.how, PPP_DIAL_UNKNOWN);
	ppp_dial_parse(NULL, &d);
	CHECK_INT(d.how, PPP_DIAL_UNKNOWN);
	ppp_dial_parse("{\"event\":\"expect\",\"result\":\"abor", &d);
	CHECK_INT(d.how, PPP_DIAL_UNKNOWN);
	ppp_dial_parse("not json\n[1,2]\n{\"event\":\"expect\"}\n", &d);
	CHECK_INT(d.how, PPP_DIAL_UNKNOWN);
	return check_done();
}
