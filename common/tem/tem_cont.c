#include <string.h>

#include "tem_bytes.h"
#include "tem_cont.h"
#include "tem_rec.h"

void
tem_mark_of(const uint8_t *rec, struct tem_mark *m)
{
	m->on_s = tem_u32(rec + TEM_R_TIME_WRKALL);
	m->energy = tem_u32(rec + TEM_R_ENERGYALL);
	memcpy(m->comma, rec + TEM_R_COMMA, TEM_MAX_SYSTEMS);
}

/* Seconds in the period starting at key. */
static long long
period_len(long long key, enum tem_kind k)
{
	return tem_when_next(key, k) - key;
}

const char *
tem_cont_check(enum tem_kind k, long long prev, const struct tem_mark *m,
    const uint8_t *rec)
{
	long long per, written, succ = tem_when_next(prev, k), allowed;
	struct tem_mark now;

	if (tem_rec_erased(rec, TEM_REC_SIZE))
		return "the slot is erased";
	if (tem_when(rec + TEM_R_PERIOD, &per) != TEM_WHEN_OK ||
	    tem_when(rec + TEM_R_WRITTEN, &written) != TEM_WHEN_OK)
		return "invalid date";
	if (per < succ)
		return "its period is not after the delivered one's";
	tem_mark_of(rec, &now);
	if (memcmp(now.comma, m->comma, sizeof(now.comma)) != 0)
		return "its comma differs (reconfigured?)";
	if (now.energy < m->energy)
		return "total energy went down";
	if (now.on_s < m->on_s)
		return "time powered went down";
	/*
	 * A meter on over a period end writes a record then, so with periods
	 * missing it was on for less than the first missing one and the new one.
	 */
	allowed = period_len(per, k) + (per == succ ? 0 : period_len(succ, k));
	if ((long long)(now.on_s - m->on_s) > allowed + TEM_CONT_SLACK_S)
		return "time powered grew more than the periods allow";
	return NULL;
}

int
tem_setup_stale(long long at, long long written)
{
	return written - at >= TEM_SETUP_MAX_AGE_S;
}
