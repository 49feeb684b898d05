#include <string.h>

#include "udp_wire.h"

/* NUL first: a board writes a C string, so its datagrams never start with one. */
static const unsigned char magic[UDP_WIRE_MAGIC_LEN] = { 0x00, 'U', 'M' };

enum { TYPE_DATA = 'D', TYPE_ACK = 'A' };

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int
udp_wire_looks_framed(const void *b, size_t n)
{
	return n >= UDP_WIRE_MAGIC_LEN && memcmp(b, magic, UDP_WIRE_MAGIC_LEN) == 0;
}

void
udp_wire_parse(const unsigned char *b, size_t n, struct udp_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->msg = b;
	f->len = n;
	if (!udp_wire_looks_framed(b, n)) {
		f->kind = UDP_PLAIN;
		return;
	}
	f->kind = UDP_MALFORMED;
	if (n < UDP_WIRE_HDR) {
		f->why = "short confirmed-mode header";
		return;
	}
	if (b[3] != TYPE_DATA && b[3] != TYPE_ACK) {
		f->why = "unknown confirmed-mode type";
		return;
	}
	if (b[3] == TYPE_ACK && n != UDP_WIRE_HDR) {
		f->why = "confirmation with trailing bytes";
		return;
	}
	f->kind = b[3] == TYPE_DATA ? UDP_DATA : UDP_ACK;
	f->session = get32(b + 4);
	f->id = get32(b + 8);
	f->msg = b + UDP_WIRE_HDR;
	f->len = n - UDP_WIRE_HDR;
}

static size_t
header(unsigned char *out, int type, uint32_t session, uint32_t id)
{
	memcpy(out, magic, UDP_WIRE_MAGIC_LEN);
	out[3] = type;
	put32(out + 4, session);
	put32(out + 8, id);
	return UDP_WIRE_HDR;
}

size_t
udp_wire_data(unsigned char *out, uint32_t session, uint32_t id,
    const void *msg, size_t len)
{
	header(out, TYPE_DATA, session, id);
	if (len > 0)
		memcpy(out + UDP_WIRE_HDR, msg, len);
	return UDP_WIRE_HDR + len;
}

size_t
udp_wire_ack(unsigned char *out, uint32_t session, uint32_t id)
{
	return header(out, TYPE_ACK, session, id);
}
