#include <stdlib.h>

#include "check.h"
#include "tem/tem_bytes.h"
#include "tem/tem_sim.h"
#include "tem/tem_sim_image.h"

static struct tem_sim m;

static const uint8_t *
slot(enum tem_kind k, long i)
{
	struct tem_region r[3];

	tem_flash_layout(m.flash_type, r);
	return m.flash + tem_ring_addr(&r[k], i);
}

static int
erased(const uint8_t *b, size_t n)
{
	while (n--)
		if (*b++ != 0xFF)
			return 0;
	return 1;
}

static int
bcd4(const uint8_t *b, uint8_t h, uint8_t d, uint8_t mo, uint8_t y)
{
	return b[0] == h && b[1] == d && b[2] == mo && b[3] == y;
}

/* The documented defaults (temsim(1), VALUES) as temread would decode them. */
static void
test_defaults(void)
{
	struct tem_reading r;
	char iso[20];

	tem_sim_init(&m, 1);
	CHECK_INT(tem_sim_start(&m), 0);
	tem_map_decode(m.ram, &r);
	CHECK_INT(r.serial, 1000001);
	CHECK_INT(r.net_num, 1);
	CHECK_INT(r.systems, 2);
	CHECK_INT(r.flash_type, 0x1F25);
	CHECK_STR(tem_time_iso(iso, &r.clock), "2026-03-02T14:15:33");
	CHECK_DBL(r.sys[0].energy_mwh, 4066.66875, 1e-9);
	CHECK_DBL(r.sys[0].mass_t, 118085.39375, 1e-9);
	CHECK_DBL(r.sys[0].volume_m3, 122150.0625, 1e-9);
	CHECK_DBL(r.sys[1].energy_mwh, 4084.66875, 1e-9);
	CHECK_DBL(r.sys[1].mass_t, 41446.6875, 1e-9);
	CHECK_DBL(r.sys[1].volume_m3, 41456.6875, 1e-9);
	CHECK_DBL(r.energy_total_mwh, 8151.3375, 1e-9);
	CHECK_INT(r.time_on_s, 194624133);
	CHECK_INT(r.sys[0].time_ok_s, 194421453);
	CHECK_INT(r.sys[0].time_e_s[0], 135120);
	CHECK_INT(r.sys[0].time_e_s[2], 67560);
	CHECK_INT(r.sys[1].time_e_s[0], 270240);
	CHECK_INT(r.sys[2].time_ok_s, 0);
	CHECK_INT(m.ram[TEM_A_COMMA], 4);
	CHECK_INT(m.ram[TEM_A_COMMA + 1], 3);
	CHECK_INT(m.ram[TEM_A_SYS_T + 1], 0x0C);
	CHECK_INT(m.ram[TEM_A_USED_T], 0x0F);
	CHECK_DBL(r.t_c[3], 8.75, 0);
	CHECK_DBL(r.flow_th[1], 1.875, 0);
	CHECK_INT(tem_u32(m.ram + TEM_A_ADR_HOUR), 0x200000 + 48 * 384);
	CHECK_INT(tem_u32(m.ram + TEM_A_ADR_DAY), 0x200000 + 0xA2000 + 10 * 384);
	CHECK_INT(tem_u32(m.ram + TEM_A_ADR_MONTH), 0x200000 + 0xE7000 + 3 * 384);
}

