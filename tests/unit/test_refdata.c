/*
 * The decoders against tests/data: images and frames written by hand from the
 * protocol description, expected values worked out from its scaling rules.
 * Nothing here comes from tem_map.h, so a wrong address constant shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "tem/tem_frame.h"
#include "tem/tem_map.h"
#include "tem/tem_rec.h"

static char *
data_path(const char *name)
{
	static char path[4096];
	const char *top = getenv("FK_TOP");

	snprintf(path, sizeof(path), "%s/tests/data/%s", top ? top : ".", name);
	return path;
}

/* "ADDR: BYTES  # comment" lines into b[size] (unlisted bytes 0); -1 if the file is bad. */
static int
load_hex(const char *name, uint8_t *b, size_t size)
{
	FILE *f = fopen(data_path(name), "r");
	char line[512];

	memset(b, 0, size);
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '#'), *end;
		unsigned long at, v;

		if (p)
			*p = '\0';
		for (p = line; *p == ' '; p++)
			;
		if (*p == '\0' || *p == '\n')
			continue;
		at = strtoul(p, &end, 16);
		if (*end != ':') {
			fclose(f);
			return -1;
		}
		for (p = end + 1; (v = strtoul(p, &end, 16)), end != p; p = end) {
			if (at >= size || v > 0xFF) {
				fclose(f);
				return -1;
			}
			b[at++] = (uint8_t)v;
		}
	}
	fclose(f);
	return 0;
}

static cJSON *
load_json_line(const char *name, int n)
{
	FILE *f = fopen(data_path(name), "r");
	char *line = NULL;
	size_t cap = 0;
	cJSON *j = NULL;

	if (f == NULL)
		return NULL;
	for (int i = 0; i <= n && getline(&line, &cap, f) != -1; i++)
		if (i == n)
			j = cJSON_Parse(line);
	free(line);
	fclose(f);
	return j;
}

static double
num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1e300;
}

/* Values of the channels a mask names, against the expected array. */
static void
check_channels(const cJSON *want, uint8_t mask, const float *v, int nch)
{
	int k = 0;

	for (int ch = 0; ch < 8; ch++) {
		const cJSON *w;
		if (!(mask & (1u << ch)))
			continue;
		w = cJSON_GetArrayItem(want, k++);
		if (ch >= nch || cJSON_IsNull(w))
			CHECK(ch >= nch || isnan(v[ch]));
		else
			CHECK_DBL(v[ch], w ? w->valuedouble : -1e300, 1e-6);
	}
	CHECK_INT(k, cJSON_GetArraySize(want));
}

static void
test_ram(const char *ramfile, const char *jsonfile, int net_num, int flash_type)
{
	static uint8_t ram[TEM_RAM_SIZE];
	cJSON *want = load_json_line(jsonfile, 0);
	const cJSON *sys;
	struct tem_reading r;
	char iso[20];
	int i = 0;

	CHECK_INT(load_hex(ramfile, ram, sizeof(ram)), 0);
	CHECK(want != NULL);
	if (want == NULL)
		return;
	tem_map_decode(ram, &r);
	CHECK_INT(r.serial, (long long)num(want, "serial"));
	CHECK_INT(r.systems, (long long)num(want, "systems_count"));
	CHECK_INT(r.flash_type, flash_type);
	CHECK_INT(r.net_num, net_num);
	CHECK(r.clock_ok);
	CHECK_STR(tem_time_iso(iso, &r.clock),
	    cJSON_GetStringValue(cJSON_GetObjectItem(want, "meter_clock")));
	CHECK_DBL(r.energy_total_mwh, num(want, "energy_total_mwh"), 1e-9);
	CHECK_INT(r.time_on_s, (long long)num(want, "time_on_s"));
	cJSON_ArrayForEach(sys, cJSON_GetObjectItem(want, "systems")) {
		const struct tem_system *s = &r.sys[i++];
		CHECK_INT(s->type, (long long)num(sys, "type_code"));
		CHECK_INT(s->comma, (long long)num(sys, "comma"));
		CHECK_DBL(s->energy_mwh, num(sys, "energy_mwh"), 1e-9);
		CHECK_DBL(s->mass_t, num(sys, "mass_t"), 1e-9);
		CHECK_DBL(s->volume_m3, num(sys, "volume_m3"), 1e-9);
		check_channels(cJSON_GetObjectItem(sys, "t_c"), s->t_mask, r.t_c, TEM_T_CH);
		check_channels(cJSON_GetObjectItem(sys, "p_mpa"), s->p_mask, r.p_mpa, TEM_T_CH);
		check_channels(cJSON_GetObjectItem(sys, "flow_m3h"), s->g_mask, r.flow_m3h,
		    TEM_G_ALL);
		check_channels(cJSON_GetObjectItem(sys, "flow_th"), s->g_mask, r.flow_th, TEM_G_CH);
		CHECK_INT(s->time_ok_s, (long long)num(sys, "time_ok_s"));
		CHECK_INT(s->time_e_s[0], (long long)num(sys, "time_flow_low_s"));
		CHECK_INT(s->time_e_s[1], (long long)num(sys, "time_flow_high_s"));
		CHECK_INT(s->time_e_s[2], (long long)num(sys, "time_dt_low_s"));
		CHECK_INT(s->time_e_s[3], (long long)num(sys, "time_fault_s"));
	}
	CHECK_INT(i, (long long)num(want, "systems_count"));
	cJSON_Delete(want);
}

