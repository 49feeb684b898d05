/* temarchive's fast path: does a record continue the one delivered last? Pure. */
#ifndef TEM_CONT_H
#define TEM_CONT_H

#include <stdint.h>

#include "tem_arch.h"
#include "tem_sys.h"

/* Clock set or drift between two records: time powered may exceed the periods by this. */
#define TEM_CONT_SLACK_S	1800
/* A setup read from the meter is trusted for records written up to a day later. */
#define TEM_SETUP_MAX_AGE_S	86400

/* What is remembered of the record delivered last, to recognise its successor. */
struct tem_mark {
	uint32_t on_s;			/* time_wrkall: seconds powered */
	uint32_t energy;		/* energyall, the integer part */
	uint8_t comma[TEM_MAX_SYSTEMS];	/* the systems' scaling codes */
};

void tem_mark_of(const uint8_t *rec, struct tem_mark *m);

/*
 * NULL when rec, read from the slot after the one that held the record
 * delivered last (period `prev`, marks m), is that record's successor on the
 * same meter; otherwise why not.  The successor covers the next period or,
 * when the meter was off over period ends, a later one; its time powered
 * grew by at most the periods allow (one period, or when periods are
 * missing the first missing one and its own, plus TEM_CONT_SLACK_S), its
 * total energy did not fall and its commas are unchanged.
 */
const char *tem_cont_check(enum tem_kind k, long long prev, const struct tem_mark *m,
    const uint8_t *rec);

/* Is a setup known good at meter time `at` too old for a record written at `written`? */
int tem_setup_stale(long long at, long long written);

#endif
