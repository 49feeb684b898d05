#include "check.h"
#include "tem/tem_dump.h"

static void
test_roundtrip(void)
{
	uint8_t rec[TEM_REC_SIZE];
	const uint8_t ram[3] = { 0x02, 0x04, 0xFF };
	char line[TEM_DUMP_LINE];
	struct tem_dump_line l;
	const char *why;
	size_t n;

	n = tem_dump_format(line, TEM_DUMP_RAM, 1, 0x0000, ram, 3);
	CHECK_STR(line, "ram 1 0000 0204FF\n");
	CHECK_INT(n, 18);
	line[n - 1] = '\0';
	CHECK_INT(tem_dump_parse(line, &l, &why), 0);
	CHECK_INT(l.type, TEM_DUMP_RAM);
	CHECK_INT(l.meter, 1);
	CHECK_INT(l.at, 0);
	CHECK_INT(l.n, 3);
	CHECK(memcmp(l.data, ram, 3) == 0);
	for (int i = 0; i < TEM_REC_SIZE; i++)
		rec[i] = (uint8_t)(i * 7);
	n = tem_dump_format(line, TEM_DUMP_REC, 255, 0xFEE80, rec, sizeof(rec));
	CHECK_INT(n, strlen("rec 255 0FEE80 ") + 2 * TEM_REC_SIZE + 1);
	CHECK(n < TEM_DUMP_LINE);
	line[n - 1] = '\0';
	CHECK_INT(tem_dump_parse(line, &l, &why), 0);
	CHECK_INT(l.type, TEM_DUMP_REC);
	CHECK_INT(l.meter, 255);
	CHECK_INT(l.at, 0xFEE80);
	CHECK(memcmp(l.data, rec, sizeof(rec)) == 0);
	CHECK_INT(tem_dump_format(line, TEM_DUMP_FLASH, 1, 0, rec, 0), 0);
	CHECK_INT(tem_dump_format(line, TEM_DUMP_FLASH, 1, 0, rec, TEM_DUMP_MAX + 1), 0);
}

static void
test_bad(void)
{
	struct tem_dump_line l;
	const char *why;

	CHECK_INT(tem_dump_parse("flash 1 000175 13020326", &l, &why), 0);
	CHECK_INT(l.at, 0x175);
	CHECK_INT(tem_dump_parse("disk 1 0000 00", &l, &why), -1);
	CHECK_STR(why, "expected ram|flash|rec METER ADDR HEX");
	CHECK_INT(tem_dump_parse("ram 256 0000 00", &l, &why), -1);
	CHECK_INT(tem_dump_parse("ram 1 0000", &l, &why), -1);
	CHECK_INT(tem_dump_parse("ram 1 00G0 00", &l, &why), -1);
	CHECK_INT(tem_dump_parse("ram 1 0000 0", &l, &why), -1);
	CHECK_STR(why, "bad byte count");
	CHECK_INT(tem_dump_parse("ram 1 0000 0g", &l, &why), -1);
	CHECK_STR(why, "bad hex digit");
	CHECK_INT(tem_dump_parse("ram 1 0000 ab", &l, &why), -1);	/* upper case only */
	CHECK_INT(tem_dump_parse("rec 1 000000 00", &l, &why), -1);
	CHECK_STR(why, "a record line must hold 384 bytes");
	CHECK_INT(tem_dump_parse("", &l, &why), -1);
}

int
main(void)
{
	test_roundtrip();
	test_bad();
	return check_done();
}