/* What the archive reader takes from meter A's image. */
static void
test_ram_archive(void)
{
	static uint8_t ram[TEM_RAM_SIZE];
	struct tem_meter m = { .address = 5 };
	uint32_t ptr[3];
	const char *why;

	CHECK_INT(load_hex("meter-a.ram.hex", ram, sizeof(ram)), 0);
	tem_meter_id(&m, ram);
	CHECK_INT(m.serial, 1234567);
	CHECK_INT(m.flash_type, 0x1F24);
	CHECK_INT(tem_meter_cfg(&m, ram, &why), 0);
	CHECK_INT(m.systems, 3);
	CHECK_INT(m.system_t[1], 7);
	CHECK_INT(m.t_mask[1], 0x0C);
	CHECK_INT(m.p_mask[1], 0x04);
	tem_meter_ptrs(ram, ptr);
	CHECK_INT(ptr[0], 0x200300);
	CHECK_INT(ptr[1], 0x251180);
	CHECK_INT(ptr[2], 0x273980);
}

/* The record in file at flash address `at`, of the meter whose RAM image is ramfile. */
static void
test_record(const char *ramfile, const char *file, uint32_t at, const char *jsonfile, int line,
    enum tem_kind kind, unsigned slot)
{
	static uint8_t ram[TEM_RAM_SIZE];
	uint8_t rec[TEM_REC_SIZE];
	struct tem_meter m;
	cJSON *want = load_json_line(jsonfile, line), *got;
	const char *why;
	enum tem_kind k;
	unsigned s;

	CHECK_INT(load_hex(ramfile, ram, sizeof(ram)), 0);
	CHECK_INT(load_hex(file, rec, sizeof(rec)), 0);
	memset(&m, 0, sizeof(m));
	m.address = ram[0x0172];	/* net_num, section 5.1 */
	tem_meter_id(&m, ram);
	CHECK_INT(tem_meter_cfg(&m, ram, &why), 0);
	CHECK_INT(tem_rec_locate(m.flash_type, at, &k, &s), 0);
	CHECK_INT(k, kind);
	CHECK_INT(s, slot);
	CHECK(tem_rec_cs_ok(rec));
	got = tem_rec_json(rec, &m, kind, &why);
	CHECK(got != NULL && want != NULL && cJSON_Compare(got, want, 1));
	if (got && want && !cJSON_Compare(got, want, 1)) {
		char *g = cJSON_PrintUnformatted(got);
		fprintf(stderr, "%s: got %s\n", file, g);
		free(g);
	}
	cJSON_Delete(got);
	cJSON_Delete(want);
}

/* Frames of tests/data/frames.txt: checksums, and the requests fieldkit builds. */
static void
test_frames(void)
{
	FILE *f = fopen(data_path("frames.txt"), "r");
	uint8_t b[TEM_MAXFRAME], out[TEM_MAXFRAME], ident[] = { 0xD2, 0xC5, 0xCC, 0xD1, '1', '0', '6' };
	char line[512];
	int frames = 0;

	CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '#'), *end;
		size_t n = 0;
		unsigned long v;
		if (p)
			*p = '\0';
		if (strncmp(line, "req ", 4) != 0 && strncmp(line, "ans ", 4) != 0)
			continue;
		for (p = line + 4; (v = strtoul(p, &end, 16)), end != p && n < sizeof(b); p = end)
			b[n++] = (uint8_t)v;
		frames++;
		CHECK(n >= 7);
		CHECK_INT(tem_cs(b, n - 1), b[n - 1]);
		CHECK_INT(tem_build(out, b[0], b[1], b[3], b[4], b + 6, b[5]), n);
		CHECK(memcmp(out, b, n) == 0);
	}
	if (f)
		fclose(f);
	CHECK_INT(frames, 7);
	/* the requests the commands send, byte for byte */
	CHECK_INT(tem_req_ident(out, 1), 7);
	CHECK(memcmp(out, "\x55\x01\xFE\x00\x00\x00\xAB", 7) == 0);
	CHECK_INT(tem_req_ram(out, 5, 0x02FA, 6), 10);
	CHECK(memcmp(out, "\x55\x05\xFA\x0F\x01\x03\x02\xFA\x06\x96", 10) == 0);
	CHECK_INT(tem_req_flash(out, 5, 0x000180, 64), 12);
	CHECK(memcmp(out, "\x55\x05\xFA\x0F\x03\x05\x40\x00\x00\x01\x80\xD3", 12) == 0);
	CHECK_INT(tem_req_ram(out, 1, 0x0180, 64), 10);
	CHECK(memcmp(out, "\x55\x01\xFE\x0F\x01\x03\x01\x80\x40\xD7", 10) == 0);
	CHECK_INT(tem_build(out, TEM_SIG_ANS, 1, 0, 0, ident, sizeof(ident)), 14);
	CHECK_INT(out[13], 0x84);
}

int
main(void)
{
	test_ram("meter-a.ram.hex", "meter-a.temread.json", 5, 0x1F24);
	test_ram("meter-b.ram.hex", "meter-b.temread.json", 33, 0x1F25);
	test_ram_archive();
	test_record("meter-a.ram.hex", "meter-a.hour.rec.hex", 0x000180, "meter-a.temarchive.json",
	    0, TEM_HOUR, 1);
	test_record("meter-a.ram.hex", "meter-a.month.rec.hex", 0x073800, "meter-a.temarchive.json",
	    1, TEM_MONTH, 0);
	test_record("meter-b.ram.hex", "meter-b.day.rec.hex", 0x0A2180, "meter-b.temarchive.json",
	    0, TEM_DAY, 1);
	test_frames();
	return check_done();
}
