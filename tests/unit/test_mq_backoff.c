/* Expected values from mqpub(1) DELIVERY AND THE SPOOL and the MQTT CONNACK codes. */
#include "check.h"
#include "mq/mq_backoff.h"

int
main(void)
{
	/* 0.25 s, doubling up to 30 s; r = an eighth of the wait picks the wait itself */
	static const long want[] = { 250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000 };
	int ms = MQ_BACKOFF_MIN_MS;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_INT(mq_backoff_next(&ms, (unsigned long)want[i] / 8), want[i]);
	/* give or take an eighth, never more */
	ms = 0;		/* not started: the first wait is the shortest */
	CHECK_INT(mq_backoff_next(&ms, 0), 250 - 250 / 8);
	CHECK_INT(mq_backoff_next(&ms, 500 / 4), 500 - 500 / 8 + 500 / 4);
	CHECK_INT(mq_backoff_next(&ms, 1000 / 4 + 1), 1000 - 1000 / 8);
	for (unsigned long r = 0; r < 100000; r += 997) {
		ms = 16000;
		long w = mq_backoff_next(&ms, r);
		CHECK(w >= 14000 && w <= 18000);
	}

	/* it starts over once a connection carried an acknowledged message ... */
	ms = 8000;
	mq_backoff_up(&ms, -1);
	CHECK_INT(ms, 250);
	/* ... or stayed up 10 s, not before */
	ms = 8000;
	mq_backoff_up(&ms, 9999);
	CHECK_INT(ms, 8000);
	mq_backoff_up(&ms, 10000);
	CHECK_INT(ms, 250);

	/* MQTT 3.1.1: only 3 (server unavailable) is retried */
	CHECK_INT(mq_backoff_refusal_final(0, 1), 1);	/* protocol version */
	CHECK_INT(mq_backoff_refusal_final(0, 2), 1);	/* client id rejected */
	CHECK_INT(mq_backoff_refusal_final(0, 3), 0);
	CHECK_INT(mq_backoff_refusal_final(0, 4), 1);	/* bad user name or password */
	CHECK_INT(mq_backoff_refusal_final(0, 5), 1);	/* not authorised */
	/* MQTT 5: unavailable, busy, quota and rate limits are retried */
	CHECK_INT(mq_backoff_refusal_final(1, 0x88), 0);
	CHECK_INT(mq_backoff_refusal_final(1, 0x89), 0);
	CHECK_INT(mq_backoff_refusal_final(1, 0x97), 0);
	CHECK_INT(mq_backoff_refusal_final(1, 0x9f), 0);
	CHECK_INT(mq_backoff_refusal_final(1, 0x84), 1);	/* protocol version */
	CHECK_INT(mq_backoff_refusal_final(1, 0x85), 1);	/* client id not valid */
	CHECK_INT(mq_backoff_refusal_final(1, 0x86), 1);	/* bad user name or password */
	CHECK_INT(mq_backoff_refusal_final(1, 0x87), 1);	/* not authorised */
	CHECK_INT(mq_backoff_refusal_final(1, 0x8a), 1);	/* banned */
	return check_done();
}
