#include "check.h"
#include "fk/fk_exit.h"
#include "ppp/ppp_exit.h"

int
main(void)
{
	struct ppp_cause c;

	CHECK_STR(ppp_exit_name(0), "ok");
	CHECK_STR(ppp_exit_name(8), "connect_failed");
	CHECK_STR(ppp_exit_name(15), "peer_dead");
	CHECK_STR(ppp_exit_name(16), "hangup");
	CHECK_STR(ppp_exit_name(19), "auth_topeer_failed");
	CHECK_STR(ppp_exit_name(21), "cnid_auth_failed");
	CHECK_STR(ppp_exit_name(22), "unknown");
	CHECK_STR(ppp_exit_name(-1), "unknown");

	c = ppp_exit_cause(19, PPP_DIAL_UNKNOWN, NULL, 0);
	CHECK_STR(c.reason, "auth_refused");
	CHECK_INT(c.status, FK_AUTH);
	CHECK_INT(c.fatal, 1);
	c = ppp_exit_cause(2, PPP_DIAL_UNKNOWN, NULL, 0);
	CHECK_STR(c.reason, "bad_options");
	CHECK_INT(c.status, FK_USAGE);
	CHECK_INT(c.fatal, 1);
	c = ppp_exit_cause(4, PPP_DIAL_UNKNOWN, NULL, 0);
	CHECK_STR(c.reason, "no_kernel_support");
	CHECK_INT(c.status, FK_NODEV);
	CHECK_INT(c.fatal, 1);
	c = ppp_exit_cause(15, PPP_DIAL_UNKNOWN, NULL, 0);
	CHECK_STR(c.reason, "peer_dead");
	CHECK_INT(c.status, FK_PARTIAL);
	CHECK_INT(c.fatal, 0);
	c = ppp_exit_cause(16, PPP_DIAL_UNKNOWN, NULL, 0);
	CHECK_STR(c.reason, "hangup");
	CHECK_INT(c.fatal, 0);
	c = ppp_exit_cause(7, PPP_DIAL_UNKNOWN, NULL, 0);
	CHECK_INT(c.status, FK_NODEV);
	CHECK_INT(c.fatal, 0);
	c = ppp_exit_cause(6, PPP_DIAL_UNKNOWN, NULL, 0);
	CHECK_INT(c.status, FK_LOCKED);

	/* exit 8 says nothing; the dial transcript says why */
	c = ppp_exit_cause(8, PPP_DIAL_ABORT, "BUSY", 0);
	CHECK_STR(c.reason, "busy");
	CHECK_INT(c.status, FK_BUSY);
	CHECK_INT(c.fatal, 0);
	c = ppp_exit_cause(8, PPP_DIAL_ABORT, "NO CARRIER", 0);
	CHECK_STR(c.reason, "no_carrier");
	CHECK_INT(c.status, FK_BUSY);
	c = ppp_exit_cause(8, PPP_DIAL_ABORT, "NO ANSWER", 0);
	CHECK_STR(c.reason, "no_answer");
	CHECK_INT(c.status, FK_NOANSWER);
	c = ppp_exit_cause(8, PPP_DIAL_ABORT, "NO DIALTONE", 0);
	CHECK_STR(c.reason, "no_dialtone");
	c = ppp_exit_cause(8, PPP_DIAL_ABORT, "ERROR", 0);
	CHECK_STR(c.reason, "dial_error");
	c = ppp_exit_cause(8, PPP_DIAL_ABORT, "WEIRD", 0);
	CHECK_STR(c.reason, "dial_refused");
	c = ppp_exit_cause(8, PPP_DIAL_TIMEOUT, NULL, 0);
	CHECK_STR(c.reason, "dial_timeout");
	CHECK_INT(c.status, FK_TIMEOUT);
	c = ppp_exit_cause(8, PPP_DIAL_SILENT, NULL, 0);
	CHECK_STR(c.reason, "modem_silent");
	CHECK_INT(c.status, FK_NOANSWER);
	c = ppp_exit_cause(8, PPP_DIAL_UNKNOWN, NULL, 0);
	CHECK_STR(c.reason, "connect_failed");
	CHECK_INT(c.status, FK_PARTIAL);
	/* the dial detail is ignored for other codes */
	c = ppp_exit_cause(16, PPP_DIAL_ABORT, "BUSY", 0);
	CHECK_STR(c.reason, "hangup");

	/* a refused login wins over the hang-up that followed it, not over our stop */
	c = ppp_exit_cause(16, PPP_DIAL_UNKNOWN, NULL, 1);
	CHECK_STR(c.reason, "auth_refused");
	CHECK_INT(c.status, FK_AUTH);
	CHECK_INT(c.fatal, 1);
	c = ppp_exit_cause(5, PPP_DIAL_UNKNOWN, NULL, 1);
	CHECK_STR(c.reason, "stopped");

	c = ppp_exit_cause(127, PPP_DIAL_UNKNOWN, NULL, 0);
	CHECK_STR(c.reason, "pppd_unknown_exit");
	CHECK_INT(c.status, FK_SOFTWARE);
	c = ppp_signal_cause();
	CHECK_STR(c.reason, "pppd_killed");

	/* every code has a reason and a status from the suite's table */
	for (int i = 0; i <= PPP_EXIT_MAX; i++) {
		c = ppp_exit_cause(i, PPP_DIAL_UNKNOWN, NULL, 0);
		CHECK(c.reason != NULL && strcmp(fk_exit_name(c.status), "unknown") != 0);
	}
	return check_done();
}
