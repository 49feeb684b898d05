#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tem_bytes.h"
#include "tem_map.h"

const struct tem_span tem_map_needed[] = {
	{ TEM_A_SYSTEMS, TEM_A_USED_P + 1 - TEM_A_SYSTEMS },
	{ TEM_A_NUMBER, 4 },
	{ TEM_A_FLASH_TYPE, 2 },
	{ TEM_A_NET_NUM, 1 },
	{ TEM_A_T_N, 4 * TEM_T_CH },
	{ TEM_A_P_N, 4 * TEM_T_CH },
	{ TEM_A_GV_78, 8 },
	{ TEM_A_RASHOD_V, 4 * TEM_G_CH },
	{ TEM_A_RASHOD_M, 4 * TEM_G_CH },
	{ TEM_A_COMMA, TEM_MAX_SYSTEMS },
	{ TEM_A_LVOLUME, TEM_A_ENERGYALL + 4 - TEM_A_LVOLUME },
	{ TEM_A_TIME_WRKALL, TEM_A_TIME_E4 + 4 * TEM_MAX_SYSTEMS - TEM_A_TIME_WRKALL },
	{ TEM_A_RTC, 6 },
};
const size_t tem_map_nneeded = sizeof(tem_map_needed) / sizeof(tem_map_needed[0]);

size_t
tem_map_plan(const struct tem_span *need, size_t n, unsigned piece,
    struct tem_span *out, size_t max)
{
	uint8_t want[65536 / 8] = { 0 };
	size_t count = 0;
	unsigned a, last;

	if (piece == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		for (a = need[i].start; a < (unsigned)need[i].start + need[i].len && a < 65536; a++)
			want[a / 8] |= (uint8_t)(1 << (a % 8));
	for (a = 0; a < 65536; a++) {
		if (!(want[a / 8] & (1 << (a % 8))))
			continue;
		if (count == max)
			return 0;
		last = a;
		for (unsigned b = a; b < a + piece && b < 65536; b++)
			if (want[b / 8] & (1 << (b % 8)))
				last = b;
		out[count].start = (uint16_t)a;
		out[count].len = (uint16_t)(last - a + 1);
		count++;
		a = last;
	}
	return count;
}

static int
days_in(int year, int mon)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (mon == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return d[mon - 1];
}

/* Two-digit years are this century's: the meters were made from 2005 on. */
static int
time_check(struct tem_time *t, int yy)
{
	if (yy < 0 || t->mon < 1 || t->mon > 12 || t->day < 1 || t->hour < 0 ||
	    t->hour > 23 || t->min < 0 || t->min > 59 || t->sec < 0 || t->sec > 59)
		return -1;
	t->year = 2000 + yy;
	return t->day <= days_in(t->year, t->mon) ? 0 : -1;
}

int
tem_clock_decode(const uint8_t b[6], struct tem_time *t)
{
	t->sec = tem_bcd(b[0]);
	t->min = tem_bcd(b[1]);
	t->hour = tem_bcd(b[2]);
	t->day = tem_bcd(b[3]);
	t->mon = tem_bcd(b[4]);
	return time_check(t, tem_bcd(b[5]));
}

int
tem_map_time_decode(const uint8_t b[4], struct tem_time *t)
{
	t->sec = 0;
	t->min = 0;
	t->hour = tem_bcd(b[0]);
	t->day = tem_bcd(b[1]);
	t->mon = tem_bcd(b[2]);
	return time_check(t, tem_bcd(b[3]));
}

char *
tem_time_iso(char *out, const struct tem_time *t)
{
	snprintf(out, 20, "%04u-%02u-%02uT%02u:%02u:%02u", (unsigned)t->year % 10000,
	    (unsigned)t->mon % 100, (unsigned)t->day % 100, (unsigned)t->hour % 100,
	    (unsigned)t->min % 100, (unsigned)t->sec % 100);
	return out;
}

unsigned
tem_cp1251(uint8_t c)
{
	static const uint16_t hi[64] = {
		0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
		0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
		0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
		0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
		0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
		0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
		0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
	};

	if (c < 0x80)
		return c;
	if (c >= 0xC0)
		return 0x0410 + (c - 0xC0u);
	return hi[c - 0x80];
}

static size_t
put_utf8(char *o, unsigned u)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xC0 | u >> 6);
		o[1] = (char)(0x80 | (u & 0x3F));
		return 2;
	}
	o[0] = (char)(0xE0 | u >> 12);
	o[1] = (char)(0x80 | ((u >> 6) & 0x3F));
	o[2] = (char)(0x80 | (u & 0x3F));
	return 3;
}