static void
test_records(void)
{
	const uint8_t *rec;

	/* newest hourly: slot 47, written 14:00 covering 13:00 */
	rec = slot(TEM_HOUR, 47);
	CHECK(bcd4(rec + TEM_R_WRITTEN, 0x14, 0x02, 0x03, 0x26));
	CHECK(bcd4(rec + TEM_R_PERIOD, 0x13, 0x02, 0x03, 0x26));
	CHECK_INT(rec[TEM_R_CHECKSUM], tem_cs(rec, TEM_R_CHECKSUM));
	CHECK_INT(tem_u32(rec + TEM_R_ENERGY), 4066650);	/* (96000 + 10 * 3243720) / 8 */
	CHECK_DBL(tem_f32(rec + TEM_R_LENERGY), 0.0, 0);
	CHECK_INT(tem_u32(rec + TEM_R_ENERGY + 4), 408465);	/* (24000 + 3243720) / 8 */
	CHECK_DBL(tem_f32(rec + TEM_R_LENERGY + 4), 0.0, 0);
	CHECK_INT(tem_u32(rec + TEM_R_MASS), 11808485);		/* (400000 + 29 * 3243720) / 8 */
	CHECK_DBL(tem_f32(rec + TEM_R_LMASS), 0.0, 0);
	/* an hour earlier the 1740 eighths a hour leave half a unit */
	CHECK_INT(tem_u32(slot(TEM_HOUR, 46) + TEM_R_MASS), 11808267);
	CHECK_DBL(tem_f32(slot(TEM_HOUR, 46) + TEM_R_LMASS), 0.5, 0);
	CHECK_INT(tem_u32(rec + TEM_R_TIME_WRKALL), 194623200);
	CHECK_INT(rec[TEM_R_COMMA], 4);
	CHECK_DBL(tem_f32(rec + TEM_R_MT), 70.5 + 0.25 * 5, 0);
	CHECK_DBL(tem_f32(rec + TEM_R_MP + 4), 0.375, 0);
	CHECK_INT(rec[TEM_R_ERROR], 0);
	CHECK_INT(rec[TEM_R_PERIOD - 1], 0);
	/* the hour from 03:00 carries dt < min */
	rec = slot(TEM_HOUR, 37);
	CHECK(bcd4(rec + TEM_R_PERIOD, 0x03, 0x02, 0x03, 0x26));
	CHECK_INT(rec[TEM_R_ERROR], 0x10);
	/* oldest hourly: 47 hours earlier */
	CHECK(bcd4(slot(TEM_HOUR, 0) + TEM_R_WRITTEN, 0x15, 0x28, 0x02, 0x26));
	CHECK(erased(slot(TEM_HOUR, 48), TEM_REC_SIZE));
	CHECK(erased(slot(TEM_HOUR, 1727), TEM_REC_SIZE));
	/* daily: newest written at midnight for the day before */
	rec = slot(TEM_DAY, 9);
	CHECK(bcd4(rec + TEM_R_WRITTEN, 0x00, 0x02, 0x03, 0x26));
	CHECK(bcd4(rec + TEM_R_PERIOD, 0x00, 0x01, 0x03, 0x26));
	CHECK_DBL(tem_f32(rec + TEM_R_MT), 70.75, 0);
	CHECK_INT(rec[TEM_R_ERROR], 0x10);
	CHECK(bcd4(slot(TEM_DAY, 0) + TEM_R_PERIOD, 0x00, 0x20, 0x02, 0x26));
	CHECK(erased(slot(TEM_DAY, 10), TEM_REC_SIZE));
	/* monthly on day 1: newest covers February, oldest December */
	CHECK(bcd4(slot(TEM_MONTH, 2) + TEM_R_WRITTEN, 0x00, 0x01, 0x03, 0x26));
	CHECK(bcd4(slot(TEM_MONTH, 2) + TEM_R_PERIOD, 0x00, 0x01, 0x02, 0x26));
	CHECK(bcd4(slot(TEM_MONTH, 0) + TEM_R_PERIOD, 0x00, 0x01, 0x12, 0x25));
	CHECK_DBL(tem_f32(slot(TEM_MONTH, 0) + TEM_R_MT + 4), 45.25 + 0.25 * 4, 0);
}

static void
test_answers(void)
{
	uint8_t req[TEM_MAXFRAME], out[TEM_MAXFRAME];
	struct tem_frame f;
	char hex[3 * TEM_MAXFRAME + 1];
	size_t n;

	f.sig = TEM_SIG_REQ;
	f.addr = 1;
	f.cgrp = TEM_CGRP_LINK;
	f.cmd = TEM_CMD_IDENT;
	f.len = 0;
	f.data = req;
	n = tem_sim_answer(&m, &f, out);
	CHECK_STR(tem_hex(hex, out, n), "AA 01 FE 00 00 07 D2 C5 CC D1 31 30 36 84");
	f.addr = 2;
	CHECK_INT(tem_sim_answer(&m, &f, out), 0);
	f.addr = 1;
	f.cgrp = TEM_CGRP_MEM;
	f.cmd = TEM_CMD_RAM;
	f.len = 3;
	req[0] = 0x04; req[1] = 0x82; req[2] = 6;
	n = tem_sim_answer(&m, &f, out);
	CHECK_STR(tem_hex(hex, out, n), "AA 01 FE 0F 01 06 33 15 14 02 03 26 B9");
	req[0] = 0x07; req[1] = 0xFE; req[2] = 4;	/* past 2 KiB: zeros */
	n = tem_sim_answer(&m, &f, out);
	CHECK_STR(tem_hex(hex, out, n - 1), "AA 01 FE 0F 01 04 00 00 00 00");
	req[2] = 0;
	CHECK_INT(tem_sim_answer(&m, &f, out), 0);
	req[2] = 65;
	CHECK_INT(tem_sim_answer(&m, &f, out), 0);
	f.cmd = TEM_CMD_FLASH;
	f.len = 5;
	req[0] = 2; req[1] = 0; req[2] = 0x0F; req[3] = 0xFF; req[4] = 0xFF;	/* last byte and beyond */
	n = tem_sim_answer(&m, &f, out);
	CHECK_INT(n, 9);
	CHECK_INT(out[7], 0xFF);
	CHECK_INT(out[8], tem_cs(out, 8));
	req[0] = 4; req[1] = 0; req[2] = 0; req[3] = 0; req[4] = 0;
	n = tem_sim_answer(&m, &f, out);
	CHECK_STR(tem_hex(hex, out + 6, 4), "15 28 02 26");
	f.cmd = 0x02;
	CHECK_INT(tem_sim_answer(&m, &f, out), 0);
}

