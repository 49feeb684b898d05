/*
 * Expected values from mqpub(1) DELIVERY AND THE SPOOL: a message on which
 * the broker closes the connection 3 times in a row (the first time with
 * others in flight, then sent alone, each time within 5 s; QoS 1 and 2
 * only) is set aside.
 */
#include "check.h"
#include "mq/mq_poison.h"

/* A new suspect: dropped at 0 with others in flight. */
static void
first(struct mq_poison *ps, uint64_t seq)
{
	*ps = (struct mq_poison){ 0 };
	mq_poison_drop(ps, 1, seq, 3, 0);
}

/* seq sent at t, the connection dropped at t + after with inflight out; is seq set aside? */
static int
again(struct mq_poison *ps, uint64_t seq, size_t inflight, long long t, long long after)
{
	mq_poison_sent(ps, t);
	mq_poison_drop(ps, 1, seq, inflight, t + after);
	return mq_poison_is(ps, seq);
}

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
	CHECK_INT(again(&ps, 7, 1, 2000, 4999), 0);
	CHECK_INT(mq_poison_window(&ps, 20), 1);
	/* the third: set aside, and only that message */
	CHECK_INT(again(&ps, 7, 1, 8000, 100), 1);
	CHECK_INT(mq_poison_is(&ps, 8), 0);
	mq_poison_clear(&ps);
	CHECK_INT(mq_poison_is(&ps, 7), 0);
	CHECK_INT(mq_poison_window(&ps, 20), 20);

	/* a drop 5 s or more after sending it is not counted against it: it starts over */
	first(&ps, 7);
	CHECK_INT(again(&ps, 7, 1, 1000, 5000), 0);
	CHECK_INT(again(&ps, 7, 1, 7000, 1), 0);
	CHECK_INT(again(&ps, 7, 1, 8000, 1), 1);

	/* not alone the second time: not known to be that message, starts over */
	first(&ps, 7);
	CHECK_INT(again(&ps, 7, 2, 10, 10), 0);
	CHECK_INT(again(&ps, 7, 1, 30, 10), 0);

	/* in a row: a drop on another message breaks it */
	first(&ps, 7);
	CHECK_INT(again(&ps, 8, 1, 10, 10), 0);
	CHECK_INT(again(&ps, 8, 1, 30, 10), 0);
	CHECK_INT(mq_poison_is(&ps, 7), 0);
	CHECK_INT(again(&ps, 8, 1, 50, 10), 1);
	/* and so does an acknowledgement */
	first(&ps, 7);
	CHECK_INT(again(&ps, 7, 1, 10, 10), 0);
	mq_poison_acked(&ps, 7, 0);
	CHECK_INT(mq_poison_window(&ps, 20), 20);
	mq_poison_drop(&ps, 1, 7, 1, 30);
	CHECK_INT(again(&ps, 7, 1, 40, 10), 0);

	/* a refusal of the suspect is no acknowledgement: the next still goes alone */
	first(&ps, 7);
	mq_poison_acked(&ps, 7, 1);
	CHECK_INT(mq_poison_window(&ps, 20), 1);
	mq_poison_acked(&ps, 8, 1);
	CHECK_INT(mq_poison_window(&ps, 20), 20);

	/* QoS 0 only in flight: no telling which one, nothing suspected */
	first(&ps, 7);
	mq_poison_drop(&ps, 0, 0, 0, 10);
	CHECK_INT(mq_poison_window(&ps, 20), 20);
	mq_poison_drop(&ps, 1, 7, 1, 20);
	CHECK_INT(again(&ps, 7, 1, 30, 10), 0);
	return check_done();
}
