#include "check.h"
#include "tem/tem_bytes.h"
#include "tem/tem_frame.h"
#include "tem/tem_map.h"

static void
test_times(void)
{
	const uint8_t clock[6] = { 0x33, 0x15, 0x14, 0x02, 0x03, 0x16 };
	const uint8_t written[4] = { 0x08, 0x20, 0x03, 0x15 };
	const uint8_t period[4] = { 0x07, 0x20, 0x03, 0x15 };
	const uint8_t leap[4] = { 0x00, 0x29, 0x02, 0x16 }, noleap[4] = { 0x00, 0x29, 0x02, 0x15 };
	const uint8_t erased[4] = { 0xFF, 0xFF, 0xFF, 0xFF };
	const uint8_t hour24[4] = { 0x24, 0x01, 0x01, 0x20 }, mon13[4] = { 0x00, 0x01, 0x13, 0x20 };
	const uint8_t badsec[6] = { 0x60, 0x15, 0x14, 0x02, 0x03, 0x16 };
	const uint8_t nibble[6] = { 0x3A, 0x15, 0x14, 0x02, 0x03, 0x16 };
	struct tem_time t;
	char iso[20];

	/* the source's examples, 6.2.1 and 6.3.1/6.3.2 */
	CHECK_INT(tem_clock_decode(clock, &t), 0);
	CHECK_STR(tem_time_iso(iso, &t), "2016-03-02T14:15:33");
	CHECK_INT(tem_map_time_decode(written, &t), 0);
	CHECK_STR(tem_time_iso(iso, &t), "2015-03-20T08:00:00");
	CHECK_INT(t.year, 2015);
	CHECK_INT(t.mon, 3);
	CHECK_INT(t.day, 20);
	CHECK_INT(t.hour, 8);
	CHECK_INT(tem_map_time_decode(period, &t), 0);
	CHECK_STR(tem_time_iso(iso, &t), "2015-03-20T07:00:00");
	CHECK_INT(tem_map_time_decode(leap, &t), 0);
	CHECK_INT(tem_map_time_decode(noleap, &t), -1);
	CHECK_INT(tem_map_time_decode(erased, &t), -1);
	CHECK_INT(tem_map_time_decode(hour24, &t), -1);
	CHECK_INT(tem_map_time_decode(mon13, &t), -1);
	CHECK_INT(tem_clock_decode(badsec, &t), -1);
	CHECK_INT(tem_clock_decode(nibble, &t), -1);
}

static void
test_model(void)
{
	const uint8_t cyr[] = { 0xD2, 0xC5, 0xCC, 0xD1, '1', '0', '6' };
	const uint8_t tesma[] = { 0xD2, 0xDD, 0xD1, 0xCC, 0xC0, '-', '1', '0', '6', 0, 0 };
	const uint8_t latin[] = { 'T', 'E', 'M', 'C', '1', '0', '6', ' ', ' ' };
	const uint8_t odd[] = { 0xA8, 0xB8, 0x98, 0x01, 'x' };
	char out[64];

	CHECK_STR(tem_model_utf8(out, sizeof(out), cyr, sizeof(cyr)), "ТЕМС106");
	CHECK_STR(tem_model_utf8(out, sizeof(out), tesma, sizeof(tesma)), "ТЭСМА-106");
	CHECK_STR(tem_model_utf8(out, sizeof(out), latin, sizeof(latin)), "TEMC106");
	CHECK_STR(tem_model_utf8(out, sizeof(out), odd, sizeof(odd)), "Ёё\xEF\xBF\xBD\xEF\xBF\xBDx");
	CHECK_STR(tem_model_utf8(out, 6, cyr, sizeof(cyr)), "ТЕ");
	CHECK_INT(tem_cp1251(0xC0), 0x0410);
	CHECK_INT(tem_cp1251(0xFF), 0x044F);
	CHECK_INT(tem_cp1251(0xB9), 0x2116);
	CHECK_INT(tem_cp1251('A'), 'A');
}

static int
covered(const struct tem_span *plan, size_t n, unsigned a)
{
	for (size_t i = 0; i < n; i++)
		if (a >= plan[i].start && a < (unsigned)plan[i].start + plan[i].len)
			return 1;
	return 0;
}

static void
test_plan(void)
{
	struct tem_span p[32];
	const struct tem_span two[] = { { 0x10, 4 }, { 0x40, 8 } };
	const struct tem_span apart[] = { { 0x40, 8 }, { 0x10, 4 }, { 0x100, 1 } };
	const struct tem_span long1[] = { { 0x300, 152 } };
	size_t n;
	int all = 1, short_ok = 1;

	/* two spans within 64 bytes are one read, trimmed to the last needed byte */
	CHECK_INT(tem_map_plan(two, 2, 64, p, 32), 1);
	CHECK_INT(p[0].start, 0x10);
	CHECK_INT(p[0].len, 0x38);
	/* order of the spans does not matter */
	CHECK_INT(tem_map_plan(apart, 3, 64, p, 32), 2);
	CHECK_INT(p[1].start, 0x100);
	CHECK_INT(p[1].len, 1);
	/* a long span is split into 64-byte pieces */
	CHECK_INT(tem_map_plan(long1, 1, 64, p, 32), 3);
	CHECK_INT(p[0].len, 64);
	CHECK_INT(p[2].start, 0x380);
	CHECK_INT(p[2].len, 24);
	CHECK_INT(tem_map_plan(long1, 1, 64, p, 2), 0);
	CHECK_INT(tem_map_plan(long1, 1, 0, p, 32), 0);
	CHECK_INT(tem_map_plan(long1, 0, 64, p, 32), 0);

	/* temread's own needs: 11 reads, every needed byte covered, none longer than 64 */
	n = tem_map_plan(tem_map_needed, tem_map_nneeded, TEM_MAXDATA, p, 32);
	CHECK_INT(n, 11);
	for (size_t i = 0; i < tem_map_nneeded; i++)
		for (unsigned a = tem_map_needed[i].start;
		    a < (unsigned)tem_map_needed[i].start + tem_map_needed[i].len; a++)
			all &= covered(p, n, a);
	for (size_t i = 0; i < n; i++)
		short_ok &= p[i].len >= 1 && p[i].len <= 64;
	CHECK(all);
	CHECK(short_ok);
	CHECK_INT(p[0].start, 0x0000);
	CHECK_INT(p[0].len, 0x1C);
	CHECK_INT(p[1].start, TEM_A_NUMBER);
	CHECK_INT(p[1].len, TEM_A_NET_NUM + 1 - TEM_A_NUMBER);
	CHECK_INT(p[10].start, TEM_A_RTC);
	CHECK_INT(p[10].len, 6);
}

