/*
 * mqpub's admission: whether a line's messages may be taken from the input
 * now, and whether each goes to the ring (to be sent) or is spilled towards
 * the spool.  Input is consumed only when what it becomes can be kept:
 * nothing read is ever dropped for want of room.
 */
#ifndef MQ_ADMIT_H
#define MQ_ADMIT_H

#include <stdint.h>

#include "mq_spool.h"

#define MQ_ADMIT_SLACK 4096		/* segment headers beyond the counted records */
#define MQ_ADMIT_SEG (1u << 20)		/* a spilled batch becomes a segment at this size */
#define MQ_ADMIT_AGE_MS 5000		/* or at this age, while the broker is away */
/*
 * Room kept free on the spool's file system beyond the records: a batch
 * may be merged into a segment of up to MQ_SPOOL_MERGE bytes, written anew
 * beside the old one, and each file ends in a partly used block.
 */
#define MQ_ADMIT_DISK_MARGIN (MQ_SPOOL_MERGE + 16 * 4096)
#define MQ_ADMIT_BLOCK 4096		/* the partly used block of each segment */

enum { MQ_ADMIT_YES, MQ_ADMIT_NEVER, MQ_ADMIT_SPOOL_FULL, MQ_ADMIT_DISK_FULL };

/* Where the spool stands, in its record bytes (mq_rec_size). */
struct mq_admit {
	uint64_t spool_max;	/* --spool-max */
	uint64_t spool_bytes;	/* in segments on disk */
	uint64_t unsaved;	/* bound for the spool, still only in memory */
	uint64_t disk_free;	/* on its file system, at the last look */
};

/*
 * May a line whose messages take line_bytes be read in?  MQ_ADMIT_NEVER
 * when they would not fit in an empty spool (a bad line), SPOOL_FULL or
 * DISK_FULL while they have to wait; a caller that looked at the disk a
 * while ago looks again before it believes DISK_FULL.
 */
int mq_admit_line(const struct mq_admit *a, uint64_t line_bytes);

/*
 * Is the next message spilled towards the spool rather than put in the
 * ring?  With a spool: while the broker is away or the run stops, and
 * behind anything already spilled or still in the spool, so that order is
 * kept.
 */
int mq_admit_spill(int spool, int outage, int stopping, int spilled, uint64_t unloaded);

/* Is a spilled batch of batch_bytes, the oldest age_ms old, due to become a segment? */
int mq_admit_flush(uint64_t batch_bytes, long long age_ms, int outage);

#endif
