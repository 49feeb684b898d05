/* One TEM-106 request/answer exchange over a serial line: echo, noise, retries, trace. */
#ifndef TEM_LINK_H
#define TEM_LINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fk/ser_port.h"
#include "tem_frame.h"
#include "tem_linkq.h"

#define TEM_GAP_MS	500	/* the protocol's longest pause between bytes of a frame */

struct tem_link {
	struct ser_port *port;
	int tries;		/* attempts per exchange, >= 1 */
	int timeout_ms;		/* the meter's turnaround: from the end of the request (and its echo) to the answer */
	int gap_ms;		/* inter-byte timeout */
	FILE *trace;		/* hex of every frame sent and received, or NULL */
	/* counters for benchmarks and messages */
	unsigned long requests, bytes_tx, bytes_rx;
	/* why the last failed exchange failed ("no answer"), after how many tries */
	char why[96];
	int tried;
	struct tem_linkq q;	/* requests whose answers may still come */
	long long late_ms;	/* an answer to the failed request came this late, or 0 */
};

enum tem_status {
	TEM_OK = 0,
	TEM_ENOANSWER,	/* nothing but our echo or noise came back */
	TEM_ETIMEOUT,	/* an answer started but stopped for longer than the gap */
	TEM_EPROTO,	/* answers came back with bad checksums or headers */
	TEM_EIO		/* the line itself failed (device gone) */
};

void tem_link_init(struct tem_link *l, struct ser_port *port);

/*
 * Send req and wait for its answer, up to l->tries times.  Only an answer
 * that provably belongs to req's content is taken (see tem_linkq.h); between
 * attempts the line is drained until quiet.  Copies the data into out (>= 64
 * bytes) and its length into *outlen.  On failure l->why says what happened.
 * TEM_EPROTO without sending when req could not be told apart from an
 * unsettled request.
 */
enum tem_status tem_xfer(struct tem_link *l, const uint8_t *req, size_t reqlen,
    uint8_t *out, size_t *outlen);

/* Identify (00 00): the raw model bytes (up to 64) into out, count in *n. */
enum tem_status tem_identify(struct tem_link *l, uint8_t addr, uint8_t *out, size_t *n);

/*
 * Read n bytes of timer RAM / flash from start, in requests of up to 64
 * bytes (shorter while a read of that length is unsettled).
 */
enum tem_status tem_read_ram(struct tem_link *l, uint8_t addr, uint16_t start,
    size_t n, uint8_t *out);
enum tem_status tem_read_flash(struct tem_link *l, uint8_t addr, uint32_t start,
    size_t n, uint8_t *out);

/*
 * The last failure as "no answer from meter 3 after 3 tries" (addr >= 0), or
 * "no answer after 3 tries" (addr < 0, where the address is said elsewhere).
 */
char *tem_link_error(const struct tem_link *l, int addr, char *buf, size_t len);

/* Suite exit code for a link status (FK_NOANSWER, FK_TIMEOUT, FK_PROTO, FK_IO). */
int tem_status_exit(enum tem_status s);

#endif