char *
tem_model_utf8(char *out, size_t outlen, const uint8_t *b, size_t n)
{
	size_t o = 0;

	while (n > 0 && (b[n - 1] == 0 || b[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < n && o + 4 <= outlen; i++) {
		unsigned u = tem_cp1251(b[i]);
		if (u == 0)
			continue;
		/* Control bytes would only garble a log line. */
		o += put_utf8(out + o, u < 0x20 || u == 0x7F ? 0xFFFD : u);
	}
	if (outlen)
		out[o < outlen ? o : outlen - 1] = '\0';
	return out;
}

static void
floats(const uint8_t *b, float *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = tem_f32(b + 4 * i);
}

void
tem_map_decode(const uint8_t ram[TEM_RAM_SIZE], struct tem_reading *r)
{
	memset(r, 0, sizeof(*r));
	r->systems = ram[TEM_A_SYSTEMS];
	r->serial = tem_u32(ram + TEM_A_NUMBER);
	r->flash_type = tem_u16(ram + TEM_A_FLASH_TYPE);
	r->net_num = ram[TEM_A_NET_NUM];
	r->clock_ok = tem_clock_decode(ram + TEM_A_RTC, &r->clock) == 0;
	floats(ram + TEM_A_T_N, r->t_c, TEM_T_CH);
	floats(ram + TEM_A_P_N, r->p_mpa, TEM_T_CH);
	floats(ram + TEM_A_RASHOD_V, r->flow_m3h, TEM_G_CH);
	floats(ram + TEM_A_RASHOD_M, r->flow_th, TEM_G_CH);
	floats(ram + TEM_A_GV_78, r->flow_m3h + TEM_G_CH, 2);
	r->flow_th[6] = r->flow_th[7] = NAN;
	/* The source gives energyall no scale of its own: it uses system 1's. */
	r->energy_total_mwh = tem_integrator(tem_u32(ram + TEM_A_ENERGYALL),
	    tem_f32(ram + TEM_A_LENERGYALL), tem_kq(ram[TEM_A_COMMA]));
	r->time_on_s = tem_u32(ram + TEM_A_TIME_WRKALL);
	for (int i = 0; i < TEM_MAX_SYSTEMS; i++) {
		struct tem_system *s = &r->sys[i];
		uint8_t c = ram[TEM_A_COMMA + i];

		s->type = ram[TEM_A_SYSTEM_T + i];
		s->g_mask = ram[TEM_A_SYS_G + i];
		s->t_mask = ram[TEM_A_SYS_T + i];
		s->p_mask = ram[TEM_A_SYS_P + i];
		s->comma = c;
		s->energy_mwh = tem_integrator(tem_u32(ram + TEM_A_ENERGY + 4 * i),
		    tem_f32(ram + TEM_A_LENERGY + 4 * i), tem_kq(c));
		s->mass_t = tem_integrator(tem_u32(ram + TEM_A_MASS + 4 * i),
		    tem_f32(ram + TEM_A_LMASS + 4 * i), tem_kv(c));
		s->volume_m3 = tem_integrator(tem_u32(ram + TEM_A_VOLUME + 4 * i),
		    tem_f32(ram + TEM_A_LVOLUME + 4 * i), tem_kv(c));
		s->time_ok_s = tem_u32(ram + TEM_A_TIME_WRK + 4 * i);
		s->time_e_s[0] = tem_u32(ram + TEM_A_TIME_E1 + 4 * i);
		s->time_e_s[1] = tem_u32(ram + TEM_A_TIME_E2 + 4 * i);
		s->time_e_s[2] = tem_u32(ram + TEM_A_TIME_E3 + 4 * i);
		s->time_e_s[3] = tem_u32(ram + TEM_A_TIME_E4 + 4 * i);
	}
}

int
tem_scale_digits(double k)
{
	int d = (int)lround(log10(k > 1 ? k : 1));

	return d + 3;
}
