#include <stdlib.h>

#include "check.h"
#include "tem/tem_bytes.h"
#include "tem/tem_frame.h"
#include "tem/tem_rec.h"

static void
put_when(uint8_t *b, int h, int d, int m, int y)
{
	b[0] = tem_to_bcd(h);
	b[1] = tem_to_bcd(d);
	b[2] = tem_to_bcd(m);
	b[3] = tem_to_bcd(y);
}

static void
test_when(void)
{
	const uint8_t ex[4] = { 0x08, 0x20, 0x03, 0x15 }, erased[4] = { 0xFF, 0xFF, 0xFF, 0xFF };
	uint8_t b[4];
	long long k, k2;
	char iso[32];

	CHECK_INT(tem_when(ex, &k), TEM_WHEN_OK);	/* the source's own example */
	CHECK_STR(tem_when_iso(iso, sizeof(iso), k), "2015-03-20T08:00:00");
	CHECK_INT(tem_when(erased, &k2), TEM_WHEN_ERASED);
	put_when(b, 24, 1, 1, 26);
	CHECK_INT(tem_when(b, &k2), TEM_WHEN_BAD);
	put_when(b, 0, 29, 2, 25);
	CHECK_INT(tem_when(b, &k2), TEM_WHEN_BAD);
	put_when(b, 0, 29, 2, 24);
	CHECK_INT(tem_when(b, &k2), TEM_WHEN_OK);
	put_when(b, 0, 0, 2, 24);
	CHECK_INT(tem_when(b, &k2), TEM_WHEN_BAD);
	b[0] = 0x1A;
	CHECK_INT(tem_when(b, &k2), TEM_WHEN_BAD);
	CHECK_INT(tem_when_next(k, TEM_HOUR), k + 3600);
	CHECK_INT(tem_when_next(k, TEM_DAY), k + 86400);
	CHECK_STR(tem_when_iso(iso, sizeof(iso), tem_when_next(k, TEM_MONTH)),
	    "2015-04-20T08:00:00");
	put_when(b, 0, 1, 12, 25);
	tem_when(b, &k);
	CHECK_STR(tem_when_iso(iso, sizeof(iso), tem_when_next(k, TEM_MONTH)),
	    "2026-01-01T00:00:00");
}

static void
put_integ(uint8_t *rec, int whole, int frac, int i, uint32_t w, float f)
{
	tem_put_u32(rec + whole + 4 * i, w);
	tem_put_f32(rec + frac + 4 * i, f);
}

/* A record with round numbers in two systems of different scales. */
static void
make_record(uint8_t *rec)
{
	const float t[7] = { 70.5f, 45.25f, 55.0f, 8.75f }, p[6] = { 0.625f, 0.375f, 0.5f };

	memset(rec, 0, TEM_REC_SIZE);
	put_when(rec + TEM_R_WRITTEN, 14, 2, 3, 26);
	put_when(rec + TEM_R_PERIOD, 13, 2, 3, 26);
	rec[TEM_R_COMMA] = 4;
	rec[TEM_R_COMMA + 1] = 3;
	put_integ(rec, TEM_R_ENERGY, TEM_R_LENERGY, 0, 12345, 0.5f);
	put_integ(rec, TEM_R_MASS, TEM_R_LMASS, 0, 50000, 0.25f);
	put_integ(rec, TEM_R_VOLUME, TEM_R_LVOLUME, 0, 51000, 0.75f);
	put_integ(rec, TEM_R_ENERGY, TEM_R_LENERGY, 1, 3000, 0.125f);
	put_integ(rec, TEM_R_MASS, TEM_R_LMASS, 1, 9000, 0.5f);
	put_integ(rec, TEM_R_VOLUME, TEM_R_LVOLUME, 1, 9100, 0.0f);
	put_integ(rec, TEM_R_ENERGYALL, TEM_R_LENERGYALL, 0, 15345, 0.5f);
	/* system 3 is not configured: its values must not appear */
	put_integ(rec, TEM_R_ENERGY, TEM_R_LENERGY, 2, 777, 0.0f);
	tem_put_u32(rec + TEM_R_TIME_WRKALL, 3600);
	tem_put_u32(rec + TEM_R_TIME_WRK, 3000);
	tem_put_u32(rec + TEM_R_TIME_WRK + 4, 3500);
	tem_put_u32(rec + TEM_R_TIME_E1, 60);
	tem_put_u32(rec + TEM_R_TIME_E2 + 4, 7);
	tem_put_u32(rec + TEM_R_TIME_E3, 540);
	tem_put_u32(rec + TEM_R_TIME_E3 + 4, 100);
	tem_put_u32(rec + TEM_R_TIME_E4 + 4, 9);
	for (int i = 0; i < 7; i++)
		tem_put_f32(rec + TEM_R_MT + 4 * i, t[i]);
	for (int i = 0; i < 6; i++)
		tem_put_f32(rec + TEM_R_MP + 4 * i, p[i]);
	tem_put_f32(rec + TEM_R_VOLDOP_H, 10.0f);
	tem_put_f32(rec + TEM_R_VOLDOP_L, 0.5f);
	rec[TEM_R_ERROR] = 0x11;
	rec[TEM_R_ERROR + 1] = 0x80;
	rec[TEM_R_CHECKSUM] = tem_cs(rec, TEM_R_CHECKSUM);
}

