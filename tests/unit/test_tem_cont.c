#include "check.h"
#include "tem/tem_bytes.h"
#include "tem/tem_cont.h"
#include "tem/tem_plan.h"
#include "tem/tem_rec.h"
#include "tem/tem_sim.h"

static struct tem_sim sim;

/* temsim's record of kind k written at `at` (meter time "YYYY-MM-DDTHH:MM:SS"). */
static void
record(enum tem_kind k, const char *at, uint8_t *rec)
{
	time_t t;

	CHECK_INT(tem_sim_parse_time(at, &t), 0);
	tem_sim_record(&sim, k, t, rec);
}

static long long
key(const char *s)
{
	long long k;
	const char *why;

	CHECK_INT(tem_when_parse(s, &k, &why), 0);
	return k;
}

/* Check rec against the delivered record `last` of the same kind. */
static const char *
follows(enum tem_kind k, const uint8_t *last, const uint8_t *rec)
{
	struct tem_mark m;
	long long per;

	tem_mark_of(last, &m);
	CHECK_INT(tem_when(last + TEM_R_PERIOD, &per), TEM_WHEN_OK);
	return tem_cont_check(k, per, &m, rec);
}

static void
test_mark(void)
{
	uint8_t rec[TEM_REC_SIZE];
	struct tem_mark m;

	record(TEM_HOUR, "2026-03-02T14:00:00", rec);
	tem_mark_of(rec, &m);
	CHECK_INT(m.on_s, 194623200);		/* temsim(1): seconds since 2020 */
	CHECK_INT(m.energy, 8151300);
	CHECK_INT(m.comma[0], 4);
	CHECK_INT(m.comma[1], 3);
	CHECK_INT(m.comma[2], 0);
}

static void
test_hour(void)
{
	uint8_t last[TEM_REC_SIZE], rec[TEM_REC_SIZE];

	record(TEM_HOUR, "2026-03-02T14:00:00", last);
	record(TEM_HOUR, "2026-03-02T15:00:00", rec);
	CHECK(follows(TEM_HOUR, last, rec) == NULL);
	/* the meter was off for part of the hour */
	tem_put_u32(rec + TEM_R_TIME_WRKALL, 194623200 + 1200);
	CHECK(follows(TEM_HOUR, last, rec) == NULL);
	tem_put_u32(rec + TEM_R_TIME_WRKALL, 194623200);
	CHECK(follows(TEM_HOUR, last, rec) == NULL);
	/* an hour plus the slack, not a second more */
	tem_put_u32(rec + TEM_R_TIME_WRKALL, 194623200 + 3600 + TEM_CONT_SLACK_S);
	CHECK(follows(TEM_HOUR, last, rec) == NULL);
	tem_put_u32(rec + TEM_R_TIME_WRKALL, 194623200 + 3600 + TEM_CONT_SLACK_S + 1);
	CHECK_STR(follows(TEM_HOUR, last, rec), "time powered grew more than the periods allow");
	tem_put_u32(rec + TEM_R_TIME_WRKALL, 194623199);
	CHECK_STR(follows(TEM_HOUR, last, rec), "time powered went down");

	/* another meter: less energy, another comma */
	record(TEM_HOUR, "2026-03-02T15:00:00", rec);
	tem_put_u32(rec + TEM_R_ENERGYALL, 8151299);
	CHECK_STR(follows(TEM_HOUR, last, rec), "total energy went down");
	record(TEM_HOUR, "2026-03-02T15:00:00", rec);
	rec[TEM_R_COMMA + 1] = 2;
	CHECK_STR(follows(TEM_HOUR, last, rec), "its comma differs (reconfigured?)");

	/* the same period again, an older one, none at all */
	CHECK_STR(follows(TEM_HOUR, last, last), "its period is not after the delivered one's");
	record(TEM_HOUR, "2026-03-01T15:00:00", rec);
	CHECK_STR(follows(TEM_HOUR, last, rec), "its period is not after the delivered one's");
	memset(rec, 0xFF, sizeof(rec));
	CHECK_STR(follows(TEM_HOUR, last, rec), "the slot is erased");
	record(TEM_HOUR, "2026-03-02T15:00:00", rec);
	rec[TEM_R_WRITTEN] = 0x24;
	CHECK_STR(follows(TEM_HOUR, last, rec), "invalid date");
}

