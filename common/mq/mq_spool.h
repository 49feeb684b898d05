/*
 * The spool: a directory of segment files holding messages not yet
 * acknowledged, delivered first and in order by the next run.  Segments are
 * written whole and renamed into place (after fsync), so kill -9 leaves
 * either the old or the new file, never half of one; a "KEY.ack" marker,
 * also renamed into place, says how many leading records were acknowledged.
 */
#ifndef MQ_SPOOL_H
#define MQ_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "mq_rec.h"

#define MQ_SPOOL_MERGE (64u << 10)	/* a newer batch joins a segment smaller than this */

struct mq_spool;

/*
 * Open dir (created 0700 if missing), lock it, drop temporary files of a
 * killed run and index its segments; damaged ones are renamed *.bad with a
 * warning.  NULL with err and *status (FK_STATE, FK_LOCKED) on failure.
 */
struct mq_spool *mq_spool_open(const char *dir, int *status, char *err,
    size_t errlen);
/* Write the acknowledgement markers and unlock. */
void mq_spool_close(struct mq_spool *sp);

const char *mq_spool_dir(const struct mq_spool *sp);
/* One past the highest stream position stored. */
uint64_t mq_spool_next_seq(const struct mq_spool *sp);
/* Bytes of segment files. */
uint64_t mq_spool_bytes(const struct mq_spool *sp);
/* Records stored and not acknowledged. */
uint64_t mq_spool_pending(const struct mq_spool *sp);
/* Records stored and not yet handed out by mq_spool_next(). */
uint64_t mq_spool_unloaded(const struct mq_spool *sp);
/* Records found damaged and dropped so far. */
uint64_t mq_spool_damaged(const struct mq_spool *sp);

/*
 * The next stored record, oldest first: 1 with *r (valid until the next
 * call) and *seg set, 0 when none is left, -1 with err set when a segment
 * could not be read (it is skipped).
 */
int mq_spool_next(struct mq_spool *sp, struct mq_rec *r, uint64_t *seg,
    char *err, size_t errlen);
/* The oldest unacknowledged record of seg was acknowledged. */
void mq_spool_acked(struct mq_spool *sp, uint64_t seg);

/* Collect records for a new segment; mq_spool_commit() stores them. */
int mq_spool_add(struct mq_spool *sp, const struct mq_rec *r);
/*
 * Store the collected records as one segment keyed by the first one's
 * position.  loaded: they are held in memory already (not handed out
 * again).  Otherwise they may join the newest segment if it is small and
 * untouched.  Returns 0 with *seg set, or -1 with err set (nothing stored).
 */
int mq_spool_commit(struct mq_spool *sp, int loaded, uint64_t *seg, char *err,
    size_t errlen);
/* Bytes collected and not yet committed. */
size_t mq_spool_collected(const struct mq_spool *sp);

/* Record how far partly acknowledged segments got. */
void mq_spool_mark(struct mq_spool *sp);

#endif
