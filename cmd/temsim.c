/* temsim: TEM-106 heat meters simulated on a pseudo-terminal, for tests and demos. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "fk/fk_cli.h"
#include "fk/fk_exit.h"
#include "fk/fk_sig.h"
#include "fk/num_parse.h"
#include "fk/pty_sim.h"
#include "fk/ser_port.h"
#include "tem/tem_frame.h"
#include "tem/tem_link.h"
#include "tem/tem_opt.h"
#include "tem/tem_sim.h"
#include "tem/tem_sim_image.h"


static const char *const usage[] = {
	"temsim [-v] [-b baud] [-a addr]... [--link path] [--image file]",
	"[--clock time] [--flash kib] [--hours n] [--days n] [--months n]",
	"[--echo] [--noise n] [--bad-cs n] [--drop n] [--pause ms] [--pace]",
	"[--turnaround ms] [--gateway] [--glitch 00|ff]",
	"[--silent addr]... [--vanish-after n] [--bad-record-cs] [--stats file]",
	NULL
};

struct opts {
	int verbose, baud, naddr, echo, pace, bad_record_cs, gateway, glitch;
	uint8_t addr[TEM_MAX_METERS], silent[256];
	const char *link, *image, *clock, *stats;
	long flash_kib, count[3], noise, bad_cs, drop, pause_ms, vanish_after, turnaround_ms;
};

/*
 * Bytes waiting to go out: not before due_ns, then paced (one byte per byte
 * time) or all at once; pause_ns before byte pause_at (--pause).
 */
struct out {
	uint8_t b[1024 + 1 + TEM_MAXFRAME];
	size_t n, pos, pause_at;
	long long due_ns, pause_ns;
	int paced;
};

#define OUTQ 64

/* One direction of the line: a queue of outputs and when the last byte's stop bit is done. */
struct stream {
	struct out q[OUTQ];
	unsigned head, n;
	long long free_ns;
};

/* What the line has seen, for -v and --stats. */
struct sim {
	struct opts o;
	struct tem_sim m[TEM_MAX_METERS];
	struct pty_sim ps;
	unsigned long requests, answered, bytes_rx, bytes_tx;
	uint32_t rng;
	struct stream echo, ans;	/* the adapter's echo; the meters' (or gateway's) answers */
	long long byte_ns;
};

static volatile sig_atomic_t got_usr1, got_usr2;

static void
on_usr(int sig)
{
	if (sig == SIGUSR1)
		got_usr1++;
	else
		got_usr2 = 1;
}

