#include "check.h"
#include "tem/tem_plan.h"

/* A ring in memory: period keys per slot (TEM_KEY_NONE = erased); counts probes. */
struct ring {
	unsigned count, next;
	long long key[32];
	unsigned probes;
	int fail_at;		/* probe number that fails, 0 = never */
};

static int
probe(void *ctx, unsigned slot, long long *key)
{
	struct ring *r = ctx;

	if (++r->probes == (unsigned)r->fail_at)
		return -1;
	*key = r->key[slot];
	return 0;
}

/* n records an hour apart ending at slot next-1, the rest erased. */
static void
fill(struct ring *r, unsigned count, unsigned next, unsigned n)
{
	memset(r, 0, sizeof(*r));
	r->count = count;
	r->next = next;
	for (unsigned i = 0; i < count; i++)
		r->key[i] = TEM_KEY_NONE;
	for (unsigned a = 0; a < n && a < count; a++)
		r->key[tem_plan_slot(count, next, a)] = 100000 - 3600LL * a;
}

static struct tem_plan
plan(struct ring *r, const struct tem_sel *s, const struct tem_resume *st)
{
	struct tem_plan p;

	r->probes = 0;
	CHECK_INT(tem_plan_make(r->count, r->next, s, st, probe, r, &p), 0);
	CHECK_INT(p.probes, r->probes);
	return p;
}

static void
test_slots(void)
{
	CHECK_INT(tem_plan_slot(10, 4, 0), 3);
	CHECK_INT(tem_plan_slot(10, 4, 4), 9);
	CHECK_INT(tem_plan_slot(10, 0, 0), 9);
	CHECK_INT(tem_plan_slot(10, 4, 13), 0);
}

static void
test_whole(void)
{
	struct tem_sel all = { 0 };
	struct ring r;
	struct tem_plan p;

	fill(&r, 10, 4, 4);		/* not wrapped: slots 0..3 */
	p = plan(&r, &all, NULL);
	CHECK_INT(p.lo, 0);
	CHECK_INT(p.hi, 4);
	CHECK_INT(p.valid, 4);
	CHECK_INT(r.probes, 1);		/* the pointer's slot tells wrapped or not */
	fill(&r, 10, 3, 25);		/* wrapped: all ten */
	p = plan(&r, &all, NULL);
	CHECK_INT(p.hi, 10);
	fill(&r, 10, 0, 0);		/* empty */
	p = plan(&r, &all, NULL);
	CHECK_INT(p.hi, 0);
	CHECK_INT(r.probes, 1);
}

static void
test_last(void)
{
	struct tem_sel s = { .last = 2 };
	struct ring r;
	struct tem_plan p;

	fill(&r, 10, 4, 4);
	p = plan(&r, &s, NULL);
	CHECK_INT(p.hi, 2);
	CHECK_INT(r.probes, 0);		/* ring arithmetic alone */
	s.last = 6;
	p = plan(&r, &s, NULL);
	CHECK_INT(p.hi, 4);
	fill(&r, 10, 3, 12);
	p = plan(&r, &s, NULL);
	CHECK_INT(p.hi, 6);
	CHECK_INT(r.probes, 1);
}

static void
test_from_to(void)
{
	struct tem_sel s = { 0 };
	struct ring r;
	struct tem_plan p;

	fill(&r, 32, 7, 40);		/* wrapped, periods 100000 - 3600 * age */
	s.has_from = 1;
	s.from = 100000 - 3600 * 20;
	p = plan(&r, &s, NULL);
	CHECK_INT(p.hi, 21);
	CHECK_INT(p.lo, 0);
	CHECK(r.probes <= 7);
	s.has_to = 1;
	s.to = 100000 - 3600 * 4 + 1;	/* between ages 3 and 4: excludes ages 0..3 */
	p = plan(&r, &s, NULL);
	CHECK_INT(p.lo, 4);
	CHECK_INT(p.hi, 21);
	CHECK(r.probes <= 13);
	s.from = 200000;		/* after everything */
	p = plan(&r, &s, NULL);
	CHECK(p.hi <= p.lo);
	s.from = 0;			/* before everything, partly erased ring */
	s.has_to = 0;
	fill(&r, 32, 7, 5);
	p = plan(&r, &s, NULL);
	CHECK_INT(p.hi, 5);
	s.last = 3;
	p = plan(&r, &s, NULL);
	CHECK_INT(p.hi, 3);
}

