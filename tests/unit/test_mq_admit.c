/* Expected values from mqpub(1): --spool-max, DELIVERY AND THE SPOOL. */
#include "check.h"
#include "mq/mq_admit.h"

#define KIB 1024ull
#define MIB (1024ull * 1024)

int
main(void)
{
	/* the smallest --spool-max, an empty spool, a large disk */
	struct mq_admit a = { .spool_max = 65536, .disk_free = 1000 * MIB };

	/* a line whose messages could never fit in the spool is a bad line */
	CHECK_INT(mq_admit_line(&a, 65536), MQ_ADMIT_NEVER);
	CHECK_INT(mq_admit_line(&a, 1 * MIB), MQ_ADMIT_NEVER);
	CHECK_INT(mq_admit_line(&a, 65536 - MQ_ADMIT_SLACK + 1), MQ_ADMIT_NEVER);
	/* one that fits beside the segment headers is taken */
	CHECK_INT(mq_admit_line(&a, 65536 - MQ_ADMIT_SLACK), MQ_ADMIT_YES);
	CHECK_INT(mq_admit_line(&a, 100), MQ_ADMIT_YES);

	/* never more than --spool-max bytes of segments: the spool and memory count */
	a.spool_bytes = 40000;
	CHECK_INT(mq_admit_line(&a, 25000), MQ_ADMIT_SPOOL_FULL);
	CHECK_INT(mq_admit_line(&a, 65536 - MQ_ADMIT_SLACK - 40000), MQ_ADMIT_YES);
	CHECK_INT(mq_admit_line(&a, 65536 - MQ_ADMIT_SLACK - 40000 + 1), MQ_ADMIT_SPOOL_FULL);
	a.spool_bytes = 0;
	a.unsaved = 40000;
	CHECK_INT(mq_admit_line(&a, 25000), MQ_ADMIT_SPOOL_FULL);
	CHECK_INT(mq_admit_line(&a, 10000), MQ_ADMIT_YES);
	/* a line that waits for room is still not a bad line */
	a.spool_bytes = 65536;
	CHECK_INT(mq_admit_line(&a, 100), MQ_ADMIT_SPOOL_FULL);

	/* nor more than the file system has room for, less 128 KiB kept free */
	a = (struct mq_admit){ .spool_max = 64 * MIB, .unsaved = 500 };
	a.disk_free = 1500 + 128 * KIB;
	CHECK_INT(mq_admit_line(&a, 1000), MQ_ADMIT_YES);
	a.disk_free = 1500 + 128 * KIB - 1;
	CHECK_INT(mq_admit_line(&a, 1000), MQ_ADMIT_DISK_FULL);
	/* and a partly used 4 KiB block at the end of each 1 MiB segment */
	a.unsaved = 0;
	a.disk_free = 3 * MIB + 128 * KIB + 3 * 4 * KIB;
	CHECK_INT(mq_admit_line(&a, 3 * MIB), MQ_ADMIT_YES);
	a.disk_free--;
	CHECK_INT(mq_admit_line(&a, 3 * MIB), MQ_ADMIT_DISK_FULL);
	/* --spool-max is asked first: a full spool is not a full disk */
	a.spool_bytes = 64 * MIB;
	CHECK_INT(mq_admit_line(&a, 3 * MIB), MQ_ADMIT_SPOOL_FULL);

	/* without a spool nothing is spilled; with one, in an outage or a stop */
	CHECK_INT(mq_admit_spill(0, 1, 1, 1, 5), 0);
	CHECK_INT(mq_admit_spill(1, 0, 0, 0, 0), 0);
	CHECK_INT(mq_admit_spill(1, 1, 0, 0, 0), 1);
	CHECK_INT(mq_admit_spill(1, 0, 1, 0, 0), 1);
	/* and behind what waits in the spool or was spilled: the order read is kept */
	CHECK_INT(mq_admit_spill(1, 0, 0, 1, 0), 1);
	CHECK_INT(mq_admit_spill(1, 0, 0, 0, 1), 1);

	/* spilled input reaches the spool every MiB, or within 5 s in an outage */
	CHECK_INT(mq_admit_flush(MIB, 0, 0), 1);
	CHECK_INT(mq_admit_flush(MIB - 1, 0, 1), 0);
	CHECK_INT(mq_admit_flush(100, 4999, 1), 0);
	CHECK_INT(mq_admit_flush(100, 5000, 1), 1);
	CHECK_INT(mq_admit_flush(100, 60000, 0), 0);
	CHECK_INT(mq_admit_flush(0, 60000, 1), 0);
	return check_done();
}
