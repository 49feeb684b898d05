/* udpmsg datagrams: plain board messages and the confirmed-mode frames between PC peers. */
#ifndef UDP_WIRE_H
#define UDP_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Most a board's 255-byte read buffer takes with room for its terminating NUL. */
#define UDP_MSG_MAX 254
/* Confirmed-mode header: magic 00 55 4D ("\0UM"), type, session, id (big-endian). */
#define UDP_WIRE_HDR 12
#define UDP_WIRE_MAGIC_LEN 3
/* Largest datagram we ever receive whole (IPv4 UDP payload limit, rounded up). */
#define UDP_DGRAM_MAX 65536

enum udp_kind {
	UDP_PLAIN,	/* bytes as a board sends them: the whole datagram is the message */
	UDP_DATA,	/* confirmed-mode message: header + message bytes */
	UDP_ACK,	/* confirmed-mode confirmation of (session, id) */
	UDP_MALFORMED	/* starts with the magic but is not a frame we know */
};

struct udp_frame {
	enum udp_kind kind;
	uint32_t session;
	uint32_t id;
	const unsigned char *msg;	/* the message bytes (whole datagram when plain) */
	size_t len;
	const char *why;		/* reason when UDP_MALFORMED */
};

/* Classify datagram b[0..n) and point f at its message; never fails. */
void udp_wire_parse(const unsigned char *b, size_t n, struct udp_frame *f);

/* 1 when plain bytes would be taken for a frame (they start with the magic). */
int udp_wire_looks_framed(const void *b, size_t n);

/* Build a data frame into out[UDP_WIRE_HDR + len]; returns its length. */
size_t udp_wire_data(unsigned char *out, uint32_t session, uint32_t id,
    const void *msg, size_t len);

/* Build a confirmation into out[UDP_WIRE_HDR]; returns UDP_WIRE_HDR. */
size_t udp_wire_ack(unsigned char *out, uint32_t session, uint32_t id);

#endif