enum { O_LINK = 256, O_IMAGE, O_CLOCK, O_FLASH, O_HOURS, O_DAYS, O_MONTHS, O_ECHO,
	O_NOISE, O_BADCS, O_DROP, O_PAUSE, O_PACE, O_SILENT, O_VANISH, O_BADREC, O_STATS,
	O_TURN, O_GATEWAY, O_GLITCH, O_HELP, O_VERSION };

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "link", required_argument, NULL, O_LINK },
		{ "image", required_argument, NULL, O_IMAGE },
		{ "clock", required_argument, NULL, O_CLOCK },
		{ "flash", required_argument, NULL, O_FLASH },
		{ "hours", required_argument, NULL, O_HOURS },
		{ "days", required_argument, NULL, O_DAYS },
		{ "months", required_argument, NULL, O_MONTHS },
		{ "echo", no_argument, NULL, O_ECHO },
		{ "noise", required_argument, NULL, O_NOISE },
		{ "bad-cs", required_argument, NULL, O_BADCS },
		{ "drop", required_argument, NULL, O_DROP },
		{ "pause", required_argument, NULL, O_PAUSE },
		{ "pace", no_argument, NULL, O_PACE },
		{ "silent", required_argument, NULL, O_SILENT },
		{ "vanish-after", required_argument, NULL, O_VANISH },
		{ "bad-record-cs", no_argument, NULL, O_BADREC },
		{ "stats", required_argument, NULL, O_STATS },
		{ "turnaround", required_argument, NULL, O_TURN },
		{ "gateway", no_argument, NULL, O_GATEWAY },
		{ "glitch", required_argument, NULL, O_GLITCH },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->baud = 9600;
	o->count[0] = o->count[1] = o->count[2] = -1;
	while ((c = getopt_long(argc, argv, "va:b:", lo, NULL)) != -1) {
		switch (c) {
		case 'v': o->verbose = 1; break;
		case 'b': o->baud = ser_baud_arg("-b", optarg); break;
		case 'a': tem_addr_arg(o->addr, &o->naddr, optarg); break;
		case O_LINK: o->link = optarg; break;
		case O_IMAGE: o->image = optarg; break;
		case O_CLOCK: o->clock = optarg; break;
		case O_FLASH:
			if ((o->flash_kib = num_arg("--flash", optarg, 512, 1024)) != 512 &&
			    o->flash_kib != 1024)
				errx(FK_USAGE, "--flash: %s: expected 512 or 1024", optarg);
			break;
		case O_HOURS: o->count[TEM_HOUR] = (long)num_arg("--hours", optarg, 0, 1000000); break;
		case O_DAYS: o->count[TEM_DAY] = (long)num_arg("--days", optarg, 0, 1000000); break;
		case O_MONTHS: o->count[TEM_MONTH] = (long)num_arg("--months", optarg, 0, 1000000); break;
		case O_ECHO: o->echo = 1; break;
		case O_NOISE: o->noise = (long)num_arg("--noise", optarg, 0, 1024); break;
		case O_BADCS: o->bad_cs = (long)num_arg("--bad-cs", optarg, 0, 1000000); break;
		case O_DROP: o->drop = (long)num_arg("--drop", optarg, 0, 1000000); break;
		case O_PAUSE: o->pause_ms = (long)num_arg("--pause", optarg, 0, 60000); break;
		case O_PACE: o->pace = 1; break;
		case O_SILENT: o->silent[num_arg("--silent", optarg, 1, 255)] = 1; break;
		case O_VANISH: o->vanish_after = (long)num_arg("--vanish-after", optarg, 1, 1000000); break;
		case O_BADREC: o->bad_record_cs = 1; break;
		case O_STATS: o->stats = optarg; break;
		case O_TURN: o->turnaround_ms = (long)num_arg("--turnaround", optarg, 0, 60000); break;
		case O_GATEWAY: o->gateway = 1; break;
		case O_GLITCH:
			if (strcasecmp(optarg, "00") != 0 && strcasecmp(optarg, "ff") != 0)
				errx(FK_USAGE, "--glitch: %s: expected 00 or ff", optarg);
			o->glitch = strcasecmp(optarg, "ff") == 0 ? 0x1FF : 0x100;
			break;
		case O_HELP: fk_usage(usage, 1);
		case O_VERSION: fk_version();
		default: fk_usage(usage, 0);
		}
	}
	if (optind != argc)
		fk_usage(usage, 0);
	if (o->naddr == 0)
		o->addr[o->naddr++] = 1;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;

	if (f == NULL)
		err(FK_NODEV, "%s", path);
	if (getdelim(&buf, &n, '\0', f) == -1 && ferror(f))
		err(FK_IO, "%s", path);
	fclose(f);
	return buf ? buf : strdup("");
}

/* Defaults, then --image, then the command line: the last word wins. */
static void
setup_meters(struct sim *s)
{
	char *json = s->o.image ? slurp(s->o.image) : NULL, why[200];
	time_t clock;

	if (s->o.clock && tem_sim_parse_time(s->o.clock, &clock) == -1)
		errx(FK_USAGE, "--clock: %s: expected YYYY-MM-DDTHH:MM:SS, 2020..2099", s->o.clock);
	for (int i = 0; i < s->o.naddr; i++) {
		struct tem_sim *m = &s->m[i];
		tem_sim_init(m, s->o.addr[i]);
		if (json && tem_sim_image(m, json, why, sizeof(why)) == -1)
			errx(FK_USAGE, "%s: %s", s->o.image, why);
		if (s->o.clock)
			m->clock = clock;
		if (s->o.flash_kib)
			m->flash_type = s->o.flash_kib == 512 ? TEM_FLASH_512K : TEM_FLASH_1M;
		for (int k = 0; k < 3; k++)
			if (s->o.count[k] >= 0)
				m->count[k] = s->o.count[k];
		if (tem_sim_start(m) == -1)
			err(FK_SOFTWARE, "meter %u", m->addr);
		if (s->o.bad_record_cs && m->count[TEM_HOUR] > 0) {
			struct tem_region r[3];
			tem_flash_layout(m->flash_type, r);
			m->flash[tem_ring_addr(&r[TEM_HOUR], m->count[TEM_HOUR] - 1) +
			    TEM_R_CHECKSUM] ^= 0xFF;
		}
	}
	free(json);
}

