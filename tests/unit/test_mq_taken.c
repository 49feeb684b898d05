/*
 * Expected values from mqpub(1) --taken-fd: the number of input lines whose
 * messages are all durably held (acknowledged, or fsynced to the spool); a
 * line held only in memory holds back the lines after it.
 */
#include <stdlib.h>

#include "check.h"
#include "mq/mq_taken.h"

static struct mq_msg *
msg(uint64_t line, int qos)
{
	struct mq_msg *m = mq_msg_new("t", 1, "p", 1, qos, 0);

	if (m == NULL)
		abort();
	m->line = line;
	return m;
}

/* Send the next message with id mid; done at once for QoS 0. */
static void
send(struct mq_ring *r, int mid)
{
	struct mq_msg *m = mq_ring_next(r);

	CHECK(m != NULL);
	CHECK_INT(mq_ring_sent(r, mid, m->qos == 0), 0);
}

int
main(void)
{
	struct mq_ring r;
	/* lines 1, 2 (two messages), 4; 3 was a bad line, 5 a blank one */
	struct mq_msg *m1 = msg(1, 1), *m2 = msg(2, 1), *m3 = msg(2, 1), *m4 = msg(4, 0);
	struct mq_msg *old = msg(0, 1), *st = msg(6, 1), *sp = msg(6, 1);
	const struct mq_msg *lists[2] = { NULL, NULL };

	mq_ring_init(&r, 16, 1 << 20);
	mq_ring_push(&r, old);		/* out of an earlier run's spool */
	mq_ring_push(&r, m1);
	mq_ring_push(&r, m2);
	mq_ring_push(&r, m3);
	mq_ring_push(&r, m4);
	/* nothing held yet: nothing taken; a message from the spool holds nothing back */
	CHECK_INT(mq_taken(&r, lists, 2, 5), 0);
	send(&r, 1);
	send(&r, 2);
	send(&r, 3);
	send(&r, 4);
	send(&r, 5);	/* m4, QoS 0: done once written */
	CHECK_INT(mq_taken(&r, lists, 2, 5), 0);
	/* line 1 acknowledged */
	CHECK(mq_ring_ack(&r, 2) == m1);
	CHECK_INT(mq_taken(&r, lists, 2, 5), 1);
	/* line 2 only half held: it holds back 3, 4 and 5 */
	m2->spooled = 1;
	CHECK_INT(mq_taken(&r, lists, 2, 5), 1);
	/* all of line 2 held: 3 had no messages, 4 is written, 5 had none */
	CHECK(mq_ring_ack(&r, 4) == m3);
	CHECK_INT(mq_taken(&r, lists, 2, 5), 5);
	/* never more than the lines read */
	CHECK_INT(mq_taken(&r, lists, 2, 4), 4);
	/* line 6 waiting in memory, staged or spilled towards the spool */
	lists[0] = st;
	CHECK_INT(mq_taken(&r, lists, 2, 6), 5);
	lists[0] = NULL;
	lists[1] = sp;
	CHECK_INT(mq_taken(&r, lists, 2, 6), 5);
	lists[1] = NULL;
	CHECK_INT(mq_taken(&r, lists, 2, 6), 6);
	/* a line held in memory holds back the lines after it, even acknowledged ones */
	m2->spooled = 0;
	CHECK_INT(mq_taken(&r, lists, 2, 6), 1);
	free(st);
	free(sp);
	mq_ring_free(&r);
	return check_done();
}
