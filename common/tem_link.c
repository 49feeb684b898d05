#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fk_exit.h"
#include "jsonl.h"
#include "tem_link.h"

void
tem_link_init(struct tem_link *l, struct ser_port *port)
{
	memset(l, 0, sizeof(*l));
	l->port = port;
	l->tries = 3;
	l->timeout_ms = 1000;
	l->gap_ms = TEM_GAP_MS;
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
	fprintf(l->trace, "%s %s %s\n", jsonl_utc_ms(ts, sizeof(ts), &now), what,
	    tem_hex(hex, b, n));
	fflush(l->trace);
}

/* One attempt: write, then collect bytes until a frame fits or the line falls silent. */
static enum tem_status
attempt(struct tem_link *l, const uint8_t *req, size_t reqlen,
    const struct tem_expect *e, uint8_t *out, size_t *outlen)
{
	uint8_t buf[4 * TEM_MAXFRAME];
	size_t have = 0, used;
	struct tem_scan_stats st = { 0 };
	struct tem_frame f;
	int wait = l->timeout_ms;
	unsigned long got = 0;

	ser_flush_input(l->port);
	trace(l, "tx", req, reqlen);
	l->requests++;
	if (ser_write(l->port, req, reqlen, l->timeout_ms + l->gap_ms) == -1) {
		snprintf(l->why, sizeof(l->why), "write: %s", strerror(errno));
		return TEM_EIO;
	}
	l->bytes_tx += reqlen;
	for (;;) {
		ssize_t r = ser_read(l->port, buf + have, sizeof(buf) - have, wait);
		if (r < 0) {
			snprintf(l->why, sizeof(l->why), "read: %s", strerror(errno));
			return TEM_EIO;
		}
		if (r == 0)
			break;
		got += (unsigned long)r;
		l->bytes_rx += (unsigned long)r;
		have += (size_t)r;
		wait = l->gap_ms;
		if (tem_scan(buf, have, e, &f, &used, &st) == TEM_SCAN_OK) {
			/* Echo or noise that came in the same read is shown apart from the answer. */
			size_t start = (size_t)(f.data - buf) - TEM_HDRLEN;
			trace(l, "rx-skip", buf, start);
			trace(l, "rx", buf + start, used - start);
			memcpy(out, f.data, f.len);
			*outlen = f.len;
			return TEM_OK;
		}
		/* Keep the tail that may still become a frame. */
		if (used > 0) {
			trace(l, "rx-skip", buf, used);
			memmove(buf, buf + used, have - used);
			have -= used;
		}
		if (have == sizeof(buf)) {
			trace(l, "rx-skip", buf, 1);
			memmove(buf, buf + 1, --have);
		}
	}
	trace(l, "rx-incomplete", buf, have);
	if (st.bad_cs) {
		snprintf(l->why, sizeof(l->why), "bad checksum");
		return TEM_EPROTO;
	}
	if (got == 0 || got == st.echo * reqlen) {
		snprintf(l->why, sizeof(l->why), "no answer");
		return TEM_ENOANSWER;
	}
	if (have > 0 && have + st.echo * reqlen == got) {
		snprintf(l->why, sizeof(l->why), "incomplete answer (%zu bytes)", have);
		return TEM_ETIMEOUT;
	}
	snprintf(l->why, sizeof(l->why), "no valid answer (%lu bytes of noise)", got);
	return TEM_EPROTO;
}

enum tem_status
tem_xfer(struct tem_link *l, const uint8_t *req, size_t reqlen,
    const struct tem_expect *e, uint8_t *out, size_t *outlen)
{
	enum tem_status s = TEM_ENOANSWER;
	int tries = l->tries < 1 ? 1 : l->tries;

	l->tried = 0;
	for (int i = 0; i < tries; i++) {
		if ((s = attempt(l, req, reqlen, e, out, outlen)) == TEM_OK ||
		    s == TEM_EIO)
			return s;
	}
	l->tried = tries;
	return s;
}

static void
expect_for(struct tem_expect *e, const uint8_t *req, size_t reqlen, int len)
{
	memset(e, 0, sizeof(*e));
	e->sig = TEM_SIG_ANS;
	e->addr = req[1];
	e->cgrp = req[3];
	e->cmd = req[4];
	e->len = len;
	e->echo = req;
	e->echolen = reqlen;
}

enum tem_status
tem_identify(struct tem_link *l, uint8_t addr, uint8_t *out, size_t *n)
{
	uint8_t req[TEM_MAXFRAME];
	size_t rl = tem_req_ident(req, addr);
	struct tem_expect e;

	expect_for(&e, req, rl, -1);
	return tem_xfer(l, req, rl, &e, out, n);
}

/* Timer RAM and flash reads differ only in the request; both go in 64-byte pieces. */
static enum tem_status
read_mem(struct tem_link *l, uint8_t addr, uint8_t cmd, uint32_t start,
    size_t n, uint8_t *out)
{
	uint8_t req[TEM_MAXFRAME];
	struct tem_expect e;
	enum tem_status s;
	size_t got, rl;

	while (n > 0) {
		uint8_t chunk = n > TEM_MAXDATA ? TEM_MAXDATA : (uint8_t)n;
		if (cmd == TEM_CMD_RAM)
			rl = tem_req_ram(req, addr, (uint16_t)start, chunk);
		else
			rl = tem_req_flash(req, addr, start, chunk);
		expect_for(&e, req, rl, chunk);
		if ((s = tem_xfer(l, req, rl, &e, out, &got)) != TEM_OK)
			return s;
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
