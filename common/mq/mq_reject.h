/*
 * A message set aside because the broker will not take it: one JSON line
 * for the spool's "rejected" file, so a person can see which input line it
 * was, where it was going, why, and resend it by hand.
 */
#ifndef MQ_REJECT_H
#define MQ_REJECT_H

#include <stddef.h>
#include <stdint.h>

/*
 * {"line":N,"seq":N,"topic":"...","reason":"...","payload":"..."} and a
 * newline, malloc'd, in *out (length *len).  line 0 (a message from the
 * spool, whose input line is unknown) is written as null.  A payload that
 * is not UTF-8 goes into "payload_hex" instead.  -1 when out of memory.
 */
int mq_reject_line(char **out, size_t *len, uint64_t line, uint64_t seq,
    const char *topic, size_t topic_len, const char *reason,
    const void *payload, size_t payload_len);

#endif
