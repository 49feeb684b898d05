#include <stdlib.h>

#include "check.h"
#include "mq/mq_ring.h"

static struct mq_msg *
msg(int i)
{
	char t[16];
	struct mq_msg *m;

	snprintf(t, sizeof(t), "t/%d", i);
	m = mq_msg_new(t, strlen(t), "p", 1, 1, 0);
	m->seq = (uint64_t)i;
	return m;
}

int
main(void)
{
	struct mq_ring r;
	struct mq_msg *m;
	int freed = 0;

	CHECK_INT(mq_ring_init(&r, 65535, 1 << 20), -1);
	CHECK_INT(mq_ring_init(&r, 4, 1 << 20), 0);
	for (int i = 0; i < 4; i++) {
		CHECK(mq_ring_room(&r, 100));
		mq_ring_push(&r, msg(i));
	}
	CHECK(!mq_ring_room(&r, 1));
	CHECK_INT(mq_ring_count(&r), 4);

	/* Send all four; ids as a client might give them, wrapping past 65535. */
	int mids[4] = { 65534, 65535, 1, 2 };
	for (int i = 0; i < 4; i++) {
		m = mq_ring_next(&r);
		CHECK(m && m->seq == (uint64_t)i);
		CHECK_INT(mq_ring_sent(&r, mids[i], 0), 0);
	}
	CHECK(mq_ring_next(&r) == NULL);
	CHECK_INT(r.inflight, 4);
	/* Out of order acknowledgements: nothing is freed before the oldest. */
	m = mq_ring_ack(&r, 1);
	CHECK(m && m->seq == 2 && m->state == MQ_DONE);
	CHECK(mq_ring_ack(&r, 1) == NULL);	/* a duplicate PUBACK */
	CHECK(mq_ring_ack(&r, 777) == NULL);
	CHECK(mq_ring_pop(&r) == NULL);
	CHECK(mq_ring_ack(&r, 65534) != NULL);
	while ((m = mq_ring_pop(&r)) != NULL) {
		CHECK_INT(m->seq, 0);
		free(m);
		freed++;
	}
	CHECK_INT(freed, 1);
	CHECK_INT(r.inflight, 2);

	/* The link drops: 1 and 3 go again, 2 (done) does not. */
	mq_ring_requeue(&r);
	CHECK_INT(r.inflight, 0);
	m = mq_ring_next(&r);
	CHECK(m && m->seq == 1 && m->state == MQ_QUEUED);
	CHECK_INT(mq_ring_sent(&r, 1, 0), 0);
	m = mq_ring_next(&r);
	CHECK(m && m->seq == 3);
	/* An id still held is refused rather than overwritten. */
	CHECK_INT(mq_ring_sent(&r, 1, 0), -1);
	CHECK_INT(mq_ring_sent(&r, 2, 1), 0);	/* QoS 0 written at once */
	CHECK(mq_ring_next(&r) == NULL);
	CHECK(mq_ring_ack(&r, 1) != NULL);
	for (int i = 1; i <= 3; i++) {
		m = mq_ring_pop(&r);
		CHECK(m && m->seq == (uint64_t)i);
		free(m);
	}
	CHECK_INT(mq_ring_count(&r), 0);
	CHECK_INT(r.bytes, 0);

	/* Refused messages are done without an id. */
	mq_ring_push(&r, msg(9));
	CHECK(mq_ring_next(&r) != NULL);
	mq_ring_skip(&r);
	m = mq_ring_pop(&r);
	CHECK(m && m->seq == 9);
	free(m);

	/* The byte limit, and an empty ring always takes one. */
	mq_ring_free(&r);
	CHECK_INT(mq_ring_init(&r, 100, 10), 0);
	CHECK(mq_ring_room(&r, 1000));
	mq_ring_push(&r, msg(1));
	CHECK(!mq_ring_room(&r, 1));
	mq_ring_free(&r);

	/* Payload and topic copies. */
	m = mq_msg_new("a/b", 3, "xyz", 3, 2, 1);
	CHECK_STR(MQ_MSG_TOPIC(m), "a/b");
	CHECK(memcmp(MQ_MSG_PAYLOAD(m), "xyz", 3) == 0);
	CHECK_INT(m->qos, 2);
	CHECK_INT(m->retain, 1);
	free(m);
	return check_done();
}