static long long
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Bytes nobody reads must not block the meter: a real line just loses them. */
static void
put(struct sim *s, const uint8_t *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(s->ps.master, b, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN) {
			tcflush(s->ps.hold, TCIFLUSH);
			if ((w = write(s->ps.master, b, n)) == -1)
				return;
		}
		if (w == -1)
			err(FK_IO, "%s", s->ps.path);
		s->bytes_tx += (unsigned long)w;
		b += w;
		n -= (size_t)w;
	}
}

/* Queue bytes on a stream; a full queue loses them, as a gateway's full buffer would. */
static struct out *
enqueue(struct sim *s, struct stream *st, long long due_ns, int paced)
{
	struct out *o;

	if (st->n == OUTQ) {
		if (s->o.verbose)
			fprintf(stderr, "temsim: output queue full, answer lost\n");
		return NULL;
	}
	o = &st->q[(st->head + st->n++) % OUTQ];
	memset(o, 0, sizeof(*o));
	o->due_ns = due_ns;
	o->paced = paced;
	return o;
}

/* When the next byte of st may go, or -1 when it has none. */
static long long
next_due(const struct sim *s, const struct stream *st)
{
	const struct out *o = &st->q[st->head];
	long long t;

	if (st->n == 0)
		return -1;
	t = o->due_ns;
	if (o->pos > 0 && o->pos == o->pause_at && o->pause_ns > 0)
		t = st->free_ns + o->pause_ns;	/* --pause: from the half's last byte */
	if (!o->paced)
		return t;
	/* A UART sends back to back: a late byte is caught up on, not pushed back. */
	if (st->free_ns > t)
		t = st->free_ns;
	return t + s->byte_ns;
}

/*
 * Send what is due on st by now.  Paced bytes are handed over when their
 * stop bit is done.
 */
static void
pump(struct sim *s, struct stream *st, long long now)
{
	long long t;

	while ((t = next_due(s, st)) >= 0 && t <= now) {
		struct out *o = &st->q[st->head];
		size_t n = o->paced ? 1 : o->n - o->pos;
		if (!o->paced && o->pause_at > o->pos)
			n = o->pause_at - o->pos;
		put(s, o->b + o->pos, n);
		o->pos += n;
		st->free_ns = o->paced ? t : now;
		if (o->pos == o->n) {
			st->head = (st->head + 1) % OUTQ;
			st->n--;
		}
	}
}

/* Noise, the glitch byte and the answer, due at due_ns. */
static void
answer(struct sim *s, const uint8_t *ans, size_t n, long long due_ns)
{
	struct out *o = enqueue(s, &s->ans, due_ns, s->o.pace);

	if (o == NULL)
		return;
	for (long i = 0; i < s->o.noise; i++) {
		s->rng ^= s->rng << 13;
		s->rng ^= s->rng >> 17;
		s->rng ^= s->rng << 5;
		o->b[o->n++] = (uint8_t)s->rng;
	}
	if (s->o.glitch)
		o->b[o->n++] = (uint8_t)s->o.glitch;
	o->pause_at = o->n + n / 2;
	o->pause_ns = s->o.pause_ms * 1000000LL;
	memcpy(o->b + o->n, ans, n);
	o->n += n;
}

