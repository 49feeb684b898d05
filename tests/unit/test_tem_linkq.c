#include <stdlib.h>

#include "check.h"
#include "tem_linkq.h"

/* The meter's memory: distinct bytes at distinct addresses, or all zero (equal answers). */
static int zero_memory;

static uint8_t
mem(uint8_t cmd, uint32_t a)
{
	return zero_memory ? 0 : (uint8_t)(((a * 2654435761u) >> 13) ^ cmd);
}

/* The answer frame a meter gives to req, its data from the memory above. */
static struct tem_frame
answer_to(const uint8_t *req, size_t len)
{
	static uint8_t data[8][TEM_MAXDATA];
	static unsigned next;
	uint8_t *d = data[next++ % 8];
	struct tem_frame f = { TEM_SIG_ANS, req[1], req[3], req[4], 0, d };
	int n = tem_ans_len(req, len);
	uint32_t a = req[4] == TEM_CMD_RAM ? (uint32_t)req[6] << 8 | req[7] :
	    (uint32_t)req[7] << 24 | (uint32_t)req[8] << 16 | (uint32_t)req[9] << 8 | req[10];

	f.len = (uint8_t)(n < 0 ? 7 : n);
	for (unsigned k = 0; k < f.len; k++)
		d[k] = n < 0 ? (uint8_t)"TEMC106"[k] : mem(req[4], a + k);
	return f;
}

/* A gateway sends an answer twice: the copy comes when the next read waits. */
static void
test_repeat(void)
{
	struct tem_linkq q;
	uint8_t a[TEM_MAXFRAME], b[TEM_MAXFRAME];
	size_t al, bl;
	struct tem_frame fa, fb;

	tem_linkq_init(&q);
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_RAM, 0x02FA, 64, 0, a, &al), 64);
	CHECK_INT(tem_linkq_sent(&q, a, al), 0);
	fa = answer_to(a, al);
	CHECK_INT(tem_linkq_answer(&q, &fa, a, al), 1);
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_RAM, 0x033A, 64, 0, b, &bl), 64);
	CHECK_INT(tem_linkq_sent(&q, b, bl), 0);
	CHECK_INT(tem_linkq_answer(&q, &fa, b, bl), TEM_LINKQ_REPEAT);	/* a's copy */
	CHECK_INT(q.n, 1);					/* b still unsettled */
	/* Asked again fresh: no answer seen has its length, so no copy can look like it. */
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_RAM, 0x033A, 64, 1, b, &bl), 63);
	CHECK_INT(tem_linkq_sent(&q, b, bl), 0);
	fb = answer_to(b, bl);
	CHECK_INT(tem_linkq_answer(&q, &fa, b, bl), TEM_LINKQ_REPEAT);	/* a's copy again */
	CHECK_INT(tem_linkq_answer(&q, &fb, b, bl), 1);
	CHECK_INT(q.n, 0);					/* the 64-byte b settled too */
	/* The same request asked again may get the same bytes: that is no repeat. */
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_RAM, 0x02FA, 64, 0, a, &al), 64);
	CHECK_INT(tem_linkq_sent(&q, a, al), 0);
	CHECK_INT(tem_linkq_answer(&q, &fa, a, al), 1);
	/* Equal content by chance (zero memory) is not taken either: asked again fresh. */
	zero_memory = 1;
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_FLASH, 0x1000, 64, 0, a, &al), 64);
	CHECK_INT(tem_linkq_sent(&q, a, al), 0);
	fa = answer_to(a, al);
	CHECK_INT(tem_linkq_answer(&q, &fa, a, al), 1);
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_FLASH, 0x1040, 64, 0, b, &bl), 64);
	CHECK_INT(tem_linkq_sent(&q, b, bl), 0);
	fb = answer_to(b, bl);
	CHECK_INT(tem_linkq_answer(&q, &fb, b, bl), TEM_LINKQ_REPEAT);
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_FLASH, 0x1040, 64, 1, b, &bl), 63);
	zero_memory = 0;
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
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_RAM, 0x0040, 64, 0, b, &bl), 63);
	CHECK_INT(tem_ans_len(b, bl), 63);
	CHECK_INT(tem_linkq_sent(&q, b, bl), 0);
	CHECK_INT(tem_linkq_answer(&q, &f, b, bl), 0);	/* a's late twin: not b's */
	CHECK_INT(q.n, 2);	/* a sent twice stays: with repeats its copies cannot be counted */
	f = answer_to(b, bl);
	CHECK_INT(tem_linkq_answer(&q, &f, b, bl), 1);
	CHECK_INT(q.n, 0);
	/* Settled: 64 bytes are free again; identify never collides with reads. */
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_RAM, 0x0080, 64, 0, b, &bl), 64);
	CHECK_INT(tem_linkq_sent(&q, a, al), 0);
	CHECK_INT(tem_linkq_may_send(&q, id, il), 1);
	CHECK_INT(tem_linkq_may_send(&q, b, bl), 0);
	/* Another meter's reads are told apart by the address in the answer. */
	CHECK_INT(tem_linkq_read(&q, 2, TEM_CMD_RAM, 0x0040, 64, 0, b, &bl), 64);
	f = answer_to(b, bl);
	CHECK_INT(tem_linkq_answer(&q, &f, a, al), -1);	/* nobody asked meter 2 */
	CHECK_INT(tem_linkq_sent(&q, b, bl), 0);
	CHECK_INT(tem_linkq_answer(&q, &f, b, bl), 1);
	CHECK_INT(q.n, 1);	/* meter 1 keeps its own pace: a may still answer */
	CHECK_INT(tem_linkq_may_send(&q, b, bl), 1);
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_RAM, 0x0040, 64, 0, b, &bl), 63);
	/* Meter 1's later answer settles its earlier requests. */
	CHECK_INT(tem_linkq_sent(&q, b, bl), 0);
	f = answer_to(b, bl);
	CHECK_INT(tem_linkq_answer(&q, &f, b, bl), 1);
	CHECK_INT(q.n, 1);	/* b was answered before: a repeat of that could still come */
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
	CHECK_INT(tem_linkq_read(&q, 1, TEM_CMD_FLASH, 0x70000, 64, 0, r, &rl), 0);
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
 * Reads of few lengths make look-alike answers common; some gateways send
 * an answer twice, and in some runs the memory is all zero (equal answers
 * by chance).  An accepted answer must always be to a request with the
 * same bytes; a repeat is never taken, and the read is asked again fresh.
 */
