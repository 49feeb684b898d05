/*
 * Expected values from mqpub(1) DELIVERY AND THE SPOOL: a message on which
 * the broker closes the connection 3 times in a row (the first time with
 * others in flight, then sent alone, each time within 5 s; QoS 1 and 2
 * only) is set aside.
 */
#include "check.h"
#include "mq/mq_poison.h"

int
main(void)
{
	struct mq_poison ps = { 0 };

	/* nothing suspected: the connection's own window */
	CHECK_INT(mq_poison_window(&ps, 20), 20);
	CHECK_INT(mq_poison_is(&ps, 7), 0);

	/* the first drop, others in flight: the oldest sent goes alone next */
	mq_poison_drop(&ps, 1, 7, 12, 1000);
	CHECK_INT(mq_poison_window(&ps, 20), 1);
	CHECK_INT(mq_poison_is(&ps, 7), 0);
	/* sent alone, dropped again within 5 s: the second time */
	mq_poison_sent(&ps, 2000);
	mq_poison_drop(&ps, 1, 7, 1, 6999);
	CHECK_INT(mq_poison_is(&ps, 7), 0);
	CHECK_INT(mq_poison_window(&ps, 20), 1);
	/* the third: set aside, and only that message */
	mq_poison_sent(&ps, 8000);
	mq_poison_drop(&ps, 1, 7, 1, 8100);
	CHECK_INT(mq_poison_is(&ps, 7), 1);
	CHECK_INT(mq_poison_is(&ps, 8), 0);
	mq_poison_clear(&ps);
	CHECK_INT(mq_poison_is(&ps, 7), 0);
	CHECK_INT(mq_poison_window(&ps, 20), 20);

	/* a drop 5 s or more after sending it is not counted against it: it starts over */
	ps = (struct mq_poison){ 0 };
	mq_poison_drop(&ps, 1, 7, 3, 0);
	mq_poison_sent(&ps, 1000);
	mq_poison_drop(&ps, 1, 7, 1, 6000);
	mq_poison_sent(&ps, 7000);
	mq_poison_drop(&ps, 1, 7, 1, 7001);
	CHECK_INT(mq_poison_is(&ps, 7), 0);
	mq_poison_sent(&ps, 8000);
	mq_poison_drop(&ps, 1, 7, 1, 8001);
	CHECK_INT(mq_poison_is(&ps, 7), 1);

	/* not alone the second time: not known to be that message, starts over */
	ps = (struct mq_poison){ 0 };
	mq_poison_drop(&ps, 1, 7, 3, 0);
	mq_poison_sent(&ps, 10);
	mq_poison_drop(&ps, 1, 7, 2, 20);
	mq_poison_sent(&ps, 30);
	mq_poison_drop(&ps, 1, 7, 1, 40);
	CHECK_INT(mq_poison_is(&ps, 7), 0);

	/* in a row: a drop on another message, or an acknowledgement, breaks it */
	ps = (struct mq_poison){ 0 };
	mq_poison_drop(&ps, 1, 7, 3, 0);
	mq_poison_sent(&ps, 10);
	mq_poison_drop(&ps, 1, 8, 1, 20);
	mq_poison_sent(&ps, 30);
	mq_poison_drop(&ps, 1, 8, 1, 40);
	CHECK_INT(mq_poison_is(&ps, 7), 0);
	CHECK_INT(mq_poison_is(&ps, 8), 0);
	mq_poison_sent(&ps, 50);
	mq_poison_drop(&ps, 1, 8, 1, 60);
	CHECK_INT(mq_poison_is(&ps, 8), 1);
	ps = (struct mq_poison){ 0 };
	mq_poison_drop(&ps, 1, 7, 3, 0);
	mq_poison_sent(&ps, 10);
	mq_poison_drop(&ps, 1, 7, 1, 20);
	mq_poison_acked(&ps, 7, 0);
	CHECK_INT(mq_poison_window(&ps, 20), 20);
	mq_poison_drop(&ps, 1, 7, 1, 30);
	mq_poison_sent(&ps, 40);
	mq_poison_drop(&ps, 1, 7, 1, 50);
	CHECK_INT(mq_poison_is(&ps, 7), 0);

	/* a refusal of the suspect is no acknowledgement: the next still goes alone */
	ps = (struct mq_poison){ 0 };
	mq_poison_drop(&ps, 1, 7, 3, 0);
	mq_poison_acked(&ps, 7, 1);
	CHECK_INT(mq_poison_window(&ps, 20), 1);
	mq_poison_acked(&ps, 8, 1);
	CHECK_INT(mq_poison_window(&ps, 20), 20);

	/* QoS 0 only in flight: no telling which one, nothing suspected */
	ps = (struct mq_poison){ 0 };
	mq_poison_drop(&ps, 1, 7, 3, 0);
	mq_poison_drop(&ps, 0, 0, 0, 10);
	CHECK_INT(mq_poison_window(&ps, 20), 20);
	mq_poison_drop(&ps, 1, 7, 1, 20);
	mq_poison_sent(&ps, 30);
	mq_poison_drop(&ps, 1, 7, 1, 40);
	CHECK_INT(mq_poison_is(&ps, 7), 0);
	return check_done();
}
