#include <stdio.h>
#include <string.h>

#include "tem_frame.h"

uint8_t
tem_cs(const uint8_t *b, size_t n)
{
	unsigned sum = 0;

	while (n--)
		sum += *b++;
	return (uint8_t)~sum;
}

size_t
tem_build(uint8_t *out, uint8_t sig, uint8_t addr, uint8_t cgrp, uint8_t cmd,
    const uint8_t *data, size_t len)
{
	if (len > TEM_MAXDATA)
		return 0;
	out[0] = sig;
	out[1] = addr;
	out[2] = (uint8_t)~addr;
	out[3] = cgrp;
	out[4] = cmd;
	out[5] = (uint8_t)len;
	if (len)
		memcpy(out + TEM_HDRLEN, data, len);
	out[TEM_HDRLEN + len] = tem_cs(out, TEM_HDRLEN + len);
	return TEM_HDRLEN + len + 1;
}

size_t
tem_req_ident(uint8_t *out, uint8_t addr)
{
	return tem_build(out, TEM_SIG_REQ, addr, TEM_CGRP_LINK, TEM_CMD_IDENT, NULL, 0);
}

size_t
tem_req_ram(uint8_t *out, uint8_t addr, uint16_t start, uint8_t n)
{
	uint8_t d[3] = { start >> 8, start & 0xFF, n };

	return tem_build(out, TEM_SIG_REQ, addr, TEM_CGRP_MEM, TEM_CMD_RAM, d, 3);
}

size_t
tem_req_flash(uint8_t *out, uint8_t addr, uint32_t start, uint8_t n)
{
	uint8_t d[5] = { n, start >> 24, (start >> 16) & 0xFF, (start >> 8) & 0xFF,
	    start & 0xFF };

	return tem_build(out, TEM_SIG_REQ, addr, TEM_CGRP_MEM, TEM_CMD_FLASH, d, 5);
}

int
tem_ans_len(const uint8_t *req, size_t len)
{
	if (len < TEM_HDRLEN + 1 || req[3] != TEM_CGRP_MEM)
		return -1;
	if (req[4] == TEM_CMD_RAM && req[5] == 3 && len >= TEM_HDRLEN + 3)
		return req[TEM_HDRLEN + 2];
	if (req[4] == TEM_CMD_FLASH && req[5] == 5 && len >= TEM_HDRLEN + 5)
		return req[TEM_HDRLEN];
	return -1;
}

static int
field_ok(int want, uint8_t got)
{
	return want < 0 || want == got;
}

/* 1 header fits e, 0 not, -1 not all header bytes here yet. */
static int
header_ok(const uint8_t *b, size_t avail, const struct tem_expect *e)
{
	if (avail < TEM_HDRLEN)
		return -1;
	return field_ok(e->addr, b[1]) && (b[1] ^ b[2]) == 0xFF &&
	    field_ok(e->cgrp, b[3]) && field_ok(e->cmd, b[4]) &&
	    field_ok(e->len, b[5]) && b[5] <= TEM_MAXDATA;
}

int
tem_scan(const uint8_t *buf, size_t n, const struct tem_expect *e,
    struct tem_frame *f, size_t *used, struct tem_scan_stats *st)
{
	size_t i = 0;

	while (i < n) {
		if (e->echolen && n - i >= e->echolen &&
		    memcmp(buf + i, e->echo, e->echolen) == 0) {
			st->echo++;
			i += e->echolen;
			continue;
		}
		if (buf[i] != e->sig) {
			/* A partial echo at the end may still complete. */
			if (e->echolen && n - i < e->echolen &&
			    memcmp(buf + i, e->echo, n - i) == 0)
				break;
			st->noise++;
			i++;
			continue;
		}
		int h = header_ok(buf + i, n - i, e);
		if (h < 0)
			break;
		if (h == 0) {
			st->mismatch++;
			i++;
			continue;
		}
		size_t flen = TEM_HDRLEN + buf[i + 5] + 1;
		if (n - i < flen)
			break;
		if (tem_cs(buf + i, flen - 1) != buf[i + flen - 1]) {
			st->bad_cs++;
			i++;
			continue;
		}
		f->sig = buf[i];
		f->addr = buf[i + 1];
		f->cgrp = buf[i + 3];
		f->cmd = buf[i + 4];
		f->len = buf[i + 5];
		f->data = buf + i + TEM_HDRLEN;
		*used = i + flen;
		return TEM_SCAN_OK;
	}
	*used = i;
	return TEM_SCAN_NEED;
}

char *
tem_hex(char *out, const uint8_t *b, size_t n)
{
	char *p = out;

	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, i ? " %02X" : "%02X", b[i]);
	return out;
}
