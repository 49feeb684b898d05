/* temarchive: TEM-106 hourly, daily and monthly archives as JSON lines, incrementally. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "fk/fk_cli.h"
#include "fk/fk_clock.h"
#include "fk/fk_exit.h"
#include "fk/fk_sig.h"
#include "fk/fk_wait.h"
#include "fk/jsonl.h"
#include "fk/num_parse.h"
#include "fk/ser_line.h"
#include "fk/ser_port.h"
#include "tem/tem_cont.h"
#include "tem/tem_dump.h"
#include "tem/tem_link.h"
#include "tem/tem_opt.h"
#include "tem/tem_tz.h"
#include "tem/tem_plan.h"
#include "tem/tem_rec.h"
#include "tem/tem_state.h"

#define SAVE_EVERY_MS	2000	/* state is also saved at the end and on every stop */
#define FULL_WAY	(-1)	/* not an exit status: leave the fast way for the full one */

static const char *const usage[] = {
	"temarchive -d device [-b baud] [-a addr[=name]]... [-k hour|day|month]... [--last n]",
	"[--from time] [--to time] [--state file] [--dump file] [--strict]",
	"[--retries n] [--timeout ms] [--trace] [--tz zone]",
	"[--rs485] [--rs485-delay ms[,ms]] [--rts on|off] [--dtr on|off]",
	"[--first n] [--taken-fd fd] [--progress]",
	"temarchive --decode file [--strict] [--tz zone]",
	NULL
};

struct opts {
	struct tem_opt_line m;	/* the meter line: -d -b -a --retries --timeout --trace --tz ... */
	const char *state, *dump, *decode;
	int strict, kinds, live_opts;
	int taken_fd, progress;
	unsigned long first;	/* --first: newest records of a ring the state does not know */
	struct tem_sel sel;
};

/* One run against a line: the link, the state, the dump, and why it stopped. */
struct run {
	const struct opts *o;
	struct tem_link l;
	struct tem_state st;
	FILE *dump;
	int dirty, stop, epipe;
	long long saved_ms;
	/*
	 * With --taken-fd the state saved is `held`: the state as it was after the
	 * last record the reader says it holds durably.  `q` keeps the state after
	 * each record printed since, oldest first.
	 */
	struct tem_state held, *keep;
	struct { uint64_t line; struct tem_state st; } *q;
	size_t qhead, qn, qcap;
	uint64_t printed, taken;
	char tbuf[32];
	size_t tlen;
	int taken_eof;
	/* progress of the ring being read */
	unsigned long prog_done, prog_total;
	long long prog_start, prog_last;
};

/* One meter as read so far: RAM image and what decoding needs. */
struct meter {
	uint8_t addr;
	uint8_t ram[TEM_RAM_SIZE];
	int have_id, have_ptr;	/* read from the meter in this run */
	int have_cfg;		/* 1 read, -1 implausible */
	int cfg_stored;		/* the setup came from the state: read again once stale */
	long long setup_at;	/* meter time the setup is known good at */
	struct tem_meter m;
	struct tem_region rg[3];
	uint32_t ptr[3];
	uint8_t first[3][TEM_REC_SIZE];	/* the fast way: each ring's first new record */
	struct tem_prev prev;		/* for the deltas */
};

enum { O_LAST = 256, O_FROM, O_TO, O_STATE, O_DUMP, O_DECODE, O_STRICT, O_FIRST, O_TAKEN,
	O_PROGRESS, O_HELP, O_VERSION, O_LINE };

static long long
time_arg(const char *opt, const char *s)
{
	long long k;
	const char *why;

	if (tem_when_parse(s, &k, &why) == -1)
		errx(FK_USAGE, "%s: %s: %s", opt, s, why);
	return k;
}

static void
conflict(const char *why)
{
	warnx("%s", why);
	fk_usage(usage, 0);
}

