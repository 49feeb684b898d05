/* Datagram bytes as JSON-safe text and hex, and cutting long messages at character edges. */
#ifndef UDP_TEXT_H
#define UDP_TEXT_H

#include <stddef.h>

/*
 * Render b[0..n) as UTF-8 text into out (room for 3 * n + 1 bytes): valid
 * sequences are copied, every other byte (and NUL, which a C string cannot
 * carry) becomes U+FFFD.  Returns 1 when the text is the bytes exactly,
 * 0 when something was replaced.
 */
int udp_text_render(const unsigned char *b, size_t n, char *out);

/* Lowercase hex of b[0..n) into out (room for 2 * n + 1 bytes). */
char *udp_text_hex(const unsigned char *b, size_t n, char *out);

/*
 * Length of the first piece of b[0..n) no longer than max bytes that does not
 * cut a valid UTF-8 character in two (bytes that are not UTF-8 cut anywhere).
 * Returns n when it all fits; at least 1 when n > 0 and max >= 4.
 */
size_t udp_text_cut(const unsigned char *b, size_t n, size_t max);

#endif
