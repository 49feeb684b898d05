/*
 * mqpub --taken-fd: how many input lines a producer may forget, because all
 * their messages are acknowledged by the broker or in the spool (fsynced).
 * Lines are taken in order: one still held only in memory holds back every
 * line after it.
 */
#ifndef MQ_TAKEN_H
#define MQ_TAKEN_H

#include <stddef.h>
#include <stdint.h>

#include "mq_ring.h"

/*
 * Of the first lineno lines read, how many are taken, given the ring and
 * lists (linked by next) of messages held only in memory: staged, spilled.
 */
uint64_t mq_taken(const struct mq_ring *r, const struct mq_msg *const lists[], size_t nlists,
    uint64_t lineno);

#endif