static void
test_json(void)
{
	uint8_t rec[TEM_REC_SIZE];
	struct tem_meter m = { .address = 1, .serial = 1000001, .flash_type = TEM_FLASH_1M,
	    .systems = 2, .system_t = { 0x04, 0x08 }, .t_mask = { 0x03, 0x0C },
	    .p_mask = { 0x03, 0x44 } };
	const char *why = NULL;
	cJSON *o;
	char *s;

	make_record(rec);
	CHECK(tem_rec_cs_ok(rec));
	o = tem_rec_json(rec, &m, TEM_HOUR, &why);
	CHECK(o != NULL);
	s = cJSON_PrintUnformatted(o);
	CHECK_STR(s, "{\"id\":\"1000001-hour-2026-03-02T13:00\",\"serial\":1000001,"
	    "\"address\":1,\"kind\":\"hour\",\"period\":\"2026-03-02T13:00:00\","
	    "\"written\":\"2026-03-02T14:00:00\",\"checksum\":\"ok\","
	    "\"energy_total_mwh\":15.3455,\"time_on_s\":3600,\"systems\":["
	    "{\"n\":1,\"type\":\"two_pipe\",\"comma\":4,\"energy_mwh\":12.3455,"
	    "\"mass_t\":500.0025,\"volume_m3\":510.0075,\"t_ch\":[1,2],"
	    "\"t_c\":[70.5,45.25],\"p_ch\":[1,2],\"p_mpa\":[0.625,0.375],"
	    "\"t_supply_c\":70.5,\"t_return_c\":45.25,\"dt_c\":25.25,"
	    "\"time_ok_s\":3000,\"time_flow_low_s\":60,\"time_flow_high_s\":0,"
	    "\"time_dt_low_s\":540,\"time_fault_s\":0,\"errors\":[\"g1_low\",\"dt_low\"]},"
	    "{\"n\":2,\"type\":\"hot_water_dead_end\",\"comma\":3,\"energy_mwh\":30.00125,"
	    "\"mass_t\":900.05,\"volume_m3\":910,\"t_ch\":[3,4],\"t_c\":[55,8.75],"
	    "\"p_ch\":[3,7],\"p_mpa\":[0.5,null],"	/* the record keeps 6 pressures */
	    "\"time_ok_s\":3500,\"time_flow_low_s\":0,\"time_flow_high_s\":7,"
	    "\"time_dt_low_s\":100,\"time_fault_s\":9,\"errors\":[\"power_off\"]}],"
	    "\"volume_extra_m3\":[10.5,0]}");
	free(s);
	cJSON_Delete(o);

	/* a changed byte is flagged, not dropped */
	rec[0x100] ^= 1;
	CHECK(!tem_rec_cs_ok(rec));
	o = tem_rec_json(rec, &m, TEM_DAY, &why);
	CHECK_STR(cJSON_GetObjectItem(o, "checksum")->valuestring, "mismatch");
	CHECK_STR(cJSON_GetObjectItem(o, "id")->valuestring, "1000001-day-2026-03-02T13:00");
	cJSON_Delete(o);

	/* an unknown system type is null */
	m.system_t[0] = 0x03;
	o = tem_rec_json(rec, &m, TEM_HOUR, &why);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(o, "systems"), 0), "type")));
	cJSON_Delete(o);

	/* bad dates are refused with a reason */
	rec[TEM_R_PERIOD + 2] = 0x13;
	CHECK(tem_rec_json(rec, &m, TEM_HOUR, &why) == NULL);
	CHECK_STR(why, "period date is not a valid BCD date");
	rec[TEM_R_WRITTEN] = 0x99;
	CHECK(tem_rec_json(rec, &m, TEM_HOUR, &why) == NULL);
	CHECK_STR(why, "written date is not a valid BCD date");
}