/* A plain meter answers only the newest request: an answer not begun is replaced. */
static int
meter_busy(struct sim *s)
{
	struct stream *st = &s->ans;

	if (s->o.gateway || st->n == 0)
		return 0;
	if (st->q[st->head].pos > 0)
		return 1;
	st->n = 0;
	return 0;
}

static void
describe(char *out, size_t len, const struct tem_frame *f)
{
	const uint8_t *d = f->data;

	if (f->cgrp == TEM_CGRP_LINK && f->cmd == TEM_CMD_IDENT)
		snprintf(out, len, "identify");
	else if (f->cgrp == TEM_CGRP_MEM && f->cmd == TEM_CMD_RAM && f->len == 3)
		snprintf(out, len, "read ram 0x%04X %u", d[0] << 8 | d[1], d[2]);
	else if (f->cgrp == TEM_CGRP_MEM && f->cmd == TEM_CMD_FLASH && f->len == 5)
		snprintf(out, len, "read flash 0x%08X %u",
		    (unsigned)d[1] << 24 | d[2] << 16 | d[3] << 8 | d[4], d[0]);
	else
		snprintf(out, len, "command %02X %02X length %u", f->cgrp, f->cmd, f->len);
}

/* One request off the line; 1 when the device should vanish now. */
static int
serve(struct sim *s, const struct tem_frame *f, const uint8_t *raw, size_t rawlen,
    long long arrived)
{
	uint8_t ans[TEM_MAXFRAME];
	struct tem_sim *m = NULL;
	const char *what = "absent";
	char desc[64];
	size_t n = 0;

	s->requests++;
	for (int i = 0; i < s->o.naddr; i++)
		if (s->m[i].addr == f->addr)
			m = &s->m[i];
	if (s->o.vanish_after && (long)s->answered >= s->o.vanish_after)
		return 1;
	/* The request crosses the line at the baud rate; its echo comes back as it goes. */
	long long end = arrived;
	if (s->o.echo) {
		struct out *o = enqueue(s, &s->echo, arrived, 1);
		if (o) {
			memcpy(o->b, raw, rawlen);
			o->n = rawlen;
		}
	}
	if (s->o.pace || s->o.echo)
		end += (long long)rawlen * s->byte_ns;
	if (m && s->o.silent[m->addr])
		what = "silent";
	else if (m && meter_busy(s))
		what = "unheard (meter talking)";
	else if (m && s->o.drop > 0) {
		s->o.drop--;
		what = "dropped";
	} else if (m && (n = tem_sim_answer(m, f, ans)) == 0)
		what = "refused";
	else if (m) {
		what = "answered";
		if (s->o.bad_cs > 0) {
			s->o.bad_cs--;
			ans[n - 1] ^= 0xFF;
			what = "bad-cs";
		}
		answer(s, ans, n, end + s->o.turnaround_ms * 1000000LL);
		s->answered++;
	}
	if (s->o.verbose) {
		describe(desc, sizeof(desc), f);
		fprintf(stderr, "temsim: request %lu: meter %u %s: %s\n", s->requests,
		    f->addr, desc, what);
	}
	return 0;
}

/* Read what the line brings and serve every whole request; 1 to vanish. */
static int
receive(struct sim *s, uint8_t *buf, size_t *have, long long *last_ms)
{
	static const struct tem_expect req = { TEM_SIG_REQ, -1, -1, -1, -1, NULL, 0 };
	struct tem_scan_stats st;
	struct tem_frame f;
	long long now;
	size_t used;
	ssize_t r;

	r = read(s->ps.master, buf + *have, 512 - *have);
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0)
		err(FK_IO, "%s", s->ps.path);
	now = now_ns();
	s->bytes_rx += (unsigned long)r;
	*have += (size_t)r;
	*last_ms = fk_now_ms();
	for (;;) {
		memset(&st, 0, sizeof(st));
		int rc = tem_scan(buf, *have, &req, &f, &used, &st);
		if (rc == TEM_SCAN_OK) {
			size_t flen = TEM_HDRLEN + f.len + 1;
			if (serve(s, &f, buf + used - flen, flen, now))
				return 1;
		}
		memmove(buf, buf + used, *have - used);
		*have -= used;
		if (rc != TEM_SCAN_OK)
			break;
	}
	if (*have == 512)
		*have = 0;
	return 0;
}

