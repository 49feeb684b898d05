#include <string.h>

#include "tem_linkq.h"

void
tem_linkq_init(struct tem_linkq *q)
{
	q->n = 0;
}

static int
same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Could answers to requests a and b look alike?  Identify answers have any length. */
static int
alike(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int la = tem_ans_len(a, alen), lb = tem_ans_len(b, blen);

	return a[1] == b[1] && a[3] == b[3] && a[4] == b[4] &&
	    (la < 0 || lb < 0 || la == lb);
}

static int
answers(const uint8_t *req, size_t len, const struct tem_frame *f)
{
	int want = tem_ans_len(req, len);

	return f->addr == req[1] && f->cgrp == req[3] && f->cmd == req[4] &&
	    (want < 0 || want == f->len);
}

/*
 * Identical requests further apart than a retry would be two entries of
 * one shape: a repeated answer to the first could then settle what was
 * sent between them.
 */
int
tem_linkq_may_send(const struct tem_linkq *q, const uint8_t *req, size_t len)
{
	for (unsigned i = 0; i < q->n; i++)
		if (alike(q->e[i].req, q->e[i].len, req, len) &&
		    (!same(q->e[i].req, q->e[i].len, req, len) || i + 1 != q->n))
			return 0;
	return 1;
}

static size_t
read_req(uint8_t *req, uint8_t addr, uint8_t cmd, uint32_t start, unsigned len)
{
	return cmd == TEM_CMD_RAM ? tem_req_ram(req, addr, (uint16_t)start, (uint8_t)len) :
	    tem_req_flash(req, addr, start, (uint8_t)len);
}

unsigned
tem_linkq_read(const struct tem_linkq *q, uint8_t addr, uint8_t cmd, uint32_t start,
    unsigned n, uint8_t *req, size_t *reqlen)
{
	unsigned c = n > TEM_MAXDATA ? TEM_MAXDATA : n, len;

	*reqlen = read_req(req, addr, cmd, start, c);
	if (c == 0 || tem_linkq_may_send(q, req, *reqlen))
		return c;
	/* A few bytes more cost less than a second request; memory ends on 64-byte bounds. */
	for (len = c + 1; len <= TEM_MAXDATA && start % TEM_MAXDATA + len <= TEM_MAXDATA; len++) {
		*reqlen = read_req(req, addr, cmd, start, len);
		if (tem_linkq_may_send(q, req, *reqlen))
			return c;
	}
	while (--c > 0) {
		*reqlen = read_req(req, addr, cmd, start, c);
		if (tem_linkq_may_send(q, req, *reqlen))
			return c;
	}
	return 0;
}

int
tem_linkq_sent(struct tem_linkq *q, const uint8_t *req, size_t len)
{
	if (len > TEM_MAXFRAME)
		return -1;
	/* A retry right after its first copy: one entry, so retries cannot fill the queue. */
	if (q->n > 0 && same(q->e[q->n - 1].req, q->e[q->n - 1].len, req, len))
		return 0;
	if (q->n == TEM_LINKQ_MAX)
		return -1;
	memcpy(q->e[q->n].req, req, len);
	q->e[q->n].len = (uint8_t)len;
	q->n++;
	return 0;
}

int
tem_linkq_answer(struct tem_linkq *q, const struct tem_frame *f, const uint8_t *req,
    size_t len)
{
	unsigned i;
	int mine;

	for (i = 0; i < q->n; i++)
		if (answers(q->e[i].req, q->e[i].len, f))
			break;
	if (i == q->n)
		return -1;
	mine = same(q->e[i].req, q->e[i].len, req, len);
	/*
	 * A meter answers in order, so its requests before entry i are
	 * settled; other meters on the bus keep their own pace.  Entry i
	 * stays: a gateway may still send its answer again.
	 */
	unsigned keep = 0;
	for (unsigned j = 0; j < q->n; j++) {
		if (j < i && q->e[j].req[1] == f->addr)
			continue;
		if (keep != j)
			q->e[keep] = q->e[j];
		keep++;
	}
	q->n = keep;
	return mine;
}
