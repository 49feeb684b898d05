#include <stdlib.h>

#include "check.h"
#include "tem/tem_linkq.h"

/* The answer frame a meter gives to req (data left out: only the shape is compared). */
static struct tem_frame
answer_to(const uint8_t *req, size_t len)
{
	struct tem_frame f = { TEM_SIG_ANS, req[1], req[3], req[4], 0, NULL };
	int n = tem_ans_len(req, len);

	f.len = (uint8_t)(n < 0 ? 7 : n);
	return f;
}

/* The case of the issue: a retry, its late twin answer, then the next read. */
static void
test_late_twin(void)
{
	struct tem_linkq q;
	uint8_t a[TEM_MAXFRAME], b[TEM_MAXFRAME], id[TEM_MAXFRAME];
	size_t al = tem_req_ram(a, 1, 0x0000, 64), bl, il = tem_req_ident(id, 1);
	struct tem_frame f = answer_to(a, al);

	tem_linkq_init(&q);
	CHECK_INT(tem_linkq_may_send(&q, a, al), 1);
	CHECK_INT(tem_linkq_sent(&q, a, al), 0);
	CHECK_INT(tem_linkq_sent(&q, a, al), 0);	/* retry: same content */
	CHECK_INT(q.n, 1);
	CHECK_INT(tem_linkq_answer(&q, &f, a, al), 1);	/* either copy's answer is a's */
	CHECK_INT(q.n, 1);				/* the other copy may still answer */
	/* The next 64-byte read would look like a's second answer: it gets 63. */
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_RAM, 0x0040, 64, b, &bl), 63);
	CHECK_INT(tem_ans_len(b, bl), 63);
	CHECK_INT(tem_linkq_sent(&q, b, bl), 0);
	CHECK_INT(tem_linkq_answer(&q, &f, b, bl), 0);	/* a's late twin: not b's */
	CHECK_INT(q.n, 2);	/* a's answer does not settle a: a gateway may send it again */
	f = answer_to(b, bl);
	CHECK_INT(tem_linkq_answer(&q, &f, b, bl), 1);
	CHECK_INT(q.n, 1);	/* b's answer settles a, not b */
	/* Settled: 64 bytes are free again; identify never collides with reads. */
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_RAM, 0x0080, 64, b, &bl), 64);
	CHECK_INT(tem_linkq_sent(&q, a, al), 0);
	CHECK_INT(tem_linkq_may_send(&q, id, il), 1);
	CHECK_INT(tem_linkq_may_send(&q, b, bl), 0);
	/* Another meter's reads are told apart by the address in the answer. */
	CHECK_INT(tem_linkq_read(&q, 2, TEM_CMD_RAM, 0x0040, 64, b, &bl), 64);
	f = answer_to(b, bl);
	CHECK_INT(tem_linkq_answer(&q, &f, a, al), -1);	/* nobody asked meter 2 */
	CHECK_INT(tem_linkq_sent(&q, b, bl), 0);
	CHECK_INT(tem_linkq_answer(&q, &f, b, bl), 1);
	CHECK_INT(q.n, 3);	/* meter 1 keeps its own pace: its two stay */
	CHECK_INT(tem_linkq_may_send(&q, b, bl), 1);
	/* 64 is a's, and the same 63 as before is not the last request sent: 62. */
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_RAM, 0x0040, 64, b, &bl), 62);
	/* Meter 1's later answer settles its earlier requests. */
	CHECK_INT(tem_linkq_sent(&q, b, bl), 0);
	f = answer_to(b, bl);
	CHECK_INT(tem_linkq_answer(&q, &f, b, bl), 1);
	CHECK_INT(q.n, 2);
}

static void
test_full(void)
{
	struct tem_linkq q;
	uint8_t r[TEM_MAXFRAME];
	size_t rl = 0;
	unsigned i;

	tem_linkq_init(&q);
	for (i = 0; i < TEM_LINKQ_MAX; i++) {
		rl = tem_req_flash(r, 1, i * 64, (uint8_t)(1 + i % 64));
		if (tem_linkq_sent(&q, r, rl) != 0)
			break;
	}
	CHECK_INT(i, TEM_LINKQ_MAX);
	rl = tem_req_ram(r, 1, 0, 1);
	CHECK_INT(tem_linkq_sent(&q, r, rl), -1);
	/* Every flash length is taken by another read: nothing may be sent. */
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_FLASH, 0x70000, 64, r, &rl), 0);
}

static uint32_t rng = 2463534242u;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng % n;
}

/*
 * The link against every kind of line, at random: two meters (or a gateway)
 * that keep the requests they heard and answer them in turn, any time
 * later, or lose them; the two meters keep no order among each other.
 * Reads of few lengths make look-alike answers common, and in some runs the
 * gateway sends answers twice.  An accepted answer must always be to a
 * request with the same bytes.
 */
static void
test_gateway(void)
{
	static uint8_t heard[4096][TEM_MAXFRAME];
	static size_t heard_len[4096];
	static int done[4096];
	unsigned accepted = 0, stale = 0, wrong = 0, blocked = 0;

	for (int run = 0; run < 3000; run++) {
		struct tem_linkq q;
		unsigned tail = 0;
		int dup = run % 2;

		tem_linkq_init(&q);
		for (int read = 0; read < 12; read++) {
			uint8_t req[TEM_MAXFRAME];
			size_t rl;
			int got = 0;
			uint8_t cmd = rnd(4) ? TEM_CMD_RAM : TEM_CMD_FLASH;

			if (tem_linkq_read(&q, 1 + rnd(2), cmd, rnd(8) * 16, 2 + rnd(2),
			    req, &rl) == 0) {
				blocked++;
				continue;
			}
			for (int try = 0; try < 3 && !got; try++) {
				if (tem_linkq_sent(&q, req, rl) != 0 || tail == 4096)
					break;
				memcpy(heard[tail], req, rl);
				done[tail] = 0;
				heard_len[tail++] = rl;
				/* This attempt's wait: a meter answers or loses its oldest. */
				for (unsigned ev = rnd(4); ev > 0 && !got; ev--) {
					unsigned h = 0, a = 1 + rnd(2);
					while (h < tail && (done[h] || heard[h][1] != a))
						h++;
					if (h == tail)
						continue;
					/* A repeating gateway may send it again, before the next one. */
					done[h] = !(dup && rnd(2));
					if (rnd(4) == 0)
						continue;	/* lost */
					struct tem_frame f = answer_to(heard[h], heard_len[h]);
					int rc = tem_linkq_answer(&q, &f, req, rl);
					if (rc == 1) {
						got = 1;
						accepted++;
						stale += h != tail - 1;
						wrong += heard_len[h] != rl ||
						    memcmp(heard[h], req, rl) != 0;
					}
				}
			}
		}
	}
	CHECK_INT(wrong, 0);
	/* The runs did exercise late answers taken from an earlier identical copy. */
	CHECK(accepted > 10000);
	CHECK(stale > 1000);
	printf("gateway model: %u accepted (%u from an earlier copy), %u reads postponed\n",
	    accepted, stale, blocked);
}

int
main(void)
{
	test_late_twin();
	test_full();
	test_gateway();
	return check_done();
}
