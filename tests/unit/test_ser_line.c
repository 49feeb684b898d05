#include "check.h"
#include "fk/ser_line.h"

enum { BASE = 300 };

int
main(void)
{
	struct ser_line l;

	/* no options: RS-485 off, DTR and RTS "as is" (raised, a pty tolerated) */
	ser_line_init(&l);
	CHECK_INT(l.rs485, 0);
	CHECK_INT(l.rts, SER_ASIS);
	CHECK_INT(l.dtr, SER_ASIS);
	CHECK_INT(ser_line_opt(&l, BASE, 'd', "x"), 0);
	CHECK_INT(ser_line_opt(&l, BASE, BASE + 4, "x"), 0);
	CHECK_INT(ser_line_opt(&l, BASE, BASE + 3, "off"), 1);
	CHECK_INT(l.dtr, SER_OFF);
	CHECK_INT(ser_line_opt(&l, BASE, BASE + 3, "on"), 1);
	CHECK_INT(l.dtr, SER_ON);
	CHECK_INT(ser_line_opt(&l, BASE, BASE + 2, "off"), 1);
	CHECK_INT(l.rts, SER_OFF);
	CHECK_INT(l.rs485, 0);

	ser_line_init(&l);
	CHECK_INT(ser_line_opt(&l, BASE, BASE, NULL), 1);
	CHECK_INT(l.rs485, 1);
	CHECK_INT(l.delay_before_ms, 0);
	CHECK_INT(l.delay_after_ms, 0);
	CHECK_INT(ser_line_opt(&l, BASE, BASE + 1, "2,30"), 1);
	CHECK_INT(l.delay_before_ms, 2);
	CHECK_INT(l.delay_after_ms, 30);
	CHECK_INT(ser_line_opt(&l, BASE, BASE + 1, "7"), 1);
	CHECK_INT(l.delay_before_ms, 7);
	CHECK_INT(l.delay_after_ms, 0);

	/* --rs485-delay alone switches RS-485 mode on */
	ser_line_init(&l);
	CHECK_INT(ser_line_opt(&l, BASE, BASE + 1, "0,1000"), 1);
	CHECK_INT(l.rs485, 1);
	CHECK_INT(l.delay_after_ms, 1000);
	return check_done();
}