static void
add_kind(struct opts *o, const char *s)
{
	for (int k = TEM_HOUR; k <= TEM_MONTH; k++)
		if (strcmp(s, tem_kind_name((enum tem_kind)k)) == 0) {
			o->kinds |= 1 << k;
			return;
		}
	errx(FK_USAGE, "-k: %s: expected hour, day or month", s);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "last", required_argument, NULL, O_LAST },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "state", required_argument, NULL, O_STATE },
		{ "dump", required_argument, NULL, O_DUMP },
		{ "decode", required_argument, NULL, O_DECODE },
		{ "strict", no_argument, NULL, O_STRICT },
		TEM_OPT_LINE_OPTIONS(O_LINE),
		{ "first", required_argument, NULL, O_FIRST },
		{ "taken-fd", required_argument, NULL, O_TAKEN },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	tem_opt_line_init(&o->m);
	o->taken_fd = -1;
	while ((c = getopt_long(argc, argv, TEM_OPT_LINE_SHORT "k:", lo, NULL)) != -1) {
		o->live_opts += c != O_DECODE && c != O_STRICT && c != O_LINE + TEM_OPT_TZ;
		switch (c) {
		case 'k': add_kind(o, optarg); break;
		case O_LAST: o->sel.last = (unsigned long)num_arg("--last", optarg, 1, 100000); break;
		case O_FROM: o->sel.from = time_arg("--from", optarg); o->sel.has_from = 1; break;
		case O_TO: o->sel.to = time_arg("--to", optarg); o->sel.has_to = 1; break;
		case O_STATE: o->state = optarg; break;
		case O_DUMP: o->dump = optarg; break;
		case O_DECODE: o->decode = optarg; break;
		case O_STRICT: o->strict = 1; break;
		case O_FIRST: o->first = (unsigned long)num_arg("--first", optarg, 1, 100000); break;
		case O_TAKEN:
			o->taken_fd = (int)num_arg("--taken-fd", optarg, 3, 1023);
			if (fcntl(o->taken_fd, F_SETFD, FD_CLOEXEC) == -1)
				errx(FK_USAGE, "--taken-fd: %s: not an open descriptor", optarg);
			break;
		case O_PROGRESS: o->progress = 1; break;
		case O_HELP: fk_usage(usage, 1);
		case O_VERSION: fk_version();
		default: if (!tem_opt_line_arg(&o->m, O_LINE, c, optarg)) fk_usage(usage, 0);
		}
	}
	if (optind != argc)
		fk_usage(usage, 0);
	if (o->decode && o->live_opts)
		conflict("--decode reads a dump: it takes no device, meter or selection options");
	if (!o->decode && o->m.dev == NULL)
		conflict("-d is required (or --decode)");
	if (o->sel.has_from && o->sel.has_to && o->sel.from >= o->sel.to)
		conflict("--from must be before --to");
	if ((o->first || o->taken_fd >= 0) && o->state == NULL)
		conflict("--first and --taken-fd need --state");
	if (isatty(STDERR_FILENO))
		o->progress = 1;
	tem_opt_line_done(&o->m);
	if (o->kinds == 0)
		o->kinds = 7;
}

static void
dump_line(struct run *r, enum tem_dump_type t, uint8_t meter, uint32_t at,
    const uint8_t *b, size_t n)
{
	char line[TEM_DUMP_LINE];
	size_t len = tem_dump_format(line, t, meter, at, b, n);

	if (r->dump && fwrite(line, 1, len, r->dump) != len)
		r->stop = 1;	/* reported when the dump is closed */
}

/* A deep copy of a state, for the hand-off queue. */
static void
state_copy(struct tem_state *dst, const struct tem_state *src)
{
	*dst = (struct tem_state){ 0 };
	if ((src->n && (dst->e = malloc(src->n * sizeof(*src->e))) == NULL) ||
	    (src->nm && (dst->m = malloc(src->nm * sizeof(*src->m))) == NULL))
		err(FK_SOFTWARE, NULL);
	if (src->n)
		memcpy(dst->e, src->e, src->n * sizeof(*src->e));
	if (src->nm)
		memcpy(dst->m, src->m, src->nm * sizeof(*src->m));
	dst->n = dst->cap = src->n;
	dst->nm = dst->mcap = src->nm;
}

/* The reader holds lines 1..n durably: the state after the newest of them may be saved. */
static void
taken_upto(struct run *r, uint64_t n)
{
	if (n <= r->taken)
		return;
	r->taken = n;
	while (r->qn > 0 && r->q[r->qhead].line <= n) {
		tem_state_free(&r->held);
		r->held = r->q[r->qhead].st;
		r->qhead = (r->qhead + 1) % r->qcap;
		r->qn--;
		r->dirty = 1;
	}
}

