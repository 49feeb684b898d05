#include "mq_admit.h"

int
mq_admit_line(const struct mq_admit *a, uint64_t line_bytes)
{
	uint64_t need = a->unsaved + line_bytes;

	/* Waiting would never make room for it. */
	if (line_bytes + MQ_ADMIT_SLACK > a->spool_max)
		return MQ_ADMIT_NEVER;
	if (a->spool_bytes + need + MQ_ADMIT_SLACK > a->spool_max)
		return MQ_ADMIT_SPOOL_FULL;
	if (need + MQ_ADMIT_DISK_MARGIN + MQ_ADMIT_BLOCK * (need / MQ_ADMIT_SEG) > a->disk_free)
		return MQ_ADMIT_DISK_FULL;
	return MQ_ADMIT_YES;
}

int
mq_admit_spill(int spool, int outage, int stopping, int spilled, uint64_t unloaded)
{
	return spool && (outage || stopping || spilled || unloaded > 0);
}

int
mq_admit_flush(uint64_t batch_bytes, long long age_ms, int outage)
{
	return batch_bytes >= MQ_ADMIT_SEG ||
	    (batch_bytes > 0 && outage && age_ms >= MQ_ADMIT_AGE_MS);
}