static void
test_decode(void)
{
	static uint8_t ram[TEM_RAM_SIZE];
	const uint8_t clock[6] = { 0x33, 0x15, 0x14, 0x02, 0x03, 0x16 };
	struct tem_reading r;

	ram[TEM_A_SYSTEMS] = 2;
	ram[TEM_A_SYSTEM_T] = 0x04;
	ram[TEM_A_SYSTEM_T + 1] = 0x09;
	ram[TEM_A_SYS_T] = 0x05;
	tem_put_u32(ram + TEM_A_NUMBER, 21827345);
	tem_put_u16(ram + TEM_A_FLASH_TYPE, 0x1F24);
	ram[TEM_A_NET_NUM] = 7;
	memcpy(ram + TEM_A_RTC, clock, 6);
	tem_put_f32(ram + TEM_A_T_N + 8, 61.5f);
	tem_put_f32(ram + TEM_A_P_N + 4, 0.5f);
	tem_put_f32(ram + TEM_A_RASHOD_V + 20, 3.25f);
	tem_put_f32(ram + TEM_A_RASHOD_M, 1.5f);
	tem_put_f32(ram + TEM_A_GV_78 + 4, 9.0f);
	/* comma from 0x02FA: 3 for system 1 (kQ 100, kV 10), 6 for system 2 */
	ram[TEM_A_COMMA] = 3;
	ram[TEM_A_COMMA + 1] = 6;
	tem_put_u32(ram + TEM_A_ENERGY, 12345);
	tem_put_f32(ram + TEM_A_LENERGY, 0.5f);
	tem_put_u32(ram + TEM_A_MASS, 12345);
	tem_put_f32(ram + TEM_A_LMASS, 0.25f);
	tem_put_u32(ram + TEM_A_VOLUME, 10);
	tem_put_u32(ram + TEM_A_ENERGY + 4, 4000000);
	tem_put_u32(ram + TEM_A_VOLUME + 4, 77);
	tem_put_u32(ram + TEM_A_ENERGYALL, 52345);
	tem_put_f32(ram + TEM_A_LENERGYALL, 0.75f);
	tem_put_u32(ram + TEM_A_TIME_WRKALL, 0xFFFFFFF0u);
	tem_put_u32(ram + TEM_A_TIME_WRK + 4, 3600);
	tem_put_u32(ram + TEM_A_TIME_E4 + 4, 60);
	tem_map_decode(ram, &r);
	CHECK_INT(r.systems, 2);
	CHECK_INT(r.serial, 21827345);
	CHECK_INT(r.flash_type, 0x1F24);
	CHECK_INT(r.net_num, 7);
	CHECK(r.clock_ok);
	CHECK_INT(r.clock.sec, 33);
	CHECK_DBL(r.t_c[2], 61.5, 0);
	CHECK_DBL(r.p_mpa[1], 0.5, 0);
	CHECK_DBL(r.flow_m3h[5], 3.25, 0);
	CHECK_DBL(r.flow_th[0], 1.5, 0);
	CHECK_DBL(r.flow_m3h[7], 9.0, 0);
	CHECK(isnan(r.flow_th[7]));
	CHECK_INT(r.sys[0].type, 4);
	CHECK_INT(r.sys[0].t_mask, 5);
	CHECK_DBL(r.sys[0].energy_mwh, 123.455, 1e-9);
	CHECK_DBL(r.sys[0].mass_t, 1234.525, 1e-9);
	CHECK_DBL(r.sys[0].volume_m3, 1.0, 0);
	CHECK_DBL(r.sys[1].energy_mwh, 40.0, 1e-12);
	CHECK_DBL(r.sys[1].volume_m3, 77.0, 0);	/* comma 6 scales volume by 1 */
	CHECK_DBL(r.energy_total_mwh, 523.4575, 1e-9);	/* system 1's scale */
	CHECK_INT(r.time_on_s, 0xFFFFFFF0u);
	CHECK_INT(r.sys[1].time_ok_s, 3600);
	CHECK_INT(r.sys[1].time_e_s[3], 60);
	ram[TEM_A_RTC + 4] = 0x00;
	tem_map_decode(ram, &r);
	CHECK(!r.clock_ok);
	CHECK_INT(tem_scale_digits(100), 5);
	CHECK_INT(tem_scale_digits(1), 3);
	CHECK_INT(tem_scale_digits(100000), 8);
}

int
main(void)
{
	test_times();
	test_model();
	test_plan();
	test_decode();
	return check_done();
}
