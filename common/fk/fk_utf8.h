/* The suite's one UTF-8 validator (RFC 3629): what JSON, MQTT topics and datagram text accept. */
#ifndef FK_UTF8_H
#define FK_UTF8_H

#include <stddef.h>

/*
 * Length (1..4) of the valid UTF-8 sequence at s, which has n > 0 bytes, or 0
 * when s does not start one: stray continuation bytes, C0, C1 and F5..FF,
 * overlong forms, UTF-16 surrogates (U+D800..DFFF), values past U+10FFFF and
 * sequences cut short by the end are all invalid.  NUL counts as valid (1).
 */
size_t fk_utf8_len(const unsigned char *s, size_t n);

#endif