static void
test_tick_erase(void)
{
	uint8_t rtc[6];

	tem_sim_tick(&m);
	CHECK_INT(m.count[TEM_HOUR], 49);
	CHECK(bcd4(slot(TEM_HOUR, 48) + TEM_R_WRITTEN, 0x15, 0x02, 0x03, 0x26));
	CHECK_INT(tem_u32(m.ram + TEM_A_ADR_HOUR), 0x200000 + 49 * 384);
	memcpy(rtc, m.ram + TEM_A_RTC, 6);
	CHECK(rtc[0] == 0 && rtc[1] == 0 && rtc[2] == 0x15);
	CHECK_INT(m.count[TEM_DAY], 10);
	/* over midnight into the reporting day: all three kinds */
	CHECK_INT(tem_sim_parse_time("2026-03-31T23:59:59", &m.clock), 0);
	tem_sim_tick(&m);
	CHECK_INT(m.count[TEM_HOUR], 50);
	CHECK_INT(m.count[TEM_DAY], 11);
	CHECK_INT(m.count[TEM_MONTH], 4);
	CHECK(bcd4(slot(TEM_MONTH, 3) + TEM_R_PERIOD, 0x00, 0x01, 0x03, 0x26));
	CHECK(bcd4(slot(TEM_DAY, 10) + TEM_R_PERIOD, 0x00, 0x31, 0x03, 0x26));
	tem_sim_erase(&m);
	CHECK(erased(m.flash, m.flash_size));
	CHECK_INT(tem_u32(m.ram + TEM_A_ADR_HOUR), 0x200000);
	CHECK_INT(tem_u32(m.ram + TEM_A_ADR_MONTH), 0x200000 + 0xE7000);
	tem_sim_free(&m);
}

static void
test_wrap_512(void)
{
	tem_sim_init(&m, 9);
	m.flash_type = TEM_FLASH_512K;
	m.count[TEM_HOUR] = 864 + 5;
	m.count[TEM_MONTH] = 130;
	m.count[TEM_DAY] = 0;
	CHECK_INT(tem_sim_start(&m), 0);
	CHECK_INT(m.flash_size, 0x80000);
	CHECK_INT(tem_u16(m.ram + TEM_A_FLASH_TYPE), 0x1F24);
	CHECK_INT(tem_u32(m.ram + TEM_A_ADR_HOUR), 0x200000 + 5 * 384);
	CHECK_INT(tem_u32(m.ram + TEM_A_ADR_DAY), 0x200000 + 0x51000);
	CHECK_INT(tem_u32(m.ram + TEM_A_ADR_MONTH), 0x200000 + 0x73800 + 2 * 384);
	/* slot 4 newest, slot 5 the oldest left: 863 hours before */
	CHECK(bcd4(slot(TEM_HOUR, 4) + TEM_R_WRITTEN, 0x14, 0x02, 0x03, 0x26));
	CHECK(bcd4(slot(TEM_HOUR, 5) + TEM_R_WRITTEN, 0x15, 0x25, 0x01, 0x26));
	CHECK(erased(slot(TEM_DAY, 0), TEM_REC_SIZE));
	CHECK(bcd4(slot(TEM_MONTH, 1) + TEM_R_WRITTEN, 0x00, 0x01, 0x03, 0x26));
	CHECK(bcd4(slot(TEM_MONTH, 2) + TEM_R_WRITTEN, 0x00, 0x01, 0x08, 0x15));
	/* before the base every counter stays at zero */
	CHECK_INT(tem_u32(slot(TEM_MONTH, 2) + TEM_R_TIME_WRKALL), 0);
	CHECK_INT(tem_u32(slot(TEM_MONTH, 2) + TEM_R_ENERGY), 0);
	tem_sim_free(&m);
}

