#include "check.h"
#include "udp/udp_sendq.h"

int
main(void)
{
	struct udp_sendq q;
	struct udp_outcome o;
	struct udp_slot *s;
	unsigned char f[UDP_WIRE_HDR + UDP_MSG_MAX + 1];
	size_t n = udp_wire_data(f, 1, 1, "hi", 2);

	/* Window of 2, 2 resends, 100 ms first wait (times in microseconds). */
	CHECK_INT(udp_sendq_init(&q, 2, 2, 100000), 0);
	CHECK(udp_sendq_empty(&q));
	CHECK_INT(udp_sendq_wait(&q, 0), -1);
	CHECK(udp_sendq_add(&q, 1, 10, f, n, 2, 0) != NULL);
	CHECK(udp_sendq_add(&q, 2, 11, f, n, 2, 0) != NULL);
	CHECK(udp_sendq_full(&q));
	CHECK(udp_sendq_add(&q, 3, 12, f, n, 2, 0) == NULL);
	CHECK(udp_sendq_add(&q, 3, 12, f, sizeof(f), 2, 0) == NULL);
	CHECK_INT(udp_sendq_wait(&q, 0), 0);

	/* Both go out at once; a confirmation before the first send is stale. */
	s = udp_sendq_due(&q, 0);
	CHECK(s != NULL && s->id == 1 && s->attempts == 1);
	CHECK_INT(udp_sendq_ack(&q, 2, 0, &o), 0);
	s = udp_sendq_due(&q, 0);
	CHECK(s != NULL && s->id == 2);
	CHECK(udp_sendq_due(&q, 0) == NULL);
	CHECK_INT(udp_sendq_wait(&q, 40000), 60000);

	/* 2 is confirmed after 5 ms; its slot frees; a repeat confirmation is ignored. */
	CHECK_INT(udp_sendq_ack(&q, 2, 5000, &o), 1);
	CHECK_INT(o.id, 2);
	CHECK_INT(o.tag, 11);
	CHECK_INT(o.confirmed, 1);
	CHECK_INT(o.attempts, 1);
	CHECK_INT(o.latency_us, 5000);
	CHECK_INT(udp_sendq_ack(&q, 2, 6000, &o), 0);
	CHECK(!udp_sendq_full(&q));

	/* 1 is resent at 100 ms, then 300 ms (doubled), then given up at 700 ms. */
	CHECK(udp_sendq_due(&q, 99999) == NULL);
	s = udp_sendq_due(&q, 100000);
	CHECK(s != NULL && s->id == 1 && s->attempts == 2);
	CHECK_INT(udp_sendq_wait(&q, 100000), 200000);
	s = udp_sendq_due(&q, 300000);
	CHECK(s != NULL && s->attempts == 3);
	CHECK(udp_sendq_due(&q, 700000) == NULL);
	CHECK_INT(udp_sendq_expire(&q, 699999, &o), 0);
	CHECK_INT(udp_sendq_expire(&q, 700000, &o), 1);
	CHECK_INT(o.id, 1);
	CHECK_INT(o.confirmed, 0);
	CHECK_INT(o.attempts, 3);
	CHECK(udp_sendq_empty(&q));
	udp_sendq_free(&q);

	/* Waits stop doubling at UDP_BACKOFF_CAP times the first. */
	CHECK_INT(udp_sendq_init(&q, 1, 10, 1000), 0);
	udp_sendq_add(&q, 1, 0, f, n, 2, 0);
	long long t = 0, waits[10];
	for (int i = 0; i < 10; i++) {
		s = udp_sendq_due(&q, t);
		CHECK(s != NULL);
		waits[i] = udp_sendq_wait(&q, t);
		t += waits[i];
	}
	CHECK_INT(waits[0], 1000);
	CHECK_INT(waits[1], 2000);
	CHECK_INT(waits[3], 8000);
	CHECK_INT(waits[9], 1000 * UDP_BACKOFF_CAP);
	/* A late confirmation still counts while the last wait runs. */
	CHECK_INT(udp_sendq_ack(&q, 1, t, &o), 1);
	CHECK_INT(o.attempts, 10);
	udp_sendq_free(&q);
	return check_done();
}
