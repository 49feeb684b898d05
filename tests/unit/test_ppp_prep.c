#include "check.h"
#include "fk/fk_exit.h"
#include "ppp/ppp_prep.h"

/* A reply as at_exchange() would return it. */
static struct at_reply *
reply(enum at_final kind, int err, const char *line)
{
	static struct at_reply r;
	static char buf[128];
	static char *lines[1];

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.err = err;
	r.answered = 1;
	if (line) {
		snprintf(buf, sizeof(buf), "%s", line);
		lines[0] = buf;
		r.lines = lines;
		r.n = 1;
	}
	return &r;
}

static int
ok(struct ppp_prep *p, const char *line)
{
	return ppp_prep_answer(p, AT_IO_DONE, reply(AT_OK, -1, line), 0);
}

int
main(void)
{
	struct ppp_prep p;
	struct ppp_prep_cfg c = {
		.net = PPP_NET_3GPP, .apn = "internet", .reg_timeout_ms = 5000,
	};

	/* the whole happy path, 3GPP */
	CHECK_INT(ppp_prep_begin(&p, &c, 0), PPP_PREP_SEND);
	CHECK_STR(p.cmd, "AT");
	CHECK_STR(p.step, "attention");
	CHECK_INT(ok(&p, NULL), PPP_PREP_SEND);
	CHECK_STR(p.cmd, "ATE0");
	CHECK_INT(ok(&p, NULL), PPP_PREP_SEND);
	CHECK_STR(p.cmd, "AT+CPIN?");
	CHECK_INT(ok(&p, "+CPIN: READY"), PPP_PREP_SEND);
	CHECK_INT(p.fact, PPP_FACT_SIM);
	CHECK_STR(p.sim_state, "ready");
	CHECK_STR(p.cmd, "AT+CGREG?");
	CHECK_INT(ok(&p, "+CGREG: 0,2"), PPP_PREP_SEND);	/* searching: poll */
	CHECK_INT(p.fact, PPP_FACT_REG);
	CHECK_STR(p.reg.state, "searching");
	CHECK_STR(p.cmd, "AT+CGREG?");
	CHECK_INT(p.delay_ms, 1000);
	CHECK_INT(ok(&p, "+CGREG: 0,5"), PPP_PREP_SEND);
	CHECK_STR(p.reg.state, "registered_roaming");
	CHECK_STR(p.cmd, "AT+CSQ");
	CHECK_INT(p.delay_ms, 0);
	CHECK_INT(ok(&p, "+CSQ: 17,99"), PPP_PREP_SEND);
	CHECK_INT(p.fact, PPP_FACT_CSQ);
	CHECK_INT(p.csq.rssi_dbm, -79);
	CHECK_STR(p.cmd, "AT+CGDCONT=1,\"IP\",\"internet\"");
	CHECK_STR(p.shown, p.cmd);
	CHECK_INT(ok(&p, NULL), PPP_PREP_DONE);

	/* a silent modem gets three ATs, then it is reported */
	ppp_prep_begin(&p, &c, 0);
	CHECK_INT(ppp_prep_answer(&p, AT_IO_NOANSWER, reply(0, -1, NULL), 0), PPP_PREP_SEND);
	CHECK_INT(ppp_prep_answer(&p, AT_IO_NOANSWER, reply(0, -1, NULL), 0), PPP_PREP_SEND);
	CHECK_STR(p.cmd, "AT");
	CHECK_INT(ppp_prep_answer(&p, AT_IO_NOANSWER, reply(0, -1, NULL), 0), PPP_PREP_FAIL);
	CHECK_STR(p.cause.reason, "modem_silent");
	CHECK_INT(p.cause.status, FK_NOANSWER);
	CHECK_INT(p.cause.fatal, 0);
	ppp_prep_begin(&p, &c, 0);
	CHECK_INT(ppp_prep_answer(&p, AT_IO_ERROR, reply(0, -1, NULL), 0), PPP_PREP_FAIL);
	CHECK_INT(p.cause.status, FK_IO);

	/* SIM PIN: sent once, masked in what is shown */
	c.pin = "1234";
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	CHECK_INT(ok(&p, "+CPIN: SIM PIN"), PPP_PREP_SEND);
	CHECK_STR(p.cmd, "AT+CPIN=\"1234\"");
	CHECK_STR(p.shown, "AT+CPIN=\"****\"");
	CHECK_STR(p.step, "pin");
	CHECK_INT(ok(&p, NULL), PPP_PREP_SEND);
	CHECK_STR(p.cmd, "AT+CPIN?");
	CHECK_INT(ok(&p, "+CPIN: READY"), PPP_PREP_SEND);
	CHECK_STR(p.cmd, "AT+CGREG?");
	/* ... a wrong one is never sent twice */
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	ok(&p, "+CPIN: SIM PIN");
	CHECK_INT(ppp_prep_answer(&p, AT_IO_DONE, reply(AT_CME_ERROR, 16, NULL), 0),
	    PPP_PREP_FAIL);
	CHECK_STR(p.cause.reason, "pin_refused");
	CHECK_INT(p.cause.status, FK_AUTH);
	CHECK_INT(p.cause.fatal, 1);
	/* ... nor when the modem said OK but still wants it */
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	ok(&p, "+CPIN: SIM PIN");
	ok(&p, NULL);
	CHECK_INT(ok(&p, "+CPIN: SIM PIN"), PPP_PREP_FAIL);
	CHECK_STR(p.cause.reason, "pin_refused");
	/* ... nor when its answer never came */
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	ok(&p, "+CPIN: SIM PIN");
	CHECK_INT(ppp_prep_answer(&p, AT_IO_TIMEOUT, reply(0, -1, NULL), 0), PPP_PREP_FAIL);
	CHECK_STR(p.cause.reason, "pin_unconfirmed");
	CHECK_INT(p.cause.fatal, 1);
	/* PUK, no PIN file, no SIM, SIM busy */
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	CHECK_INT(ok(&p, "+CPIN: SIM PUK"), PPP_PREP_FAIL);
	CHECK_STR(p.cause.reason, "sim_locked");
	CHECK_STR(p.why, "sim_puk");
	c.pin = NULL;
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	CHECK_INT(ok(&p, "+CPIN: SIM PIN"), PPP_PREP_FAIL);
	CHECK_STR(p.cause.reason, "pin_required");
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	CHECK_INT(ppp_prep_answer(&p, AT_IO_DONE, reply(AT_CME_ERROR, 10, NULL), 0),
	    PPP_PREP_FAIL);
	CHECK_STR(p.cause.reason, "no_sim");
	CHECK_INT(p.cause.status, FK_NODEV);
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	CHECK_INT(ppp_prep_answer(&p, AT_IO_DONE, reply(AT_CME_ERROR, 14, NULL), 0),
	    PPP_PREP_SEND);
	CHECK_STR(p.cmd, "AT+CPIN?");
	CHECK_INT(p.delay_ms, 1000);

	/* registration: denied, timeout, +CGREG unsupported */
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	ok(&p, "+CPIN: READY");
	CHECK_INT(ok(&p, "+CGREG: 0,3"), PPP_PREP_FAIL);
	CHECK_STR(p.cause.reason, "registration_denied");
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	ok(&p, "+CPIN: READY");
	CHECK_INT(ppp_prep_answer(&p, AT_IO_DONE, reply(AT_OK, -1, "+CGREG: 0,2"), 3000),
	    PPP_PREP_SEND);
	CHECK_INT(ppp_prep_answer(&p, AT_IO_DONE, reply(AT_OK, -1, "+CGREG: 0,2"), 4500),
	    PPP_PREP_FAIL);
	CHECK_STR(p.cause.reason, "registration_timeout");
	CHECK_INT(p.cause.status, FK_TIMEOUT);
	CHECK_STR(p.why, "searching");
	ppp_prep_begin(&p, &c, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	ok(&p, "+CPIN: READY");
	CHECK_INT(ppp_prep_answer(&p, AT_IO_DONE, reply(AT_ERROR, -1, NULL), 0), PPP_PREP_SEND);
	CHECK_STR(p.cmd, "AT+CREG?");
	CHECK_INT(ok(&p, "+CREG: 0,1"), PPP_PREP_SEND);
	CHECK_STR(p.cmd, "AT+CSQ");
	ok(&p, "+CSQ: 99,99");
	CHECK_INT(p.csq.has_rssi, 0);
	CHECK_INT(ppp_prep_answer(&p, AT_IO_DONE, reply(AT_ERROR, -1, NULL), 0), PPP_PREP_FAIL);
	CHECK_STR(p.cause.reason, "apn_rejected");

	/* 3GPP2: +CREG, then ^PPPCFG with the password masked */
	struct ppp_prep_cfg c2 = {
		.net = PPP_NET_3GPP2, .user = "card", .password = "s3cret",
		.reg_timeout_ms = 5000,
	};
	ppp_prep_begin(&p, &c2, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	ok(&p, "+CPIN: READY");
	CHECK_STR(p.cmd, "AT+CREG?");
	CHECK_INT(ppp_prep_answer(&p, AT_IO_DONE, reply(AT_ERROR, -1, NULL), 0), PPP_PREP_SEND);
	CHECK_STR(p.cmd, "AT+CSQ");
	ok(&p, "+CSQ: 20,0");
	CHECK_STR(p.cmd, "AT^PPPCFG=\"card\",\"s3cret\"");
	CHECK_STR(p.shown, "AT^PPPCFG=\"card\",\"********\"");
	CHECK_STR(p.step, "credentials");
	CHECK_INT(ppp_prep_answer(&p, AT_IO_DONE, reply(AT_ERROR, -1, NULL), 0), PPP_PREP_DONE);
	c2.user = NULL;
	ppp_prep_begin(&p, &c2, 0);
	ok(&p, NULL);
	ok(&p, NULL);
	ok(&p, "+CPIN: READY");
	ok(&p, "+CREG: 0,1");
	CHECK_INT(ok(&p, "+CSQ: 20,0"), PPP_PREP_DONE);

	/* values that cannot go into AT strings */
	CHECK(ppp_prep_check(&c) == NULL);
	c.apn = "inter\"net";
	CHECK_STR(ppp_prep_check(&c), "apn");
	c.apn = "internet";
	c.pin = "12a4";
	CHECK_STR(ppp_prep_check(&c), "pin");
	c.pin = "123";
	CHECK_STR(ppp_prep_check(&c), "pin");
	c.pin = "0000";
	CHECK(ppp_prep_check(&c) == NULL);
	c2.user = "u";
	c2.password = "a\\b";
	CHECK_STR(ppp_prep_check(&c2), "password");
	/* --print's plan: the good path of the sequencer, secrets masked (the modem guide's order). */
	{
		struct ppp_prep_cfg g = { PPP_NET_3GPP, "internet", "1234", NULL, NULL, 60000 };
		struct ppp_prep_cfg cd = { PPP_NET_3GPP2, NULL, NULL, "card", "s3cret", 60000 };
		char plan[12][256];
		int n = ppp_prep_plan(&g, plan, 12);

		CHECK_INT(n, 8);
		CHECK_STR(plan[0], "AT");
		CHECK_STR(plan[1], "ATE0");
		CHECK_STR(plan[2], "AT+CPIN?");
		CHECK_STR(plan[3], "AT+CPIN=\"****\"");
		CHECK_STR(plan[4], "AT+CPIN?");
		CHECK_STR(plan[5], "AT+CGREG?");
		CHECK_STR(plan[6], "AT+CSQ");
		CHECK_STR(plan[7], "AT+CGDCONT=1,\"IP\",\"internet\"");
		g.pin = NULL;
		CHECK_INT(ppp_prep_plan(&g, plan, 12), 6);
		CHECK_STR(plan[2], "AT+CPIN?");
		CHECK_STR(plan[3], "AT+CGREG?");
		CHECK_INT(ppp_prep_plan(&g, plan, 2), 2);
		CHECK_INT(ppp_prep_plan(&cd, plan, 12), 6);
		CHECK_STR(plan[3], "AT+CREG?");
		CHECK_STR(plan[5], "AT^PPPCFG=\"card\",\"********\"");
		cd.user = NULL;
		CHECK_INT(ppp_prep_plan(&cd, plan, 12), 5);
		CHECK_STR(plan[4], "AT+CSQ");
	}
	return check_done();
}
