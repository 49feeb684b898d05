/* Which archive slots to read: ring arithmetic, period probes, binary search. Pure. */
#ifndef TEM_PLAN_H
#define TEM_PLAN_H

#include <limits.h>

#include "tem_arch.h"

#define TEM_KEY_NONE LLONG_MIN	/* an erased or unreadable period: older than anything */

/*
 * The period key (see tem_when()) of ring slot `slot`, from a 4-byte read at
 * offset 0x175; TEM_KEY_NONE for an erased or invalid one.  The caller does
 * the I/O; -1 when it failed (the plan is abandoned).
 */
typedef int (*tem_probe_fn)(void *ctx, unsigned slot, long long *key);

/* What the user asked for. */
struct tem_sel {
	unsigned long last;	/* only the newest N; 0 = no limit */
	int has_from, has_to;
	long long from, to;	/* periods in [from, to) */
};

/* From the state file: the record delivered last for this meter and kind. */
struct tem_resume {
	int set;
	unsigned slot;
	long long period;
	int slot_gone;		/* known not to hold it any more: select by period */
};

/*
 * Records are named by age: 0 is the newest (the slot before the write
 * pointer), counting back.  Read ages hi-1 (oldest) down to lo.
 */
struct tem_plan {
	unsigned long lo, hi;
	/*
	 * Set when hi-1 is the slot after the resume slot and its period was not
	 * probed: the caller checks that the first record read has period
	 * tem_when_next(resume period); if not, it probes the resume slot and,
	 * if that no longer holds the period, plans again with slot_gone.
	 */
	int check_first;
	int state_gone;		/* the resume slot was overwritten or erased */
	long valid;		/* records in the ring, -1 when not needed to know */
	unsigned probes;	/* probe reads made */
};

/* Plan one ring of `count` slots whose write pointer is slot `next`. */
int tem_plan_make(unsigned count, unsigned next, const struct tem_sel *s,
    const struct tem_resume *st, tem_probe_fn probe, void *ctx,
    struct tem_plan *p);

/* Slot of the record of age `age`. */
unsigned tem_plan_slot(unsigned count, unsigned next, unsigned long age);

/*
 * Parse a user's meter-local time "YYYY-MM-DD[THH[:MM[:SS]]]" into a key.
 * -1 with *why on error.
 */
int tem_when_parse(const char *s, long long *key, const char **why);

#endif