static void
test_misc(void)
{
	uint8_t b[TEM_REC_SIZE], ram[TEM_RAM_SIZE] = { 0 };
	struct tem_meter m = { 0 };
	uint32_t ptr[3];
	enum tem_kind k;
	unsigned slot;
	const char *why;
	char id[64];

	memset(b, 0xFF, sizeof(b));
	CHECK(tem_rec_erased(b, sizeof(b)));
	b[383] = 0;
	CHECK(!tem_rec_erased(b, sizeof(b)));
	CHECK_STR(tem_rec_err_name(0), "g1_low");
	CHECK_STR(tem_rec_err_name(5), "t_fault");
	CHECK_STR(tem_rec_err_name(7), "power_off");
	CHECK_STR(tem_rec_id(id, sizeof(id), 4294967295u, TEM_MONTH, 1769904000),
	    "4294967295-month-2026-02-01T00:00");

	CHECK_INT(tem_rec_locate(TEM_FLASH_1M, 0xA2000, &k, &slot), 0);
	CHECK_INT(k, TEM_DAY);
	CHECK_INT(slot, 0);
	CHECK_INT(tem_rec_locate(TEM_FLASH_1M, 0xE7000 - 384, &k, &slot), 0);
	CHECK_INT(slot, 735);
	CHECK_INT(tem_rec_locate(TEM_FLASH_1M, 0xFF000, &k, &slot), -1);
	CHECK_INT(tem_rec_locate(TEM_FLASH_1M, 0x180 + 64, &k, &slot), -1);
	/* the 512 KiB monthly ring runs to 0x7F800, past the source's 0x7EFFF */
	CHECK_INT(tem_rec_locate(TEM_FLASH_512K, 0x7F800 - 384, &k, &slot), 0);
	CHECK_INT(k, TEM_MONTH);
	CHECK_INT(slot, 127);
	CHECK_INT(tem_rec_locate(TEM_FLASH_512K, 0x7F800, &k, &slot), -1);
	CHECK_INT(tem_rec_locate(0x1234, 0, &k, &slot), -1);

	tem_put_u32(ram + TEM_A_NUMBER, 1000007);
	tem_put_u16(ram + TEM_A_FLASH_TYPE, TEM_FLASH_512K);
	tem_put_u32(ram + TEM_A_ADR_DAY, 0x251000 + 384);
	tem_meter_id(&m, ram);
	CHECK_INT(m.serial, 1000007);
	CHECK_INT(m.flash_type, 0x1F24);
	tem_meter_ptrs(ram, ptr);
	CHECK_INT(ptr[TEM_DAY], 0x251180);
	CHECK_INT(tem_meter_cfg(&m, ram, &why), -1);
	CHECK_STR(why, "number of systems not 1..6");
	ram[0] = 7;
	CHECK_INT(tem_meter_cfg(&m, ram, &why), -1);
	ram[0] = 3;
	ram[3] = 0x09;
	ram[TEM_A_SYS_T + 2] = 0x0C;
	ram[TEM_A_SYS_P + 2] = 0x40;
	CHECK_INT(tem_meter_cfg(&m, ram, &why), 0);
	CHECK_INT(m.systems, 3);
	CHECK_INT(m.system_t[2], 0x09);
	CHECK_INT(m.t_mask[2], 0x0C);
	CHECK_INT(m.p_mask[2], 0x40);
}

int
main(void)
{
	test_when();
	test_json();
	test_misc();
	return check_done();
}