static void
on_signals(struct sim *s)
{
	if (got_usr1) {
		for (; got_usr1 > 0; got_usr1--)
			for (int i = 0; i < s->o.naddr; i++)
				tem_sim_tick(&s->m[i]);
		if (s->o.verbose)
			fprintf(stderr, "temsim: clock advanced, records written\n");
	}
	if (got_usr2) {
		got_usr2 = 0;
		for (int i = 0; i < s->o.naddr; i++)
			tem_sim_erase(&s->m[i]);
		if (s->o.verbose)
			fprintf(stderr, "temsim: archive erased\n");
	}
}

/* Serve until SIGTERM/SIGINT or --vanish-after; a request cut short by the 0.5 s gap is dropped. */
static void
run(struct sim *s)
{
	uint8_t buf[512];
	size_t have = 0;
	long long last_ms = 0;
	while (!fk_sig_stop) {
		struct pollfd p = { s->ps.master, POLLIN, 0 };
		long long now = now_ns(), wake = -1, t;
		pump(s, &s->echo, now);
		pump(s, &s->ans, now);
		if (have)
			wake = (last_ms + TEM_GAP_MS) * 1000000LL;
		if ((t = next_due(s, &s->echo)) >= 0 && (wake < 0 || t < wake))
			wake = t;
		if ((t = next_due(s, &s->ans)) >= 0 && (wake < 0 || t < wake))
			wake = t;
		struct timespec to = { 0, 0 };
		if (wake > now)
			to = (struct timespec){ (wake - now) / 1000000000LL, (wake - now) % 1000000000LL };
		int rc = ppoll(&p, 1, wake >= 0 ? &to : NULL, fk_sig_open());
		if (rc == -1 && errno != EINTR)
			err(FK_IO, "poll");
		/* A request flood keeps the pty ready, and ppoll() then leaves signals pending. */
		if (rc > 0)
			fk_sig_take_pending();
		on_signals(s);
		if (rc == 0 && have && fk_now_ms() - last_ms >= TEM_GAP_MS)
			have = 0;
		if (rc > 0 && (p.revents & POLLIN) && receive(s, buf, &have, &last_ms))
			return;
	}
}

static int
finish(struct sim *s)
{
	FILE *f;

	pty_sim_close(&s->ps);
	for (int i = 0; i < s->o.naddr; i++)
		tem_sim_free(&s->m[i]);
	if (s->o.stats == NULL)
		return FK_OK;
	if ((f = fopen(s->o.stats, "w")) == NULL) {
		warn("%s", s->o.stats);
		return FK_IO;
	}
	fprintf(f, "requests %lu bytes_rx %lu bytes_tx %lu\n", s->requests, s->bytes_rx,
	    s->bytes_tx);
	if (fclose(f) == EOF) {
		warn("%s", s->o.stats);
		return FK_IO;
	}
	return FK_OK;
}

int
main(int argc, char **argv)
{
	static struct sim s;
	parse_opts(argc, argv, &s.o);
	setup_meters(&s);
	fk_sig_init();
	fk_sig_catch(SIGUSR1, on_usr);
	fk_sig_catch(SIGUSR2, on_usr);
	fk_sig_block();
	if (pty_sim_open(&s.ps, s.o.link) == -1)
		err(FK_NODEV, "pseudo-terminal%s%s", s.o.link ? " " : "", s.o.link ? s.o.link : "");
	fcntl(s.ps.master, F_SETFL, fcntl(s.ps.master, F_GETFL) | O_NONBLOCK);
	s.rng = 0x2545F491u;
	s.byte_ns = 10000000000LL / s.o.baud;
	if (printf("%s\n", s.ps.path) < 0 || fflush(stdout) == EOF)
		warn("stdout");
	run(&s);
	return finish(&s);
}
