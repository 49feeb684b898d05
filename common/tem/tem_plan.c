#include <ctype.h>
#include <string.h>
#include <time.h>

#include "fk/num_parse.h"
#include "tem_plan.h"

/* Probes made while planning one ring; searches share their midpoints. */
struct probes {
	tem_probe_fn fn;
	void *ctx;
	unsigned n;
	struct { unsigned slot; long long key; } seen[96];
	unsigned made;
};

static int
probe(struct probes *pr, unsigned slot, long long *key)
{
	for (unsigned i = 0; i < pr->n; i++)
		if (pr->seen[i].slot == slot) {
			*key = pr->seen[i].key;
			return 0;
		}
	pr->made++;
	if (pr->fn(pr->ctx, slot, key) == -1)
		return -1;
	if (pr->n < sizeof(pr->seen) / sizeof(pr->seen[0])) {
		pr->seen[pr->n].slot = slot;
		pr->seen[pr->n].key = *key;
		pr->n++;
	}
	return 0;
}

unsigned
tem_plan_slot(unsigned count, unsigned next, unsigned long age)
{
	return (unsigned)(((unsigned long)next + count - 1 - age % count) % count);
}

/*
 * How many of the newest `valid` records have a period >= key (> key when
 * strict).  Periods fall with age, so the answer is where they cross.
 */
static int
newer(struct probes *pr, unsigned count, unsigned next, long valid,
    long long key, int strict, unsigned long *out)
{
	unsigned long lo = 0, hi = (unsigned long)valid;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		long long k;

		if (probe(pr, tem_plan_slot(count, next, mid), &k) == -1)
			return -1;
		if (k != TEM_KEY_NONE && (strict ? k > key : k >= key))
			lo = mid + 1;
		else
			hi = mid;
	}
	*out = lo;
	return 0;
}

/* Records in the ring: all slots once the pointer's slot holds one (it wrapped). */
static int
valid_count(struct probes *pr, unsigned count, unsigned next, long *valid)
{
	long long k;

	if (*valid >= 0)
		return 0;
	if (probe(pr, next, &k) == -1)
		return -1;
	*valid = k == TEM_KEY_NONE ? (long)next : (long)count;
	return 0;
}

static unsigned long
min_ul(unsigned long a, unsigned long b)
{
	return a < b ? a : b;
}

int
tem_plan_make(unsigned count, unsigned next, const struct tem_sel *s,
    const struct tem_resume *st, tem_probe_fn fn, void *ctx, struct tem_plan *p)
{
	struct probes pr = { .fn = fn, .ctx = ctx };
	unsigned long sure = next, n;	/* ages below `sure` hold records */
	long long k;

	memset(p, 0, sizeof(*p));
	p->hi = ~0UL;
	p->valid = -1;
	if (count == 0 || next >= count)
		return -1;
	if (s->last)
		p->hi = s->last;
	if (s->has_from || s->has_to) {
		if (valid_count(&pr, count, next, &p->valid) == -1)
			goto fail;
		if (s->has_from) {
			if (newer(&pr, count, next, p->valid, s->from, 0, &n) == -1)
				goto fail;
			p->hi = min_ul(p->hi, n);
		}
		if (s->has_to &&
		    newer(&pr, count, next, p->valid, s->to, 0, &p->lo) == -1)
			goto fail;
	}
	if (st && st->set) {
		int gone = st->slot_gone || st->slot >= count;
		unsigned long since = (next + 2UL * count - 1 - st->slot) % count;

		if (!gone && since > 0 && p->hi >= since && p->lo < since) {
			/* The first record read proves continuity; no probe. */
			p->hi = since;
			p->check_first = 1;
			sure = since > sure ? since : sure;
		} else if (!gone) {
			if (probe(&pr, st->slot, &k) == -1)
				goto fail;
			if (k == st->period) {
				p->hi = min_ul(p->hi, since);
				sure = since > sure ? since : sure;
			} else
				gone = 1;
		}
		if (gone) {
			p->state_gone = 1;
			if (valid_count(&pr, count, next, &p->valid) == -1 ||
			    newer(&pr, count, next, p->valid, st->period, 1, &n) == -1)
				goto fail;
			p->hi = min_ul(p->hi, n);
		}
	}
	if (p->hi > sure) {
		if (valid_count(&pr, count, next, &p->valid) == -1)
			goto fail;
		p->hi = min_ul(p->hi, (unsigned long)p->valid > sure ?
		    (unsigned long)p->valid : sure);
	}
	if (p->lo > p->hi)
		p->lo = p->hi;
	p->probes = pr.made;
	return 0;
fail:
	p->probes = pr.made;
	return -1;
}

/* Digits at s[0..n) as a number in [min, max]; -1 if not all digits or out of range. */
static int
field(const char *s, int n, long long min, long long max, int *out)
{
	char buf[8];
	long long v;
	const char *why;

	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	memcpy(buf, s, (size_t)n);
	buf[n] = '\0';
	if (num_parse(buf, min, max, 0, &v, &why) == -1)
		return -1;
	*out = (int)v;
	return 0;
}

int
tem_when_parse(const char *s, long long *key, const char **why)
{
	size_t len = strlen(s);
	int y, mo, d, h = 0, mi = 0, sec = 0;
	struct tm tm = { 0 };

	*why = "expected YYYY-MM-DD[THH[:MM[:SS]]] in meter local time";
	if (len != 10 && len != 13 && len != 16 && len != 19)
		return -1;
	if (s[4] != '-' || s[7] != '-' || field(s, 4, 2000, 2099, &y) == -1 ||
	    field(s + 5, 2, 1, 12, &mo) == -1 || field(s + 8, 2, 1, 31, &d) == -1)
		return -1;
	if (len >= 13 && (s[10] != 'T' || field(s + 11, 2, 0, 23, &h) == -1))
		return -1;
	if (len >= 16 && (s[13] != ':' || field(s + 14, 2, 0, 59, &mi) == -1))
		return -1;
	if (len == 19 && (s[16] != ':' || field(s + 17, 2, 0, 59, &sec) == -1))
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*key = (long long)timegm(&tm);
	/* timegm() rolls 2026-02-30 over to March: that is a typo, not a date */
	if (tm.tm_mday != d) {
		*why = "no such day in that month";
		return -1;
	}
	*why = NULL;
	return 0;
}
