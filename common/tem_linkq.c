#include <string.h>

#include "tem_linkq.h"

void
tem_linkq_init(struct tem_linkq *q)
{
	q->n = 0;
	q->nseen = q->seen_next = 0;
}

/* FNV-1a: equal bytes give equal hashes, which is all the repeat test relies on. */
static uint64_t
hash(const uint8_t *b, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	while (n-- > 0)
		h = (h ^ *b++) * 0x100000001b3u;
	return h;
}

/* A remembered answer of f's shape and data that settled a request other than req_h? */
static int
repeated(const struct tem_linkq *q, const struct tem_frame *f, uint64_t data_h, uint64_t req_h)
{
	for (unsigned i = 0; i < q->nseen; i++)
		if (q->seen[i].addr == f->addr && q->seen[i].cgrp == f->cgrp &&
		    q->seen[i].cmd == f->cmd && q->seen[i].len == f->len &&
		    q->seen[i].data == data_h && q->seen[i].req != req_h)
			return 1;
	return 0;
}

/* Was an answer seen for a request with these bytes (hash)? */
static int
asked_before(const struct tem_linkq *q, uint64_t req_h)
{
	for (unsigned i = 0; i < q->nseen; i++)
		if (q->seen[i].req == req_h)
			return 1;
	return 0;
}

static void
remember(struct tem_linkq *q, const struct tem_frame *f, uint64_t data_h, uint64_t req_h)
{
	unsigned i = q->seen_next;

	q->seen[i].addr = f->addr;
	q->seen[i].cgrp = f->cgrp;
	q->seen[i].cmd = f->cmd;
	q->seen[i].len = f->len;
	q->seen[i].data = data_h;
	q->seen[i].req = req_h;
	q->seen_next = (i + 1) % TEM_LINKQ_SEEN;
	if (q->nseen < TEM_LINKQ_SEEN)
		q->nseen++;
}

/* Has an answer of this shape been seen (a repeat of it could come)? */
static int
seen_shape(const struct tem_linkq *q, const uint8_t *req, size_t len)
{
	int want = tem_ans_len(req, len);

	for (unsigned i = 0; i < q->nseen; i++)
		if (q->seen[i].addr == req[1] && q->seen[i].cgrp == req[3] &&
		    q->seen[i].cmd == req[4] && (want < 0 || q->seen[i].len == want))
			return 1;
	return 0;
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
 * One unsettled entry a shape at most: the same request again only as a
 * retry right after its last copy.  With identical requests further apart,
 * a repeating gateway could make one's answers count as the other's and
 * settle the requests between them too early.
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

unsigned
tem_linkq_read(const struct tem_linkq *q, uint8_t addr, uint8_t cmd, uint32_t start,
    unsigned n, int fresh, uint8_t *req, size_t *reqlen)
{
	for (unsigned c = n > TEM_MAXDATA ? TEM_MAXDATA : n; c > 0; c--) {
		*reqlen = cmd == TEM_CMD_RAM ? tem_req_ram(req, addr, (uint16_t)start, (uint8_t)c) :
		    tem_req_flash(req, addr, start, (uint8_t)c);
		if (tem_linkq_may_send(q, req, *reqlen) && !(fresh && seen_shape(q, req, *reqlen)))
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
	if (q->n > 0 && same(q->e[q->n - 1].req, q->e[q->n - 1].len, req, len)) {
		q->e[q->n - 1].copies++;
		return 0;
	}
	if (q->n == TEM_LINKQ_MAX)
		return -1;
	memcpy(q->e[q->n].req, req, len);
	q->e[q->n].len = (uint8_t)len;
	q->e[q->n].copies = 1;
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
	uint64_t req_h = hash(q->e[i].req, q->e[i].len), data_h = hash(f->data, f->len);
	if (repeated(q, f, data_h, req_h))
		return TEM_LINKQ_REPEAT;
	/*
	 * Entry i's own answer settles it only when nothing else can answer
	 * like it: it went out once, and no identical request was answered
	 * before (a repeat of that answer would look like this one).  Else it
	 * stays until a later request of its meter is answered.
	 */
	int settle = q->e[i].copies == 1 && !asked_before(q, req_h);
	remember(q, f, data_h, req_h);
	mine = same(q->e[i].req, q->e[i].len, req, len);
	/* A meter answers in order, so its requests before entry i are settled; others keep their pace. */
	unsigned keep = 0;
	for (unsigned j = 0; j < q->n; j++) {
		if (j < i && q->e[j].req[1] == f->addr)
			continue;
		if (j == i && settle)
			continue;
		if (keep != j)
			q->e[keep] = q->e[j];
		keep++;
	}
	q->n = keep;
	return mine;
}
