/*
 * Requests whose answers may still arrive, and which request an answer can
 * belong to.  Pure.
 *
 * A TEM-106 answer names its meter, CGRP, CMD and length, not the address it
 * was read from: two reads of the same length look alike.  A meter (or a
 * gateway) answers the requests to it in the order it heard them, at most
 * once each, possibly late or not at all; so an answer settles every request
 * to that meter sent before the one it answers.  Meters on one bus keep no
 * order among each other.  The queue keeps the requests not
 * settled yet and lets a request be sent only when no unsettled request of
 * the same answer shape asks for something else; so every answer of a shape
 * is, whatever its delay, the answer to the one content pending for it.
 *
 * Some gateways send an answer twice, so a request's own answer does not
 * settle it: only an answer to a later request of its meter does (in order,
 * every copy of the earlier answer has come by then).  The same request
 * again is one entry only when sent right after its last copy.  Consecutive
 * reads of one length therefore alternate lengths (64, 63, 64...); answers'
 * contents are never compared, since real meters' memory repeats itself.
 */
#ifndef TEM_LINKQ_H
#define TEM_LINKQ_H

#include <stddef.h>
#include <stdint.h>

#include "tem_frame.h"

#define TEM_LINKQ_MAX	128

struct tem_linkq {
	struct {
		uint8_t req[TEM_MAXFRAME];
		uint8_t len;
	} e[TEM_LINKQ_MAX];
	unsigned n;
};

void tem_linkq_init(struct tem_linkq *q);

/* 1 when req may be sent: no unsettled request has its answer shape, or only req itself, sent last. */
int tem_linkq_may_send(const struct tem_linkq *q, const uint8_t *req, size_t len);

/*
 * The read request (cmd TEM_CMD_RAM or TEM_CMD_FLASH) for up to n (1..64)
 * bytes from start that may be sent now.  While a different read of n bytes
 * is unsettled, the request asks for a few bytes more (within start's
 * 64-byte block) or, failing that, fewer.  Returns how many of the answer's
 * bytes are wanted (req and *reqlen set; the answer may carry more), 0 when
 * no length is free.
 */
unsigned tem_linkq_read(const struct tem_linkq *q, uint8_t addr, uint8_t cmd,
    uint32_t start, unsigned n, uint8_t *req, size_t *reqlen);

/* req went out (call only when tem_linkq_may_send() said 1); -1 when the queue is full. */
int tem_linkq_sent(struct tem_linkq *q, const uint8_t *req, size_t len);

/*
 * Answer frame f arrived.  1 when it answers req (the request now waiting):
 * accept it.  0 when it answers another unsettled request (late), -1 when no
 * unsettled request has its shape (another program's, or noise that passed
 * the checksum).  The requests of its meter sent before the one it answers
 * are settled and leave the queue; the one it answers stays.
 */
int tem_linkq_answer(struct tem_linkq *q, const struct tem_frame *f,
    const uint8_t *req, size_t len);

#endif
