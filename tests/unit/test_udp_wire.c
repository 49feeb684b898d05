#include "check.h"
#include "udp/udp_wire.h"

int
main(void)
{
	unsigned char buf[UDP_WIRE_HDR + UDP_MSG_MAX];
	struct udp_frame f;
	size_t n;

	/* A board's text is plain, whole. */
	udp_wire_parse((const unsigned char *)"Hardware & Software Labs", 24, &f);
	CHECK_INT(f.kind, UDP_PLAIN);
	CHECK_INT(f.len, 24);
	udp_wire_parse((const unsigned char *)"", 0, &f);
	CHECK_INT(f.kind, UDP_PLAIN);
	CHECK_INT(f.len, 0);
	/* Only the full magic makes a frame. */
	udp_wire_parse((const unsigned char *)"\0U", 2, &f);
	CHECK_INT(f.kind, UDP_PLAIN);
	udp_wire_parse((const unsigned char *)"\0UX", 3, &f);
	CHECK_INT(f.kind, UDP_PLAIN);
	CHECK_INT(udp_wire_looks_framed("\0UMhello", 8), 1);
	CHECK_INT(udp_wire_looks_framed("\0UX", 3), 0);
	CHECK_INT(udp_wire_looks_framed("\0U", 2), 0);

	/* Data frame round trip, with the documented byte layout. */
	n = udp_wire_data(buf, 0x01020304, 0xA0B0C0D0, "hi", 2);
	CHECK_INT(n, 14);
	CHECK(memcmp(buf, "\0UMD\x01\x02\x03\x04\xA0\xB0\xC0\xD0hi", 14) == 0);
	udp_wire_parse(buf, n, &f);
	CHECK_INT(f.kind, UDP_DATA);
	CHECK_INT(f.session, 0x01020304);
	CHECK_INT(f.id, 0xA0B0C0D0);
	CHECK_INT(f.len, 2);
	CHECK(memcmp(f.msg, "hi", 2) == 0);

	/* An empty message is a bare header. */
	n = udp_wire_data(buf, 7, 1, NULL, 0);
	udp_wire_parse(buf, n, &f);
	CHECK_INT(f.kind, UDP_DATA);
	CHECK_INT(f.len, 0);

	n = udp_wire_ack(buf, 7, 42);
	CHECK_INT(n, UDP_WIRE_HDR);
	CHECK(memcmp(buf, "\0UMA\0\0\0\x07\0\0\0\x2a", 12) == 0);
	udp_wire_parse(buf, n, &f);
	CHECK_INT(f.kind, UDP_ACK);
	CHECK_INT(f.session, 7);
	CHECK_INT(f.id, 42);

	/* Malformed: short, unknown type, ack with a tail. */
	udp_wire_parse(buf, 11, &f);
	CHECK_INT(f.kind, UDP_MALFORMED);
	CHECK_STR(f.why, "short confirmed-mode header");
	CHECK_INT(f.len, 11);
	udp_wire_parse((const unsigned char *)"\0UMZ\0\0\0\0\0\0\0\0", 12, &f);
	CHECK_INT(f.kind, UDP_MALFORMED);
	CHECK_STR(f.why, "unknown confirmed-mode type");
	memcpy(buf + 12, "x", 1);
	udp_wire_parse(buf, 13, &f);
	CHECK_INT(f.kind, UDP_MALFORMED);
	CHECK_STR(f.why, "confirmation with trailing bytes");
	CHECK_INT(f.len, 13);
	return check_done();
}