/* Counts from --taken-fd, one a line; wait up to `ms` for one (-1: until it closes). */
static void
read_taken(struct run *r, int ms)
{
	struct pollfd pf = { .fd = r->o->taken_fd, .events = POLLIN };
	long long deadline = ms < 0 ? FK_WAIT_FOREVER : fk_now_ms() + ms;
	char *nl;
	ssize_t n;

	/* After a stop too: the reader's last count is what the state may advance to. */
	while (!r->taken_eof && fk_wait_fds(&pf, 1, deadline) > 0) {
		if ((n = read(pf.fd, r->tbuf + r->tlen, sizeof(r->tbuf) - 1 - r->tlen)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			r->taken_eof = 1;
			break;
		}
		r->tlen += (size_t)n;
		r->tbuf[r->tlen] = '\0';
		while ((nl = strchr(r->tbuf, '\n')) != NULL) {
			long long v;
			const char *why;
			*nl = '\0';
			if (num_parse(r->tbuf, 0, LLONG_MAX, 0, &v, &why) == 0)
				taken_upto(r, (uint64_t)v);
			else
				warnx("--taken-fd: %s: not a count; ignored", r->tbuf);
			r->tlen -= (size_t)(nl + 1 - r->tbuf);
			memmove(r->tbuf, nl + 1, r->tlen + 1);
		}
		if (r->tlen >= sizeof(r->tbuf) - 1)
			r->tlen = 0;	/* no count is that long */
	}
}

/* A record was printed: remember the state after it until the reader holds it. */
static void
printed_one(struct run *r)
{
	r->printed++;
	if (r->o->taken_fd < 0) {
		r->dirty = 1;
		return;
	}
	if (r->qn == r->qcap) {
		size_t cap = r->qcap ? r->qcap * 2 : 64;
		void *q = malloc(cap * sizeof(*r->q));
		if (q == NULL)
			err(FK_SOFTWARE, NULL);
		for (size_t i = 0; i < r->qn; i++)
			memcpy((char *)q + i * sizeof(*r->q), &r->q[(r->qhead + i) % r->qcap],
			    sizeof(*r->q));
		free(r->q);
		r->q = q;
		r->qcap = cap;
		r->qhead = 0;
	}
	r->q[(r->qhead + r->qn) % r->qcap].line = r->printed;
	state_copy(&r->q[(r->qhead + r->qn) % r->qcap].st, &r->st);
	r->qn++;
	read_taken(r, 0);
}

/* Done/total, rate and time left of the ring being read, at most every 2 s (or forced). */
static void
progress(struct run *r, const struct meter *mt, enum tem_kind k, int force)
{
	long long now = fk_now_ms(), el = now - r->prog_start;
	double rate = el > 0 ? r->prog_done * 1000.0 / (double)el : 0;
	unsigned long left = r->prog_total - r->prog_done;

	if (!r->o->progress || (!force && now - r->prog_last < 2000))
		return;
	r->prog_last = now;
	if (rate > 0)
		fprintf(stderr, "temarchive: meter %u: %s: %lu/%lu records, %.1f/s, %.0f s left\n",
		    mt->addr, tem_kind_name(k), r->prog_done, r->prog_total, rate, left / rate);
	else
		fprintf(stderr, "temarchive: meter %u: %s: %lu/%lu records\n", mt->addr,
		    tem_kind_name(k), r->prog_done, r->prog_total);
}

/* Save the state if due (or forced); FK_STATE when it cannot be written. */
static int
save_state(struct run *r, int force)
{
	long long now = fk_now_ms();

	if (!r->o->state || !r->dirty || (!force && now - r->saved_ms < SAVE_EVERY_MS))
		return FK_OK;
	if (tem_state_save(r->keep, r->o->state) == -1) {
		warn("%s: cannot save state", r->o->state);
		r->stop = 1;
		return FK_STATE;
	}
	r->dirty = 0;
	r->saved_ms = now;
	return FK_OK;
}

/* A failed exchange: say so; a dead line stops the run. */
static int
link_failed(struct run *r, const struct meter *mt, enum tem_status s)
{
	char msg[160];

	if (fk_sig_stop) {	/* the wait was cut short to stop: not the meter's fault */
		r->stop = 1;
		return FK_SIGNAL;
	}
	warnx("%s: %s", r->o->m.dev, tem_link_error(&r->l, mt->addr, msg, sizeof(msg)));
	if (s == TEM_EIO)
		r->stop = 1;
	return tem_status_exit(s);
}

static int
read_ram(struct run *r, struct meter *mt, uint16_t at, size_t n)
{
	enum tem_status s = tem_read_ram(&r->l, mt->addr, at, n, mt->ram + at);

	if (s != TEM_OK)
		return link_failed(r, mt, s);
	dump_line(r, TEM_DUMP_RAM, mt->addr, at, mt->ram + at, n);
	return FK_OK;
}

/* Period probes for the planner: 4 bytes at 0x175 of a slot. */
struct probe_ctx {
	struct run *r;
	struct meter *mt;
	const struct tem_region *rg;
	enum tem_status s;
};

static int
probe(void *ctx, unsigned slot, long long *key)
{
	struct probe_ctx *pc = ctx;
	uint32_t at = tem_ring_addr(pc->rg, slot) + TEM_R_PERIOD;
	uint8_t b[4];

	if ((pc->s = tem_read_flash(&pc->r->l, pc->mt->addr, at, 4, b)) != TEM_OK)
		return -1;
	dump_line(pc->r, TEM_DUMP_FLASH, pc->mt->addr, at, b, 4);
	if (tem_when(b, key) != TEM_WHEN_OK)
		*key = TEM_KEY_NONE;
	return 0;
}

static int
read_id(struct run *r, struct meter *mt)
{
	int rc = read_ram(r, mt, TEM_RAM_ID, TEM_RAM_ID_N);

	mt->have_id = rc == FK_OK;
	return rc;
}

static int
read_ptr(struct run *r, struct meter *mt)
{
	int rc = read_ram(r, mt, TEM_RAM_PTR, TEM_RAM_PTR_N);

	if ((mt->have_ptr = rc == FK_OK))
		tem_meter_ptrs(mt->ram, mt->ptr);
	return rc;
}

/*
 * The setup, before decoding with it.  One taken from the state is replaced
 * only if the meter still has the serial and FLASH_TYPE the state says;
 * FULL_WAY if not.
 */
static int
read_setup(struct run *r, struct meter *mt, long long written)
{
	struct tem_meter id = mt->m;
	const char *why;
	int rc;

	if (mt->cfg_stored) {
		if ((rc = read_id(r, mt)) != FK_OK)
			return rc;
		tem_meter_id(&id, mt->ram);
		if (id.serial != mt->m.serial || id.flash_type != mt->m.flash_type)
			return FULL_WAY;
	}
	if ((rc = read_ram(r, mt, TEM_RAM_CFG, TEM_RAM_CFG_N)) != FK_OK)
		return rc;
	if (tem_meter_cfg(&mt->m, mt->ram, &why) == -1) {
		warnx("%s: meter %u: %s", r->o->m.dev, mt->addr, why);
		mt->have_cfg = -1;
		return FK_PROTO;
	}
	mt->have_cfg = 1;
	mt->cfg_stored = 0;
	mt->setup_at = written;
	return FK_OK;
}

/* The state's meter line from a setup read in this run: what the next run may take as read. */
static void
remember_meter(struct run *r, struct meter *mt, long long written)
{
	struct tem_state_meter sm = { .address = mt->addr, .serial = mt->m.serial,
	    .flash_type = mt->m.flash_type };

	if (written > mt->setup_at)
		mt->setup_at = written;
	sm.setup_at = mt->setup_at;
	memcpy(sm.setup, mt->ram + TEM_RAM_CFG, TEM_RAM_CFG_N);
	if (tem_state_meter_set(&r->st, &sm) == -1)
		err(FK_SOFTWARE, "state");
}

/* Print one record, then (and only then) count it in the state. */
static int
deliver(struct run *r, struct meter *mt, enum tem_kind k, unsigned slot, uint32_t at,
    const uint8_t *rec, long long period)
{
	struct tem_state_meter *sm;
	long long written = 0;
	const char *why;
	cJSON *o;
	int rc;

	if (mt->have_cfg < 0)
		return FK_PROTO;	/* said so for the first kind already */
	tem_when(rec + TEM_R_WRITTEN, &written);	/* checked by the caller */
	if (!mt->have_cfg || (mt->cfg_stored && tem_setup_stale(mt->setup_at, written)))
		if ((rc = read_setup(r, mt, written)) != FK_OK)
			return rc;
	if (r->o->strict && !tem_rec_cs_ok(rec)) {
		warnx("%s: meter %u: %s record at 0x%06lX: record checksum mismatch",
		    r->o->m.dev, mt->addr, tem_kind_name(k), (unsigned long)at);
		return FK_PROTO;
	}
	if ((o = tem_rec_json(rec, &mt->m, k, &why)) == NULL)
		return FK_SOFTWARE;	/* dates were checked by the caller */
	tem_rec_delta(&mt->prev, o, rec, &mt->m, k);
	rc = jsonl_write(stdout, o);
	cJSON_Delete(o);
	if (rc != JSONL_OK) {
		r->stop = 1;
		r->epipe = rc == JSONL_EPIPE;
		if (rc == JSONL_ERR)
			warn("stdout");
		return rc == JSONL_EPIPE ? FK_OK : FK_IO;
	}
	dump_line(r, TEM_DUMP_REC, mt->addr, at, rec, TEM_REC_SIZE);
	if (r->o->state) {
		if (!mt->cfg_stored)
			remember_meter(r, mt, written);
		if (tem_state_set(&r->st, mt->m.serial, mt->addr, k, slot, period) == -1)
			err(FK_SOFTWARE, "state");
		/* the fast way took the meter line from the state, so it is there */
		if ((sm = tem_state_meter_find(&r->st, mt->addr)) != NULL &&
		    sm->serial == mt->m.serial) {
			tem_mark_of(rec, &sm->mark[k]);
			sm->marked[k] = 1;
		}
		printed_one(r);
	}
	return save_state(r, 0);
}

/* Has the record after the resume point the period right after it? Else probe the resume slot. */
static int
resume_holds(struct probe_ctx *pc, const struct tem_resume *res, enum tem_kind k,
    const uint8_t *rec)
{
	long long per, key;

	if (tem_when(rec + TEM_R_PERIOD, &per) == TEM_WHEN_OK &&
	    per == tem_when_next(res->period, k))
		return 1;
	if (probe(pc, res->slot, &key) == -1)
		return -1;
	return key == res->period;
}

static void
say_gone(struct run *r, struct meter *mt, enum tem_kind k, const struct tem_resume *res)
{
	char iso[32];

	warnx("%s: meter %u: %s archive no longer holds the record delivered last "
	    "(%s, slot %u): reset or overwritten; reading the records after it",
	    r->o->m.dev, mt->addr, tem_kind_name(k),
	    tem_when_iso(iso, sizeof(iso), res->period), res->slot);
}

/* Why a record read is not printed: NULL to print it, "" for an erased slot. */
static const char *
skip_reason(const struct tem_sel *sel, const uint8_t *rec, long long last, long long *per)
{
	long long written;

	if (tem_rec_erased(rec, TEM_REC_SIZE))
		return "";
	if (tem_when(rec + TEM_R_PERIOD, per) != TEM_WHEN_OK ||
	    tem_when(rec + TEM_R_WRITTEN, &written) != TEM_WHEN_OK)
		return "invalid date";
	if ((sel->has_from && *per < sel->from) || (sel->has_to && *per >= sel->to))
		return "period outside --from/--to (archive out of order)";
	if (*per <= last)
		return "not newer than the record before it (meter clock set back?)";
	return NULL;
}

/* Read one ring as planned, oldest first; `first`: the record after the state's, if read. */
static int
read_ring(struct run *r, struct meter *mt, enum tem_kind k, const uint8_t *first)
{
	const struct tem_region *rg = &mt->rg[k];
	struct probe_ctx pc = { r, mt, rg, TEM_OK };
	struct tem_resume res = { 0 };
	struct tem_state_ent *e = tem_state_find(&r->st, mt->m.serial, mt->addr, k);
	struct tem_plan p;
	struct tem_sel sel = r->o->sel;
	uint8_t rec[TEM_REC_SIZE];
	long long last = TEM_KEY_NONE, per;
	const char *why;
	char iso[32];
	uint32_t ptr = mt->ptr[k];
	int next = tem_ring_next(rg, ptr), rc;

	if (fk_sig_stop)
		return r->stop = 1, FK_SIGNAL;
	if (next < 0) {
		warnx("%s: meter %u: %s pointer 0x%08lX is not a slot of its ring",
		    r->o->m.dev, mt->addr, tem_kind_name(k), (unsigned long)ptr);
		return FK_PROTO;
	}
	if (e) {
		res = (struct tem_resume){ 1, e->slot, e->period, 0 };
		last = e->period;
	} else if (r->o->first && (sel.last == 0 || sel.last > r->o->first)) {
		sel.last = r->o->first;	/* a first run reads a bounded history */
	}
replan:
	if (tem_plan_make(rg->count, (unsigned)next, &sel, &res, probe, &pc, &p) == -1)
		return link_failed(r, mt, pc.s);
	r->prog_done = 0;
	r->prog_total = p.hi - p.lo;
	r->prog_start = r->prog_last = fk_now_ms();
	if (p.state_gone)
		say_gone(r, mt, k, &res);
	for (unsigned long age = p.hi; age-- > p.lo && !r->stop;) {
		unsigned slot = tem_plan_slot(rg->count, (unsigned)next, age);
		uint32_t at = tem_ring_addr(rg, slot);
		int known = first && p.check_first && slot == (res.slot + 1) % rg->count;
		enum tem_status s = fk_sig_stop || known ? TEM_OK :
		    tem_read_flash(&r->l, mt->addr, at, TEM_REC_SIZE, rec);

		if (known) {
			memcpy(rec, first, TEM_REC_SIZE);
			p.check_first = 0;	/* the fast way has checked it */
		}
		first = NULL;

		if (fk_sig_stop)
			return r->stop = 1, FK_SIGNAL;
		if (s != TEM_OK)
			return link_failed(r, mt, s);
		if (p.check_first) {
			p.check_first = 0;
			if ((rc = resume_holds(&pc, &res, k, rec)) == -1)
				return link_failed(r, mt, pc.s);
			if (rc == 0) {
				dump_line(r, TEM_DUMP_FLASH, mt->addr, at, rec, TEM_REC_SIZE);
				res.slot_gone = 1;
				goto replan;
			}
		}
		r->prog_done++;
		progress(r, mt, k, 0);
		if ((why = skip_reason(&r->o->sel, rec, last, &per)) != NULL) {
			if (*why)
				warnx("%s: meter %u: %s record at 0x%06lX: %s; skipped",
				    r->o->m.dev, mt->addr, tem_kind_name(k), (unsigned long)at, why);
			dump_line(r, TEM_DUMP_FLASH, mt->addr, at, rec, TEM_REC_SIZE);
			continue;
		}
		if ((rc = deliver(r, mt, k, slot, at, rec, per)) != FK_OK || r->stop) {
			progress(r, mt, k, 1);
			return rc;
		}
		last = per;
	}
	if (fk_sig_stop)
		progress(r, mt, k, 1);
	if (p.state_gone && p.valid > 0 && p.hi == p.lo && e && !r->o->sel.has_from &&
	    !r->o->sel.has_to) {
		warnx("%s: meter %u: %s archive holds nothing after %s, the record delivered "
		    "last: meter clock set back? remove its state entry to read it again",
		    r->o->m.dev, mt->addr, tem_kind_name(k), tem_when_iso(iso, sizeof(iso), res.period));
		return FK_PARTIAL;
	}
	return FK_OK;
}

/* Several meters failing differently: the one that got furthest names the status. */
static int
worse(int a, int b)
{
	static const int rank[] = { FK_OK, FK_PARTIAL, FK_NOANSWER, FK_TIMEOUT, FK_PROTO,
	    FK_IO, FK_STATE, FK_SIGNAL };
	int ra = 0, rb = 0;

	for (int i = 0; i < (int)(sizeof(rank) / sizeof(rank[0])); i++) {
		ra = rank[i] == a ? i : ra;
		rb = rank[i] == b ? i : rb;
	}
	return ra >= rb ? a : b;
}

/* Each kind asked for; with `since`, only the rings the fast way found new records in. */
static int
read_rings(struct run *r, struct meter *mt, const unsigned *since)
{
	int rc, worst = FK_OK;

	for (int k = TEM_HOUR; k <= TEM_MONTH && !r->stop; k++) {
		if (!(r->o->kinds & (1 << k)) || (since && since[k] == 0))
			continue;
		rc = read_ring(r, mt, (enum tem_kind)k, since ? mt->first[k] : NULL);
		if (rc == FULL_WAY)
			return rc;
		worst = worse(worst, rc);
		/* a silent meter or a dead line will not answer for the next ring either */
		if (rc == FK_NOANSWER || rc == FK_TIMEOUT || rc == FK_IO)
			break;
	}
	return worst;
}

/* The full way: who the meter is, where its rings stand, then each kind asked for. */
static int
read_full(struct run *r, struct meter *mt)
{
	struct tem_state_meter *sm;
	uint32_t other;
	int rc;

	if (!mt->have_id && (rc = read_id(r, mt)) != FK_OK)
		return rc;
	tem_meter_id(&mt->m, mt->ram);
	if (tem_flash_layout(mt->m.flash_type, mt->rg) == 0) {
		warnx("%s: meter %u: unknown FLASH_TYPE 0x%04X", r->o->m.dev, mt->addr,
		    mt->m.flash_type);
		return FK_PROTO;
	}
	if (!mt->have_ptr && (rc = read_ptr(r, mt)) != FK_OK)
		return rc;
	/* the next run must not take this meter for the one the state knows there */
	if ((sm = tem_state_meter_find(&r->st, mt->addr)) != NULL &&
	    (sm->serial != mt->m.serial || sm->flash_type != mt->m.flash_type)) {
		tem_state_meter_drop(&r->st, mt->addr);
		r->dirty = 1;
	}
	if (tem_state_other(&r->st, mt->addr, mt->m.serial, &other))
		warnx("%s: meter %u: serial %lu answers where %lu did: meter replaced? "
		    "reading its archive as a new meter's", r->o->m.dev, mt->addr,
		    (unsigned long)mt->m.serial, (unsigned long)other);
	return read_rings(r, mt, NULL);
}

/* The meter line of a meter the fast way can read: a plain --state run, a marked entry per kind. */
static const struct tem_state_meter *
fast_meter(struct run *r, uint8_t addr)
{
	const struct opts *o = r->o;
	const struct tem_state_meter *sm;

	if (!o->state || o->dump || o->sel.last || o->sel.has_from || o->sel.has_to ||
	    (sm = tem_state_meter_find(&r->st, addr)) == NULL)
		return NULL;
	for (int k = TEM_HOUR; k <= TEM_MONTH; k++)
		if ((o->kinds & (1 << k)) && (!sm->marked[k] ||
		    tem_state_find(&r->st, sm->serial, addr, (enum tem_kind)k) == NULL))
			return NULL;
	return sm;
}

/* A ring on the fast way: nothing new and the state's record still there, or its successor. */
static int
fast_ring(struct run *r, struct meter *mt, const struct tem_mark *mark, enum tem_kind k,
    unsigned since)
{
	const struct tem_region *rg = &mt->rg[k];
	const struct tem_state_ent *e = tem_state_find(&r->st, mt->m.serial, mt->addr, k);
	struct probe_ctx pc = { r, mt, rg, TEM_OK };
	uint32_t at = tem_ring_addr(rg, (long)e->slot + 1);
	enum tem_status s;
	const char *why;
	long long key, per;

	if (fk_sig_stop)
		return r->stop = 1, FK_SIGNAL;
	if (since == 0) {
		if (probe(&pc, e->slot, &key) == -1)
			return link_failed(r, mt, pc.s);
		return key == e->period ? FK_OK : FULL_WAY;
	}
	if ((s = tem_read_flash(&r->l, mt->addr, at, TEM_REC_SIZE, mt->first[k])) != TEM_OK)
		return link_failed(r, mt, s);
	why = tem_cont_check(k, e->period, mark, mt->first[k]);
	/* periods missing: the slot before must also still hold the record delivered last */
	if (why == NULL && tem_when(mt->first[k] + TEM_R_PERIOD, &per) == TEM_WHEN_OK &&
	    per != tem_when_next(e->period, k)) {
		if (probe(&pc, e->slot, &key) == -1)
			return link_failed(r, mt, pc.s);
		if (key != e->period)
			why = "the slot before no longer holds the record delivered last";
	}
	if (why != NULL) {
		if (r->o->m.trace)
			warnx("%s: meter %u: %s record at 0x%06lX does not follow the one "
			    "delivered last: %s; reading the full way", r->o->m.dev, mt->addr,
			    tem_kind_name(k), (unsigned long)at, why);
		return FULL_WAY;
	}
	return FK_OK;
}

/*
 * The fast way: serial, FLASH_TYPE and setup from the state, one read of the
 * pointers, and nothing printed until every ring asked for has been checked.
 * With no new record anywhere the serial is read instead, as nothing else
 * would tell a swapped meter.  FULL_WAY when anything does not fit.
 */
static int
read_fast(struct run *r, struct meter *mt, const struct tem_state_meter *from)
{
	struct tem_state_meter sm = *from;	/* the state's array may move */
	struct tem_meter id = mt->m;
	unsigned since[3] = { 0 };
	const char *why;
	int rc, news = 0;

	mt->m.serial = sm.serial;
	mt->m.flash_type = sm.flash_type;
	memcpy(mt->ram + TEM_RAM_CFG, sm.setup, TEM_RAM_CFG_N);
	if (tem_flash_layout(sm.flash_type, mt->rg) == 0 ||
	    tem_meter_cfg(&mt->m, mt->ram, &why) == -1)
		return FULL_WAY;
	mt->have_cfg = mt->cfg_stored = 1;
	mt->setup_at = sm.setup_at;
	if ((rc = read_ptr(r, mt)) != FK_OK)
		return rc;
	for (int k = TEM_HOUR; k <= TEM_MONTH; k++) {
		const struct tem_state_ent *e = tem_state_find(&r->st, sm.serial, mt->addr,
		    (enum tem_kind)k);
		unsigned count = mt->rg[k].count;
		int next = tem_ring_next(&mt->rg[k], mt->ptr[k]);

		if (!(r->o->kinds & (1 << k)))
			continue;
		if (next < 0 || e->slot >= count)
			return FULL_WAY;	/* which says what is wrong */
		since[k] = ((unsigned)next + count - 1 - e->slot) % count;
		news += since[k] != 0;
	}
	if (news == 0) {
		if ((rc = read_id(r, mt)) != FK_OK)
			return rc;
		tem_meter_id(&id, mt->ram);
		if (id.serial != sm.serial || id.flash_type != sm.flash_type)
			return FULL_WAY;
	}
	for (int k = TEM_HOUR; k <= TEM_MONTH; k++)
		if ((r->o->kinds & (1 << k)) &&
		    (rc = fast_ring(r, mt, &sm.mark[k], (enum tem_kind)k, since[k])) != FK_OK)
			return rc;
	return read_rings(r, mt, since);
}

/* One meter: the fast way when the state knows it, else (or when that fails) the full way. */
static int
read_meter(struct run *r, uint8_t addr)
{
	struct meter *mt = calloc(1, sizeof(*mt));
	const struct tem_state_meter *sm;
	int rc = FULL_WAY;

	if (mt == NULL)
		err(FK_SOFTWARE, NULL);
	mt->addr = mt->m.address = addr;
	mt->m.name = tem_addr_name(addr);
	if ((sm = fast_meter(r, addr)) != NULL)
		rc = read_fast(r, mt, sm);
	if (rc == FULL_WAY) {
		/* what was read from the meter holds; what came from the state does not */
		mt->have_cfg = mt->cfg_stored = 0;
		rc = read_full(r, mt);
	}
	free(mt);
	return rc;
}

/* One "rec" line of a dump, decoded with its meter's RAM as dumped so far; -1 when stdout is gone. */
static int
decode_rec(const struct opts *o, const uint8_t *ram, const struct tem_dump_line *dl,
    int lineno)
{
	static struct tem_prev *prev[256];	/* each meter's, as in a live run */
	struct tem_meter m = { .address = dl->meter, .name = tem_addr_name(dl->meter) };
	const char *why;
	enum tem_kind k;
	unsigned slot;
	long long per;
	char iso[32];
	cJSON *j;
	int rc;

	tem_meter_id(&m, ram);
	if (tem_meter_cfg(&m, ram, &why) == -1 ||
	    tem_rec_locate(m.flash_type, dl->at, &k, &slot) == -1 ||
	    tem_when(dl->data + TEM_R_PERIOD, &per) != TEM_WHEN_OK ||
	    (j = tem_rec_json(dl->data, &m, k, &why)) == NULL) {
		warnx("%s: line %d: record without its meter's configuration", o->decode,
		    lineno);
		return FK_PROTO;
	}
	if (o->strict && !tem_rec_cs_ok(dl->data)) {
		warnx("%s: line %d: %s record %s: record checksum mismatch", o->decode,
		    lineno, tem_kind_name(k), tem_when_iso(iso, sizeof(iso), per));
		cJSON_Delete(j);
		return FK_PROTO;
	}
	if (prev[dl->meter] == NULL && (prev[dl->meter] = calloc(1, sizeof(**prev))) == NULL)
		err(FK_SOFTWARE, NULL);
	tem_rec_delta(prev[dl->meter], j, dl->data, &m, k);
	rc = jsonl_write(stdout, j);
	cJSON_Delete(j);
	if (rc == JSONL_ERR)
		warn("stdout");
	return rc == JSONL_OK ? FK_OK : rc == JSONL_EPIPE ? -1 : FK_IO;
}

/* --decode: the lines a --dump run printed, from its file alone. */
static int
decode(const struct opts *o)
{
	FILE *f = fopen(o->decode, "r");
	uint8_t *ram[256] = { 0 };
	struct tem_dump_line dl;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, rc = FK_OK;
	const char *why;

	if (f == NULL)
		err(FK_NODEV, "%s", o->decode);
	while (rc == FK_OK && (n = getline(&line, &cap, f)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (++lineno == 1) {
			if (strcmp(line, TEM_DUMP_MAGIC) != 0) {
				warnx("%s: not a temarchive dump", o->decode);
				rc = FK_PROTO;
			}
			continue;
		}
		if (tem_dump_parse(line, &dl, &why) == -1) {
			warnx("%s: line %d: %s", o->decode, lineno, why);
			rc = FK_PROTO;
			break;
		}
		if (ram[dl.meter] == NULL && (ram[dl.meter] = calloc(1, TEM_RAM_SIZE)) == NULL)
			err(FK_SOFTWARE, NULL);
		if (dl.type == TEM_DUMP_RAM && dl.at + dl.n <= TEM_RAM_SIZE)
			memcpy(ram[dl.meter] + dl.at, dl.data, dl.n);
		if (dl.type == TEM_DUMP_REC && (rc = decode_rec(o, ram[dl.meter], &dl, lineno)) < 0) {
			rc = FK_OK;	/* the reader has gone: end quietly */
			break;
		}
	}
	if (rc == FK_OK && lineno == 0) {
		warnx("%s: not a temarchive dump (empty)", o->decode);
		rc = FK_PROTO;
	}
	if (ferror(f)) {
		warn("%s", o->decode);
		rc = FK_IO;
	}
	for (int i = 0; i < 256; i++)
		free(ram[i]);
	free(line);
	fclose(f);
	return rc;
}

/*
 * Runs on two lines may share a state file; the second would save over the
 * first's records.  The lock is a file of its own because saving renames a
 * new file over the state; it stays held (and open) until exit.
 */
static void
lock_state(const char *path)
{
	char *lock;
	int fd;

	if (asprintf(&lock, "%s.lock", path) == -1)
		err(FK_SOFTWARE, NULL);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) == -1)
		err(FK_STATE, "%s", lock);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		errx(FK_LOCKED, "%s: in use by another run", path);
	free(lock);
}

