#include "mq_poison.h"

void
mq_poison_drop(struct mq_poison *ps, int sent, uint64_t seq, size_t inflight, long long now)
{
	if (!sent) {
		ps->probing = ps->drops = 0;
		return;
	}
	if (ps->probing && seq == ps->suspect && inflight == 1 &&
	    now - ps->t_probe < MQ_POISON_PROBE_MS) {
		ps->drops++;
	} else {
		ps->suspect = seq;
		ps->drops = 1;
	}
	ps->probing = 1;
	ps->reject = ps->drops >= MQ_POISON_DROPS;
}

size_t
mq_poison_window(const struct mq_poison *ps, size_t window)
{
	return ps->probing ? 1 : window;
}

void
mq_poison_sent(struct mq_poison *ps, long long now)
{
	if (ps->probing)
		ps->t_probe = now;
}

void
mq_poison_acked(struct mq_poison *ps, uint64_t seq, int refused)
{
	/* A refusal of the suspect itself sets it aside by its reason code. */
	if (!refused || seq != ps->suspect)
		ps->probing = ps->drops = 0;
}

int
mq_poison_is(const struct mq_poison *ps, uint64_t seq)
{
	return ps->reject && seq == ps->suspect;
}

void
mq_poison_clear(struct mq_poison *ps)
{
	ps->probing = ps->drops = ps->reject = 0;
}