static void
test_image(void)
{
	char err[200];
	struct tem_reading r;
	char iso[20];
	const char *img =
	    "{\"clock\": \"2025-12-31T23:30:00\", \"hours\": 2, \"report_day\": 15,"
	    " \"ram\": {\"0x02FB\": \"50 00\"},"
	    " \"meters\": {\"2\": {\"serial\": 4711, \"model\": \"TEMC106\", \"flash_kib\": 512,"
	    "   \"systems\": [{\"type\": 0, \"comma\": 6, \"flow_ch\": [1, 7], \"t_ch\": [1],"
	    "   \"p_ch\": [], \"energy0\": 1.5, \"energy_rate\": 0}]}}}";
	uint8_t cp[8];

	tem_sim_init(&m, 2);
	CHECK_INT(tem_sim_image(&m, img, err, sizeof(err)), 0);
	CHECK_INT(m.serial, 4711);
	CHECK_INT(m.model_len, 7);
	CHECK(memcmp(m.model, "TEMC106", 7) == 0);
	CHECK_INT(m.nsys, 1);
	CHECK_INT(m.sys[0].g_mask, 0x41);
	CHECK_INT(m.sys[0].energy0, 12);
	CHECK_INT(m.report_day, 15);
	CHECK_INT(m.count[TEM_HOUR], 2);
	CHECK_INT(tem_sim_start(&m), 0);
	tem_map_decode(m.ram, &r);
	CHECK_STR(tem_time_iso(iso, &r.clock), "2025-12-31T23:30:00");
	CHECK_INT(r.sys[1].comma, 0x50);	/* the patch over comma[1] */
	CHECK_INT(r.sys[0].comma, 6);
	CHECK_DBL(r.sys[0].energy_mwh, 1.5 / 100000, 1e-15);
	CHECK_INT(r.flash_type, 0x1F24);
	/* the newest monthly was written on the 15th of December */
	CHECK(bcd4(slot(TEM_MONTH, 2) + TEM_R_WRITTEN, 0x00, 0x15, 0x12, 0x25));
	tem_sim_free(&m);

	tem_sim_init(&m, 1);
	CHECK_INT(tem_sim_image(&m, img, err, sizeof(err)), 0);
	CHECK_INT(m.serial, 1000001);
	CHECK_INT(tem_sim_image(&m, "{\"colour\": 1}", err, sizeof(err)), -1);
	CHECK_STR(err, "colour: unknown key");
	CHECK_INT(tem_sim_image(&m, "{\"clock\": \"2026-02-30T00:00:00\"}", err, sizeof(err)), -1);
	CHECK_STR(err, "clock: expected YYYY-MM-DDTHH:MM:SS, 2020..2099");
	CHECK_INT(tem_sim_image(&m, "{\"meters\": {\"1\": {\"systems\": [{\"comma\": 300}]}}}",
	    err, sizeof(err)), -1);
	CHECK_STR(err, "meters.1.systems[0].comma: expected an integer 0..255");
	CHECK_INT(tem_sim_image(&m, "{\"systems\": [{\"energy0\": 0.1}]}", err, sizeof(err)), -1);
	CHECK_STR(err, "systems[0].energy0: expected a multiple of 0.125 in 0..1e9");
	CHECK_INT(tem_sim_image(&m, "{\"model\": \"\xE6\x97\xA5\"}", err, sizeof(err)), -1);
	CHECK_INT(tem_sim_image(&m, "[1]", err, sizeof(err)), -1);
	CHECK_STR(err, "not a JSON object");
	CHECK_INT(tem_sim_image(&m, "{\"ram\": {\"0x800\": \"00\"}}", err, sizeof(err)), -1);
	CHECK_INT(tem_sim_cp1251("ТЭМ-106", cp, sizeof(cp)), 7);
	CHECK_INT(cp[1], 0xDD);
	CHECK_INT(tem_sim_cp1251("ТЭМ-106", cp, 3), -1);
}

static void
test_cp1251_roundtrip(void)
{
	int ok = 1;

	for (unsigned c = 1; c < 256; c++) {
		char utf[8];
		uint8_t b = (uint8_t)c, back[4];
		if (c == 0x98 || c < 0x20 || c == 0x7F)
			continue;
		tem_model_utf8(utf, sizeof(utf), &b, 1);
		if (c == ' ')
			continue;	/* trailing blanks are trimmed */
		ok &= tem_sim_cp1251(utf, back, sizeof(back)) == 1 && back[0] == c;
	}
	CHECK(ok);
}

int
main(void)
{
	time_t t;

	test_defaults();
	test_records();
	test_answers();
	test_tick_erase();
	test_wrap_512();
	test_image();
	test_cp1251_roundtrip();
	CHECK_INT(tem_sim_parse_time("2019-12-31T23:59:59", &t), -1);
	CHECK_INT(tem_sim_parse_time("2026-03-02 14:15:33", &t), -1);
	CHECK_INT(tem_sim_parse_time("2026-03-02T14:15:33Z", &t), -1);
	CHECK_INT(tem_sim_parse_time("2024-02-29T00:00:00", &t), 0);
	return check_done();
}
