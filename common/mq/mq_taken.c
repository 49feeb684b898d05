#include "mq_taken.h"

uint64_t
mq_taken(const struct mq_ring *r, const struct mq_msg *const lists[], size_t nlists,
    uint64_t lineno)
{
	uint64_t n = lineno;

	/* Messages out of the spool (line 0) were taken by an earlier run. */
	for (size_t i = 0; i < mq_ring_count(r); i++) {
		const struct mq_msg *m = mq_ring_at(r, i);
		if (m->line && !m->spooled && m->state != MQ_DONE && m->line <= n)
			n = m->line - 1;
	}
	for (size_t i = 0; i < nlists; i++)
		for (const struct mq_msg *m = lists[i]; m; m = m->next)
			if (m->line && m->line <= n)
				n = m->line - 1;
	return n;
}