/* Load --state (or stop: never a silent full re-read), open --dump, catch stop signals. */
static void
open_files(struct run *r)
{
	const struct opts *o = r->o;
	char why[160], *dir;
	int rc;

	if (o->state) {
		if ((dir = strdup(o->state)) == NULL)
			err(FK_SOFTWARE, NULL);
		if (access(dirname(dir), W_OK | X_OK) == -1)
			err(FK_STATE, "%s: cannot save state there", o->state);
		free(dir);
		lock_state(o->state);
		if ((rc = tem_state_load(&r->st, o->state, why, sizeof(why))) == -1)
			errx(FK_STATE, "%s: corrupt state file: %s", o->state, why);
		if (rc == -2)
			err(FK_STATE, "%s", o->state);
		state_copy(&r->held, &r->st);
	}
	r->keep = o->taken_fd >= 0 ? &r->held : &r->st;
	if (o->dump) {
		if ((r->dump = fopen(o->dump, "w")) == NULL)
			err(FK_NODEV, "%s", o->dump);
		fputs(TEM_DUMP_MAGIC "\n", r->dump);
	}
	/* Caught before ser_open(), so a stop saves the state first. */
	fk_sig_init();
	fk_sig_block();
}

/* Save state and close the dump; the status the run ends with. */
static int
finish(struct run *r, int status)
{
	int rc, dump_failed = 0;

	if (r->o->taken_fd >= 0) {
		/* the reader sees the end of input only when it is closed, then says what it holds */
		if (fclose(stdout) == EOF && errno != EPIPE && !r->epipe)
			warn("stdout");
		/* After a stop the reader has 5 s for its last count: a pipe kept open elsewhere
		 * (a wrapping subshell) never closes, and what is not counted is read again. */
		read_taken(r, fk_sig_stop ? 5000 : -1);
		if (r->taken < r->printed)
			warnx("%" PRIu64 " of %" PRIu64 " records printed not held by the reader; "
			    "the next run reads them again", r->printed - r->taken, r->printed);
	}
	rc = save_state(r, 1);

	if (r->dump) {
		dump_failed = ferror(r->dump);
		if (fclose(r->dump) == EOF || dump_failed) {
			warnx("%s: write failed", r->o->dump);
			dump_failed = 1;
		}
	}
	tem_state_free(&r->st);
	tem_state_free(&r->held);
	while (r->qn > 0) {
		tem_state_free(&r->q[r->qhead].st);
		r->qhead = (r->qhead + 1) % r->qcap;
		r->qn--;
	}
	free(r->q);
	if (r->o->progress)
		fprintf(stderr, "temarchive: %" PRIu64 " records printed%s\n", r->printed,
		    fk_sig_stop ? "; stopped by signal" : "");
	/* the state and the dump outrank a reader gone or a signal: they are lost work */
	if (rc != FK_OK || dump_failed)
		return rc != FK_OK ? rc : FK_IO;
	if (fk_sig_stop)
		return FK_SIGNAL;
	return r->epipe ? FK_OK : status;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct run r = { .o = &o };
	struct ser_port *port;
	int st, good = 0, bad = FK_OK;

	parse_opts(argc, argv, &o);
	jsonl_init();
	if (o.decode)
		return decode(&o);
	open_files(&r);
	port = tem_opt_line_open(&o.m, &r.l);
	for (int i = 0; i < o.m.naddr && !r.stop && !fk_sig_stop; i++) {
		int rc = read_meter(&r, o.m.addr[i]);
		good += rc == FK_OK;
		bad = rc == FK_OK ? bad : worse(bad, rc);
	}
	ser_close(port);
	st = bad == FK_OK ? FK_OK : bad == FK_PARTIAL || good == 0 || r.stop ? bad : FK_PARTIAL;
	return finish(&r, st);
}
