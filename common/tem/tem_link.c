#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fk/fk_clock.h"
#include "fk/fk_exit.h"
#include "tem_link.h"

void
tem_link_init(struct tem_link *l, struct ser_port *port)
{
	memset(l, 0, sizeof(*l));
	l->port = port;
	l->tries = 3;
	l->timeout_ms = 1000;
	l->gap_ms = TEM_GAP_MS;
	tem_linkq_init(&l->q);
}

static void
trace(struct tem_link *l, const char *what, const uint8_t *b, size_t n)
{
	char ts[40], hex[3 * 512 + 1];
	struct timespec now;

	if (l->trace == NULL || n == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	if (n > 512)
		n = 512;
	fprintf(l->trace, "%s %s %s\n", fk_clock_utc_ms(ts, sizeof(ts), &now), what,
	    tem_hex(hex, b, n));
	fflush(l->trace);
}

/* What one attempt (or a drain) saw on the line. */
struct rx {
	uint8_t buf[4 * TEM_MAXFRAME];
	size_t have;
	unsigned long got, echo_bytes, late_bytes;
	struct tem_scan_stats st;
	int late, foreign, mine;	/* answers to earlier requests, to no request of ours, to req */
	size_t broken;			/* bytes of the longest answer cut by a gap */
	long long last_ms;		/* when the last byte came */
};

/* Wire time of n bytes at the line's baud (10 bits each), rounded up. */
static long long
wire_ms(const struct tem_link *l, size_t n)
{
	int baud = ser_baud(l->port);

	return baud > 0 ? ((long long)n * 10000 + baud - 1) / baud : 0;
}

/*
 * Take the frames in rx: each settles requests in l->q.  With accept, the
 * first answer to req is copied out and 1 returned.  Echo and noise are
 * skipped; an incomplete tail stays.
 */
static int
take(struct tem_link *l, struct rx *rx, const uint8_t *req, size_t reqlen, int accept,
    uint8_t *out, size_t *outlen)
{
	const struct tem_expect any = { TEM_SIG_ANS, -1, -1, -1, -1, req, reqlen };
	struct tem_frame f;
	size_t used;

	for (;;) {
		unsigned echo0 = rx->st.echo;
		int rc = tem_scan(rx->buf, rx->have, &any, &f, &used, &rx->st);
		rx->echo_bytes += (rx->st.echo - echo0) * reqlen;
		if (rc != TEM_SCAN_OK) {
			trace(l, "rx-skip", rx->buf, used);
			memmove(rx->buf, rx->buf + used, rx->have - used);
			rx->have -= used;
			if (rx->have == sizeof(rx->buf)) {
				trace(l, "rx-skip", rx->buf, 1);
				memmove(rx->buf, rx->buf + 1, --rx->have);
			}
			return 0;
		}
		size_t flen = TEM_HDRLEN + f.len + 1, start = used - flen;
		int whose = tem_linkq_answer(&l->q, &f, req, reqlen);
		trace(l, "rx-skip", rx->buf, start);
		trace(l, whose == 1 && accept ? "rx" : whose == 1 ? "rx-late" :
		    whose == 0 ? "rx-earlier" : "rx-foreign", rx->buf + start, flen);
		if (whose == 1 && accept) {
			memcpy(out, f.data, f.len);
			*outlen = f.len;
			return 1;
		}
		rx->mine += whose == 1;
		rx->late += whose == 0;
		rx->foreign += whose == -1;
		rx->late_bytes += flen;
		memmove(rx->buf, rx->buf + used, rx->have - used);
		rx->have -= used;
	}
}

/* A stop signal or a dead line: the wait is over. */
static enum tem_status
read_failed(struct tem_link *l)
{
	snprintf(l->why, sizeof(l->why), "read: %s", strerror(errno));
	return TEM_EIO;
}

/* Bytes of our own request coming back, whole or begun: the request is still on the line. */
static int
echo_pending(const struct rx *rx, const uint8_t *req, size_t reqlen)
{
	return rx->have > 0 && rx->have < reqlen && memcmp(rx->buf, req, rx->have) == 0;
}

/*
 * After a failed attempt: read until the line has been quiet for the gap,
 * so late answers are seen (and settle their requests) before the next
 * request.  An answer to req itself is not taken (it came after --timeout)
 * but remembered in l->late_ms.  Bounded, so a chattering line cannot hold us.
 */
static enum tem_status
drain(struct tem_link *l, const uint8_t *req, size_t reqlen, long long sent_end)
{
	struct rx rx = { .have = 0 };
	long long now = fk_now_ms(), quiet = now + l->gap_ms;
	long long stop = now + l->timeout_ms + 4LL * l->gap_ms;

	while ((now = fk_now_ms()) < quiet && now < stop) {
		ssize_t r = ser_read(l->port, rx.buf + rx.have, sizeof(rx.buf) - rx.have,
		    (int)((quiet < stop ? quiet : stop) - now));
		if (r < 0)
			return read_failed(l);
		if (r == 0)
			continue;
		rx.have += (size_t)r;
		l->bytes_rx += (unsigned long)r;
		quiet = fk_now_ms() + l->gap_ms;
		take(l, &rx, req, reqlen, 0, NULL, NULL);
		if (rx.mine && l->late_ms == 0)
			l->late_ms = fk_now_ms() - sent_end;
	}
	trace(l, "rx-drained", rx.buf, rx.have);
	return TEM_OK;
}

/*
 * One attempt: write, then collect bytes until our answer is complete or
 * the turnaround (from the end of the request and of its echo) has passed
 * with no answer begun.  *sent_end: when the request left the line.
 */
static enum tem_status
attempt(struct tem_link *l, const uint8_t *req, size_t reqlen, uint8_t *out,
    size_t *outlen, long long *sent_end)
{
	struct rx rx = { .have = 0 };
	long long deadline, now;

	if (tem_linkq_sent(&l->q, req, reqlen) == -1) {
		snprintf(l->why, sizeof(l->why), "too many unanswered requests on the line");
		return TEM_EPROTO;
	}
	trace(l, "tx", req, reqlen);
	l->requests++;
	if (ser_write(l->port, req, reqlen, l->timeout_ms + l->gap_ms) == -1) {
		snprintf(l->why, sizeof(l->why), "write: %s", strerror(errno));
		return TEM_EIO;
	}
	l->bytes_tx += reqlen;
	*sent_end = fk_now_ms() + wire_ms(l, reqlen);
	deadline = *sent_end + l->timeout_ms;
	for (;;) {
		long long until = deadline;
		int begun = rx.have > 0 && !echo_pending(&rx, req, reqlen);
		now = fk_now_ms();
		/* A frame begun must go on, a byte at most a gap after the last, even past the deadline. */
		if (begun && now >= rx.last_ms + l->gap_ms) {
			trace(l, "rx-incomplete", rx.buf, rx.have);
			rx.broken = rx.have > rx.broken ? rx.have : rx.broken;
			rx.have = 0;
			begun = 0;
		}
		if (begun)
			until = rx.last_ms + l->gap_ms;
		if (now >= until)
			break;
		ssize_t r = ser_read(l->port, rx.buf + rx.have, sizeof(rx.buf) - rx.have,
		    (int)(until - now));
		if (r < 0)
			return read_failed(l);
		if (r == 0)
			continue;
		unsigned long echo0 = rx.echo_bytes;
		rx.last_ms = fk_now_ms();
		rx.got += (unsigned long)r;
		l->bytes_rx += (unsigned long)r;
		rx.have += (size_t)r;
		if (take(l, &rx, req, reqlen, 1, out, outlen))
			return TEM_OK;
		/* The turnaround starts when our echo is done, not when it starts. */
		if ((rx.echo_bytes > echo0 || echo_pending(&rx, req, reqlen)) &&
		    rx.last_ms + l->timeout_ms > deadline)
			deadline = rx.last_ms + l->timeout_ms;
	}
	trace(l, "rx-incomplete", rx.buf, rx.have);
	if (rx.st.bad_cs) {
		snprintf(l->why, sizeof(l->why), "bad checksum");
		return TEM_EPROTO;
	}
	unsigned long other = rx.got - rx.echo_bytes - rx.late_bytes;
	if (other == 0 && rx.late + rx.foreign > 0) {
		snprintf(l->why, sizeof(l->why), "no answer (%d to other requests)",
		    rx.late + rx.foreign);
		return TEM_ENOANSWER;
	}
	if (other == 0) {
		snprintf(l->why, sizeof(l->why), "no answer");
		return TEM_ENOANSWER;
	}
	if (rx.have > rx.broken)
		rx.broken = rx.have;
	if (rx.broken > 0) {
		snprintf(l->why, sizeof(l->why), "incomplete answer (%zu bytes)", rx.broken);
		return TEM_ETIMEOUT;
	}
	snprintf(l->why, sizeof(l->why), "no valid answer (%lu bytes of noise)", other);
	return TEM_EPROTO;
}

enum tem_status
tem_xfer(struct tem_link *l, const uint8_t *req, size_t reqlen, uint8_t *out,
    size_t *outlen)
{
	enum tem_status s = TEM_ENOANSWER;
	int tries = l->tries < 1 ? 1 : l->tries;
	long long sent_end = 0;

	l->tried = 0;
	l->late_ms = 0;
	if (!tem_linkq_may_send(&l->q, req, reqlen)) {
		snprintf(l->why, sizeof(l->why),
		    "request cannot be told apart from an unanswered one");
		return TEM_EPROTO;
	}
	for (int i = 0; i < tries; i++) {
		if ((s = attempt(l, req, reqlen, out, outlen, &sent_end)) == TEM_OK ||
		    s == TEM_EIO)
			return s;
		/* Before the next request; after the last one the queue keeps us safe. */
		if (i + 1 < tries && drain(l, req, reqlen, sent_end) == TEM_EIO)
			return TEM_EIO;
		if (s == TEM_EPROTO && l->q.n == TEM_LINKQ_MAX)
			break;
	}
	l->tried = tries;
	if (l->late_ms > 0 && (s == TEM_ENOANSWER || s == TEM_ETIMEOUT)) {
		snprintf(l->why, sizeof(l->why),
		    "late answer (%lld ms after the request, --timeout %d ms)", l->late_ms,
		    l->timeout_ms);
		s = TEM_ETIMEOUT;
	}
	return s;
}

enum tem_status
tem_identify(struct tem_link *l, uint8_t addr, uint8_t *out, size_t *n)
{
	uint8_t req[TEM_MAXFRAME];
	size_t rl = tem_req_ident(req, addr);

	return tem_xfer(l, req, rl, out, n);
}

/* Timer RAM and flash reads differ only in the request; both go in pieces of up to 64. */
static enum tem_status
read_mem(struct tem_link *l, uint8_t addr, uint8_t cmd, uint32_t start,
    size_t n, uint8_t *out)
{
	uint8_t req[TEM_MAXFRAME], buf[TEM_MAXDATA];
	enum tem_status s;
	size_t got, rl;

	while (n > 0) {
		unsigned chunk = tem_linkq_read(&l->q, addr, cmd, start,
		    n > TEM_MAXDATA ? TEM_MAXDATA : (unsigned)n, req, &rl);
		if (chunk == 0) {
			l->tried = 0;
			snprintf(l->why, sizeof(l->why),
			    "too many unanswered requests: every read length is in use");
			return TEM_EPROTO;
		}
		/* The answer may be longer than the piece wanted (tem_linkq_read). */
		if ((s = tem_xfer(l, req, rl, buf, &got)) != TEM_OK)
			return s;
		memcpy(out, buf, chunk);
		start += chunk;
		out += chunk;
		n -= chunk;
	}
	return TEM_OK;
}

enum tem_status
tem_read_ram(struct tem_link *l, uint8_t addr, uint16_t start, size_t n,
    uint8_t *out)
{
	return read_mem(l, addr, TEM_CMD_RAM, start, n, out);
}

enum tem_status
tem_read_flash(struct tem_link *l, uint8_t addr, uint32_t start, size_t n,
    uint8_t *out)
{
	return read_mem(l, addr, TEM_CMD_FLASH, start, n, out);
}

char *
tem_link_error(const struct tem_link *l, int addr, char *buf, size_t len)
{
	const char *t = l->tried == 1 ? "try" : "tries";

	if (l->tried == 0)	/* failed before any exchange completed: the line itself */
		snprintf(buf, len, "%s", l->why);
	else if (addr >= 0)
		snprintf(buf, len, "%s from meter %d after %d %s", l->why, addr, l->tried, t);
	else
		snprintf(buf, len, "%s after %d %s", l->why, l->tried, t);
	return buf;
}

int
tem_status_exit(enum tem_status s)
{
	switch (s) {
	case TEM_OK: return FK_OK;
	case TEM_ENOANSWER: return FK_NOANSWER;
	case TEM_ETIMEOUT: return FK_TIMEOUT;
	case TEM_EPROTO: return FK_PROTO;
	case TEM_EIO: return FK_IO;
	}
	return FK_SOFTWARE;
}
