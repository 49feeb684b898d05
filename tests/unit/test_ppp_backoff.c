#include "check.h"
#include "ppp/ppp_backoff.h"

int
main(void)
{
	struct ppp_backoff b;

	/* failures in a row double the pause up to the cap */
	ppp_backoff_init(&b, 0);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), 2);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), 4);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), 8);
	CHECK_INT(ppp_backoff_next(&b, 5, 0), 16);	/* up briefly: still a failure */
	for (int i = 0; i < 20; i++)
		ppp_backoff_next(&b, -1, 0);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), PPP_BACKOFF_CAP_S);
	CHECK_INT(b.fails, 25);

	/* a link that held resets the count and redials after the base pause */
	CHECK_INT(ppp_backoff_next(&b, PPP_BACKOFF_STABLE_S, 0), PPP_BACKOFF_BASE_S);
	CHECK_INT(b.fails, 0);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), 2);

	/* fatal causes never redial */
	ppp_backoff_init(&b, 0);
	CHECK_INT(ppp_backoff_next(&b, 3600, 1), -1);

	/* --max-fails N gives up at the N-th failure in a row */
	ppp_backoff_init(&b, 3);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), 2);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), 4);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), -1);
	ppp_backoff_init(&b, 2);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), 2);
	CHECK_INT(ppp_backoff_next(&b, 600, 0), 2);	/* success between */
	CHECK_INT(ppp_backoff_next(&b, -1, 0), 2);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), -1);
	ppp_backoff_init(&b, 1);
	CHECK_INT(ppp_backoff_next(&b, -1, 0), -1);
	return check_done();
}
