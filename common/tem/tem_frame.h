/* TEM-106 frame codec: build requests, find and check answers in received bytes. Pure. */
#ifndef TEM_FRAME_H
#define TEM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define TEM_SIG_REQ	0x55
#define TEM_SIG_ANS	0xAA
#define TEM_MAXDATA	64
#define TEM_HDRLEN	6
#define TEM_MAXFRAME	(TEM_HDRLEN + TEM_MAXDATA + 1)

enum { TEM_CGRP_LINK = 0x00, TEM_CGRP_MEM = 0x0F };
enum { TEM_CMD_IDENT = 0x00, TEM_CMD_RAM = 0x01, TEM_CMD_FLASH = 0x03 };

/* NOT of the low byte of the sum of n bytes. */
uint8_t tem_cs(const uint8_t *b, size_t n);

/* Build a frame into out[TEM_MAXFRAME]; returns its length (0 if len > 64). */
size_t tem_build(uint8_t *out, uint8_t sig, uint8_t addr, uint8_t cgrp,
    uint8_t cmd, const uint8_t *data, size_t len);
size_t tem_req_ident(uint8_t *out, uint8_t addr);
size_t tem_req_ram(uint8_t *out, uint8_t addr, uint16_t start, uint8_t n);
size_t tem_req_flash(uint8_t *out, uint8_t addr, uint32_t start, uint8_t n);

/*
 * Data length of the answer to request req (RAM and flash reads: the count
 * asked for); -1 when any length may come (identify) or req is no request.
 */
int tem_ans_len(const uint8_t *req, size_t len);

/* What a frame must look like to be accepted; -1 in a field means any. */
struct tem_expect {
	uint8_t sig;
	int addr, cgrp, cmd, len;
	const uint8_t *echo;	/* our request: skipped whole if it comes back */
	size_t echolen;
};

struct tem_frame {
	uint8_t sig, addr, cgrp, cmd, len;
	const uint8_t *data;	/* points into the scanned buffer */
};

/* Why bytes were passed over, for error messages and --trace. */
struct tem_scan_stats {
	unsigned echo;		/* our own request seen (RS-485 echo) */
	unsigned bad_cs;	/* header matched, checksum did not */
	unsigned mismatch;	/* a SIG byte whose header did not match */
	unsigned noise;		/* other bytes skipped */
};

enum { TEM_SCAN_NEED = 0, TEM_SCAN_OK = 1 };

/*
 * Find the first acceptable frame in buf[0..n).  TEM_SCAN_OK: *f is it and
 * *used is the offset just past it.  TEM_SCAN_NEED: no frame yet; the first
 * *used bytes can never start one and may be discarded, the rest may be the
 * start of a frame still arriving.
 */
int tem_scan(const uint8_t *buf, size_t n, const struct tem_expect *e,
    struct tem_frame *f, size_t *used, struct tem_scan_stats *st);

/* Hex dump "55 01 FE ..." of n bytes into out (3*n+1 bytes). */
char *tem_hex(char *out, const uint8_t *b, size_t n);

#endif