/* Periods missing: off over their ends, so on for at most the first missing one and the new one. */
static void
test_gap(void)
{
	uint8_t last[TEM_REC_SIZE], rec[TEM_REC_SIZE];

	record(TEM_HOUR, "2026-03-02T14:00:00", last);
	record(TEM_HOUR, "2026-03-02T20:00:00", rec);
	CHECK_STR(follows(TEM_HOUR, last, rec), "time powered grew more than the periods allow");
	tem_put_u32(rec + TEM_R_TIME_WRKALL, 194623200 + 7200 + TEM_CONT_SLACK_S);
	CHECK(follows(TEM_HOUR, last, rec) == NULL);
	tem_put_u32(rec + TEM_R_TIME_WRKALL, 194623200 + 7200 + TEM_CONT_SLACK_S + 1);
	CHECK(follows(TEM_HOUR, last, rec) != NULL);
	/* a year on, the same ring slot: not the meter delivered last */
	record(TEM_HOUR, "2027-03-02T15:00:00", rec);
	CHECK_STR(follows(TEM_HOUR, last, rec), "time powered grew more than the periods allow");
}

static void
test_day_month(void)
{
	uint8_t last[TEM_REC_SIZE], rec[TEM_REC_SIZE];

	record(TEM_DAY, "2026-03-02T00:00:00", last);
	record(TEM_DAY, "2026-03-03T00:00:00", rec);
	CHECK(follows(TEM_DAY, last, rec) == NULL);
	/* one day missing: powered for both days is the most that fits */
	record(TEM_DAY, "2026-03-04T00:00:00", rec);
	CHECK(follows(TEM_DAY, last, rec) == NULL);
	record(TEM_DAY, "2026-03-05T00:00:00", rec);
	CHECK(follows(TEM_DAY, last, rec) != NULL);

	/* January's record, then February's: 28 days powered at most */
	record(TEM_MONTH, "2026-02-01T00:00:00", last);
	record(TEM_MONTH, "2026-03-01T00:00:00", rec);
	CHECK(follows(TEM_MONTH, last, rec) == NULL);
	tem_put_u32(rec + TEM_R_TIME_WRKALL, tem_u32(last + TEM_R_TIME_WRKALL) + 29 * 86400);
	CHECK(follows(TEM_MONTH, last, rec) != NULL);
	/* February missing: on through it and March, 59 days, is the most that fits */
	record(TEM_MONTH, "2026-04-01T00:00:00", rec);
	CHECK(follows(TEM_MONTH, last, rec) == NULL);
	tem_put_u32(rec + TEM_R_TIME_WRKALL, tem_u32(rec + TEM_R_TIME_WRKALL) + TEM_CONT_SLACK_S + 1);
	CHECK(follows(TEM_MONTH, last, rec) != NULL);
}

static void
test_stale(void)
{
	long long at = key("2026-03-02T14:00:00");

	CHECK_INT(tem_setup_stale(at, at), 0);
	CHECK_INT(tem_setup_stale(at, key("2026-03-03T13:00:00")), 0);
	CHECK_INT(tem_setup_stale(at, key("2026-03-03T14:00:00")), 1);
	CHECK_INT(tem_setup_stale(at, key("2026-03-01T14:00:00")), 0);
}

int
main(void)
{
	tem_sim_init(&sim, 1);
	test_mark();
	test_hour();
	test_gap();
	test_day_month();
	test_stale();
	return check_done();
}