static void
test_gateway(void)
{
	static uint8_t heard[4096][TEM_MAXFRAME];
	static size_t heard_len[4096];
	static int done[4096];
	unsigned accepted = 0, stale = 0, wrong = 0, blocked = 0, repeats = 0;

	for (int run = 0; run < 3000; run++) {
		static struct tem_linkq q;
		unsigned tail = 0;
		int dup = run % 3 == 1;

		zero_memory = run % 6 == 5;
		tem_linkq_init(&q);
		for (int read = 0; read < 12; read++) {
			uint8_t req[TEM_MAXFRAME];
			size_t rl;
			int got = 0;
			uint8_t cmd = rnd(4) ? TEM_CMD_RAM : TEM_CMD_FLASH;

			uint8_t ma = (uint8_t)(1 + rnd(2));
			uint32_t start = rnd(8) * 16;
			unsigned n = 2 + rnd(2);
			int fresh = 0;
again:
			if (tem_linkq_read(&q, ma, cmd, start, n, fresh, req, &rl) == 0) {
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
					/* A duplicating gateway may send it again later. */
					done[h] = !(dup && rnd(2));
					if (rnd(4) == 0)
						continue;	/* lost */
					struct tem_frame f = answer_to(heard[h], heard_len[h]);
					int rc = tem_linkq_answer(&q, &f, req, rl);
					if (rc == TEM_LINKQ_REPEAT && !fresh && f.len == tem_ans_len(req, rl)) {
						repeats++;
						fresh = 1;
						goto again;
					}
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
	/* The runs did exercise late answers taken from an earlier identical copy, and repeats. */
	CHECK(accepted > 10000);
	CHECK(stale > 1000);
	CHECK(repeats > 100);
	printf("gateway model: %u accepted (%u from an earlier copy), %u repeats asked again, "
	    "%u reads postponed\n", accepted, stale, repeats, blocked);
}

int
main(void)
{
	test_late_twin();
	test_repeat();
	test_full();
	test_gateway();
	return check_done();
}