static void
test_resume(void)
{
	struct tem_sel all = { 0 }, last1 = { .last = 1 };
	struct tem_resume st = { .set = 1 };
	struct ring r;
	struct tem_plan p;

	/* one new record since: read it, no probe, the caller checks continuity */
	fill(&r, 10, 5, 5);
	st.slot = 3;
	st.period = r.key[3];
	p = plan(&r, &all, &st);
	CHECK_INT(p.hi, 1);
	CHECK_INT(p.lo, 0);
	CHECK_INT(p.check_first, 1);
	CHECK_INT(r.probes, 0);
	/* three new across the wrap point */
	fill(&r, 10, 1, 14);
	st.slot = 7;
	st.period = r.key[7];
	p = plan(&r, &all, &st);
	CHECK_INT(p.hi, 3);
	CHECK_INT(r.probes, 0);
	/* --last cuts in: the resume slot is probed instead */
	p = plan(&r, &last1, &st);
	CHECK_INT(p.hi, 1);
	CHECK_INT(p.check_first, 0);
	CHECK_INT(r.probes, 1);
	CHECK_INT(p.state_gone, 0);
	/* nothing new: one probe confirms it */
	fill(&r, 10, 5, 5);
	st.slot = 4;
	st.period = r.key[4];
	p = plan(&r, &all, &st);
	CHECK_INT(p.hi, 0);
	CHECK_INT(r.probes, 1);
	/* same pointer, but the archive was reset and refilled: newer ones only */
	st.period = r.key[4] - 3600 * 100;
	p = plan(&r, &all, &st);
	CHECK_INT(p.state_gone, 1);
	CHECK_INT(p.hi, 5);
	/* reset: pointer moved back; the caller finds slot 6 erased and plans again */
	fill(&r, 10, 2, 2);
	st.slot = 5;
	st.period = 100000 - 3600 * 50;
	p = plan(&r, &all, &st);
	CHECK_INT(p.check_first, 1);
	CHECK_INT(p.hi, 6);
	st.slot_gone = 1;
	p = plan(&r, &all, &st);
	CHECK_INT(p.state_gone, 1);
	CHECK_INT(p.hi, 2);
	CHECK_INT(p.check_first, 0);
	/* clock set back: nothing newer than the state */
	st.period = 100000 + 3600;
	p = plan(&r, &all, &st);
	CHECK_INT(p.hi, 0);
	/* a slot beyond this ring (state from a bigger flash) counts as gone */
	st.slot_gone = 0;
	st.slot = 500;
	st.period = 0;
	p = plan(&r, &all, &st);
	CHECK_INT(p.state_gone, 1);
	CHECK_INT(p.hi, 2);
}

static void
test_fail(void)
{
	struct tem_sel all = { 0 };
	struct tem_plan p;
	struct ring r;

	fill(&r, 10, 4, 4);
	r.fail_at = 1;
	CHECK_INT(tem_plan_make(r.count, r.next, &all, NULL, probe, &r, &p), -1);
	CHECK_INT(tem_plan_make(10, 10, &all, NULL, probe, &r, &p), -1);
}

static void
test_parse(void)
{
	long long k;
	const char *why;

	CHECK_INT(tem_when_parse("2026-03-02", &k, &why), 0);
	CHECK_INT(k, 1772409600);
	CHECK_INT(tem_when_parse("2026-03-02T13", &k, &why), 0);
	CHECK_INT(k, 1772409600 + 13 * 3600);
	CHECK_INT(tem_when_parse("2026-03-02T13:30", &k, &why), 0);
	CHECK_INT(k, 1772409600 + 13 * 3600 + 1800);
	CHECK_INT(tem_when_parse("2026-03-02T13:30:05", &k, &why), 0);
	CHECK_INT(k, 1772409600 + 13 * 3600 + 1805);
	CHECK_INT(tem_when_parse("2026-02-30", &k, &why), -1);
	CHECK_STR(why, "no such day in that month");
	CHECK_INT(tem_when_parse("2026-03-02 13:00", &k, &why), -1);
	CHECK_STR(why, "expected YYYY-MM-DD[THH[:MM[:SS]]] in meter local time");
	CHECK_INT(tem_when_parse("2026-03-02T13:00Z", &k, &why), -1);
	CHECK_INT(tem_when_parse("2026-3-02", &k, &why), -1);
	CHECK_INT(tem_when_parse("2026-13-02", &k, &why), -1);
	CHECK_INT(tem_when_parse("2026-03-02T24", &k, &why), -1);
	CHECK_INT(tem_when_parse("1999-03-02", &k, &why), -1);
	CHECK_INT(tem_when_parse("2026-0x-02", &k, &why), -1);
	CHECK_INT(tem_when_parse("", &k, &why), -1);
}

int
main(void)
{
	test_slots();
	test_whole();
	test_last();
	test_from_to();
	test_resume();
	test_fail();
	test_parse();
	return check_done();
}
