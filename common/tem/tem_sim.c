#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tem_bytes.h"
#include "tem_sim.h"
#include "tem_sim_image.h"

void
tem_sim_init(struct tem_sim *m, uint8_t addr)
{
	/* "ТЕМС106" in CP1251, as the source's identify example spells it */
	static const uint8_t model[] = { 0xD2, 0xC5, 0xCC, 0xD1, '1', '0', '6' };
	static const struct tem_sim_sys sys[2] = {
		{ 0x04, 4, 0x03, 0x03, 0x03, 12000 * 8, 50000 * 8, 51000 * 8, 10, 29, 30 },
		{ 0x08, 3, 0x04, 0x0C, 0x04, 3000 * 8, 9000 * 8, 9100 * 8, 1, 1, 1 },
	};
	static const float t[TEM_T_CH] = { 70.5f, 45.25f, 55.0f, 8.75f };
	static const float p[TEM_T_CH] = { 0.625f, 0.375f, 0.5f };
	static const float gv[TEM_G_CH] = { 2.25f, 2.0f, 0.75f };
	static const float gm[TEM_G_CH] = { 2.125f, 1.875f, 0.75f };

	memset(m, 0, sizeof(*m));
	m->addr = addr;
	m->serial = 1000000u + addr;
	memcpy(m->model, model, sizeof(model));
	m->model_len = sizeof(model);
	tem_sim_parse_time("2026-03-02T14:15:33", &m->clock);
	m->report_day = 1;
	m->flash_type = TEM_FLASH_1M;
	m->nsys = 2;
	memcpy(m->sys, sys, sizeof(sys));
	memcpy(m->t_c, t, sizeof(t));
	memcpy(m->p_mpa, p, sizeof(p));
	memcpy(m->flow_m3h, gv, sizeof(gv));
	memcpy(m->flow_th, gm, sizeof(gm));
	m->count[TEM_HOUR] = 48;
	m->count[TEM_DAY] = 10;
	m->count[TEM_MONTH] = 3;
}

int
tem_sim_parse_time(const char *s, time_t *t)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL || *end != '\0')
		return -1;
	if (tm.tm_year < 120 || tm.tm_year > 199)
		return -1;
	struct tm chk = tm;
	*t = timegm(&chk);
	/* strptime takes 31 February; the meter's calendar does not. */
	if (chk.tm_mday != tm.tm_mday || chk.tm_mon != tm.tm_mon)
		return -1;
	return 0;
}

/* An integrator in eighths of a raw unit at meter time t. */
static int64_t
grown(int64_t at_base, int64_t per_min, time_t t)
{
	return t >= TEM_SIM_BASE ? at_base + per_min * ((t - TEM_SIM_BASE) / 60) : 0;
}

/* Whole raw units as the meter's 32-bit counter, the eighths as its float fraction. */
static void
put_integrator(uint8_t *whole, uint8_t *frac, int64_t eighths)
{
	if (eighths < 0)
		eighths = 0;
	tem_put_u32(whole, (uint32_t)(eighths >> 3));
	tem_put_f32(frac, (float)(eighths & 7) / 8.0f);
}

/* Total energy in system 1's scale: each system's eighths rescaled, finer ones rounded down. */
static int64_t
energy_all(const struct tem_sim *m, time_t t)
{
	int64_t sum = 0, k0 = (int64_t)tem_kq(m->sys[0].comma);

	for (unsigned i = 0; i < m->nsys; i++) {
		const struct tem_sim_sys *s = &m->sys[i];
		int64_t e = grown(s->energy0, s->energy_rate, t);
		int64_t k = (int64_t)tem_kq(s->comma);
		sum += k0 >= k ? e * (k0 / k) : e / (k / k0);
	}
	return sum;
}

/* Time counters at t: on since the base; per system e1 and e3 grow daily, the rest ran clean. */
struct counters {
	uint32_t on, ok[TEM_MAX_SYSTEMS], e[4][TEM_MAX_SYSTEMS];
};

static void
counters_at(const struct tem_sim *m, time_t t, struct counters *c)
{
	int64_t s = t > TEM_SIM_BASE ? t - TEM_SIM_BASE : 0, d = s / 86400;

	memset(c, 0, sizeof(*c));
	c->on = (uint32_t)s;
	for (unsigned i = 0; i < m->nsys; i++) {
		c->e[0][i] = (uint32_t)(60 * (i + 1) * d);
		c->e[2][i] = (uint32_t)(30 * (i + 1) * d);
		c->ok[i] = (uint32_t)(s - c->e[0][i] - c->e[2][i]);
	}
}

static void
put_counters(uint8_t *all, uint8_t *wrk, uint8_t *const e[4], const struct counters *c)
{
	tem_put_u32(all, c->on);
	for (int i = 0; i < TEM_MAX_SYSTEMS; i++) {
		tem_put_u32(wrk + 4 * i, c->ok[i]);
		for (int k = 0; k < 4; k++)
			tem_put_u32(e[k] + 4 * i, c->e[k][i]);
	}
}

/* Volume, mass, energy and their fractions: the same order in RAM and in records. */
static void
put_integrators(const struct tem_sim *m, time_t t, uint8_t *lvolume)
{
	uint8_t *volume = lvolume + 0x18, *lmass = lvolume + 0x30, *mass = lvolume + 0x48;
	uint8_t *lenergy = lvolume + 0x60, *energy = lvolume + 0x78;

	for (unsigned i = 0; i < m->nsys; i++) {
		const struct tem_sim_sys *s = &m->sys[i];
		put_integrator(volume + 4 * i, lvolume + 4 * i,
		    grown(s->volume0, s->volume_rate, t));
		put_integrator(mass + 4 * i, lmass + 4 * i, grown(s->mass0, s->mass_rate, t));
		put_integrator(energy + 4 * i, lenergy + 4 * i,
		    grown(s->energy0, s->energy_rate, t));
	}
	put_integrator(lvolume + 0x94, lvolume + 0x90, energy_all(m, t));
}

static uint32_t
ring_ptr(const struct tem_sim *m, enum tem_kind k)
{
	struct tem_region r[3];

	if (tem_flash_layout(m->flash_type, r) == 0)
		return 0;
	return TEM_PTR_BASE + tem_ring_addr(&r[k], m->count[k] % r[k].count);
}

void
tem_sim_fill_ram(struct tem_sim *m)
{
	uint8_t *ram = m->ram, used[3] = { 0 };
	uint8_t *e[4] = { ram + TEM_DOC_TIME_E1, ram + TEM_DOC_TIME_E2, ram + TEM_DOC_TIME_E3,
	    ram + TEM_DOC_TIME_E4 };
	struct counters c;
	struct tm tm;

	memset(ram, 0, TEM_RAM_SIZE);
	ram[TEM_DOC_SYSTEMS] = (uint8_t)m->nsys;
	for (unsigned i = 0; i < m->nsys; i++) {
		const struct tem_sim_sys *s = &m->sys[i];
		ram[TEM_DOC_SYSTEM_T + i] = s->type;
		ram[TEM_DOC_SYS_G + i] = s->g_mask;
		ram[TEM_DOC_SYS_T + i] = s->t_mask;
		ram[TEM_DOC_SYS_P + i] = s->p_mask;
		used[0] |= s->g_mask;
		used[1] |= s->t_mask;
		used[2] |= s->p_mask;
		tem_put_f32(ram + TEM_DOC_DT_MIN + 4 * i, 3.0f);
		ram[TEM_DOC_COMMA + i] = s->comma;
	}
	memcpy(ram + TEM_DOC_USED_G, used, 3);
	for (int ch = 0; ch < TEM_G_CH; ch++) {
		tem_put_f32(ram + TEM_DOC_G_MAX + 4 * ch, 6.0f);
		ram[TEM_DOC_G_PCMT_MAX + ch] = 100;
		ram[TEM_DOC_G_PCMT_MIN + ch] = 40;
		tem_put_u16(ram + TEM_DOC_DIAM + 2 * ch, ch < 2 ? 25 : 15);
		tem_put_f32(ram + TEM_DOC_RASHOD_V + 4 * ch, m->flow_m3h[ch]);
		tem_put_f32(ram + TEM_DOC_RASHOD_M + 4 * ch, m->flow_th[ch]);
	}
	for (int ch = 0; ch < TEM_T_CH; ch++) {
		tem_put_f32(ram + TEM_DOC_T_N + 4 * ch, m->t_c[ch]);
		tem_put_f32(ram + TEM_DOC_P_N + 4 * ch, m->p_mpa[ch]);
	}
	tem_put_u32(ram + TEM_DOC_NUMBER, m->serial);
	tem_put_u16(ram + TEM_DOC_FLASH_TYPE, m->flash_type);
	ram[TEM_DOC_NET_NUM] = m->addr;
	put_integrators(m, m->clock, ram + TEM_DOC_LVOLUME);
	counters_at(m, m->clock, &c);
	put_counters(ram + TEM_DOC_TIME_WRKALL, ram + TEM_DOC_TIME_WRK, e, &c);
	gmtime_r(&m->clock, &tm);
	ram[TEM_DOC_RTC_SS + 0] = tem_to_bcd(tm.tm_sec);
	ram[TEM_DOC_RTC_SS + 1] = tem_to_bcd(tm.tm_min);
	ram[TEM_DOC_RTC_SS + 2] = tem_to_bcd(tm.tm_hour);
	ram[TEM_DOC_RTC_SS + 3] = tem_to_bcd(tm.tm_mday);
	ram[TEM_DOC_RTC_SS + 4] = tem_to_bcd(tm.tm_mon + 1);
	ram[TEM_DOC_RTC_SS + 5] = tem_to_bcd(tm.tm_year % 100);
	for (int k = TEM_HOUR; k <= TEM_MONTH; k++)
		tem_put_u32(ram + TEM_DOC_ADR_HOUR + 4 * k, ring_ptr(m, (enum tem_kind)k));
	for (unsigned i = 0; i < m->npatch; i++) {
		const struct tem_sim_patch *p = &m->patch[i];
		size_t n = p->at + p->len > TEM_RAM_SIZE ? TEM_RAM_SIZE - p->at : p->len;
		memcpy(ram + p->at, p->b, n);
	}
}

static void
put_bcd_time(uint8_t *b, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	b[0] = tem_to_bcd(tm.tm_hour);
	b[1] = tem_to_bcd(tm.tm_mday);
	b[2] = tem_to_bcd(tm.tm_mon + 1);
	b[3] = tem_to_bcd(tm.tm_year % 100);
}

/* Meter time `months` calendar months before t (the day of month is at most 28). */
static time_t
months_back(time_t t, long months)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_mon -= (int)months;
	tm.tm_isdst = 0;
	return timegm(&tm);
}

void
tem_sim_record(const struct tem_sim *m, enum tem_kind k, time_t written,
    uint8_t rec[TEM_REC_SIZE])
{
	uint8_t *e[4] = { rec + TEM_DOC_R_TIME_E1, rec + TEM_DOC_R_TIME_E2, rec + TEM_DOC_R_TIME_E3,
	    rec + TEM_DOC_R_TIME_E4 };
	time_t from = k == TEM_HOUR ? written - 3600 :
	    k == TEM_DAY ? written - 86400 : months_back(written, 1);
	struct counters c;
	struct tm p;
	int n;

	memset(rec, 0, TEM_REC_SIZE);
	put_bcd_time(rec + TEM_DOC_R_HOUR, written);
	put_integrators(m, written, rec + TEM_DOC_R_LVOLUME);
	counters_at(m, written, &c);
	put_counters(rec + TEM_DOC_R_TIME_WRKALL, rec + TEM_DOC_R_TIME_WRK, e, &c);
	gmtime_r(&from, &p);
	n = k == TEM_HOUR ? p.tm_hour : k == TEM_DAY ? p.tm_mday : p.tm_mon + 1;
	for (unsigned i = 0; i < m->nsys; i++)
		rec[TEM_DOC_R_COMMA + i] = m->sys[i].comma;
	for (int ch = 0; ch < TEM_T_CH; ch++)
		tem_put_f32(rec + TEM_DOC_R_MT + 4 * ch, m->t_c[ch] + 0.25f * (float)(n % 8));
	for (int ch = 0; ch < 6; ch++)
		tem_put_f32(rec + TEM_DOC_R_MP + 4 * ch, m->p_mpa[ch]);
	/* dt < min in system 1 from 03:00 to 04:00 every day */
	if (m->nsys > 0 && (k != TEM_HOUR || p.tm_hour == 3))
		rec[TEM_DOC_R_ERROR] = 0x10;
	put_bcd_time(rec + TEM_DOC_R_PRED_HH, from);
	rec[TEM_DOC_R_CHECKSUM] = tem_cs(rec, TEM_DOC_R_CHECKSUM);
}

/* When the newest record of kind k was written, for a clock at t. */
static time_t
last_written(const struct tem_sim *m, enum tem_kind k, time_t t)
{
	struct tm tm;

	if (k == TEM_HOUR)
		return t - (t % 3600);
	if (k == TEM_DAY)
		return t - (t % 86400);
	gmtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if (tm.tm_mday < m->report_day)
		tm.tm_mon--;
	tm.tm_mday = m->report_day;
	return timegm(&tm);
}

static void
write_record(struct tem_sim *m, enum tem_kind k, long i, time_t written)
{
	struct tem_region r[3];

	tem_flash_layout(m->flash_type, r);
	tem_sim_record(m, k, written, m->flash + tem_ring_addr(&r[k], i));
}

int
tem_sim_start(struct tem_sim *m)
{
	struct tem_region r[3];

	if ((m->flash_size = tem_flash_layout(m->flash_type, r)) == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((m->flash = malloc(m->flash_size)) == NULL)
		return -1;
	memset(m->flash, 0xFF, m->flash_size);
	for (int k = TEM_HOUR; k <= TEM_MONTH; k++) {
		long n = m->count[k], first = n > (long)r[k].count ? n - r[k].count : 0;
		time_t last = last_written(m, (enum tem_kind)k, m->clock);
		for (long i = first; i < n; i++) {
			long back = n - 1 - i;
			time_t w = k == TEM_HOUR ? last - back * 3600 :
			    k == TEM_DAY ? last - back * 86400 : months_back(last, back);
			write_record(m, (enum tem_kind)k, i, w);
		}
	}
	tem_sim_fill_ram(m);
	return 0;
}

void
tem_sim_free(struct tem_sim *m)
{
	free(m->flash);
	m->flash = NULL;
}

void
tem_sim_tick(struct tem_sim *m)
{
	struct tm tm;

	m->clock = m->clock - (m->clock % 3600) + 3600;
	write_record(m, TEM_HOUR, m->count[TEM_HOUR]++, m->clock);
	gmtime_r(&m->clock, &tm);
	if (tm.tm_hour == 0) {
		write_record(m, TEM_DAY, m->count[TEM_DAY]++, m->clock);
		if (tm.tm_mday == m->report_day)
			write_record(m, TEM_MONTH, m->count[TEM_MONTH]++, m->clock);
	}
	tem_sim_fill_ram(m);
}

void
tem_sim_erase(struct tem_sim *m)
{
	memset(m->flash, 0xFF, m->flash_size);
	m->count[TEM_HOUR] = m->count[TEM_DAY] = m->count[TEM_MONTH] = 0;
	tem_sim_fill_ram(m);
}

size_t
tem_sim_answer(const struct tem_sim *m, const struct tem_frame *req, uint8_t *out)
{
	uint8_t data[TEM_MAXDATA];
	const uint8_t *d = req->data;
	unsigned n;

	if (req->addr != m->addr)
		return 0;
	if (req->cgrp == TEM_CGRP_LINK && req->cmd == TEM_CMD_IDENT)
		return tem_build(out, TEM_SIG_ANS, m->addr, TEM_CGRP_LINK, TEM_CMD_IDENT,
		    m->model, m->model_len);
	if (req->cgrp != TEM_CGRP_MEM)
		return 0;
	if (req->cmd == TEM_CMD_RAM && req->len == 3) {
		unsigned a = tem_u16(d);
		if ((n = d[2]) < 1 || n > TEM_MAXDATA)
			return 0;
		for (unsigned i = 0; i < n; i++)
			data[i] = a + i < TEM_RAM_SIZE ? m->ram[a + i] : 0;
	} else if (req->cmd == TEM_CMD_FLASH && req->len == 5) {
		uint32_t a = tem_u32(d + 1);
		if ((n = d[0]) < 1 || n > TEM_MAXDATA)
			return 0;
		for (unsigned i = 0; i < n; i++)
			data[i] = (uint64_t)a + i < m->flash_size ? m->flash[a + i] : 0xFF;
	} else
		return 0;
	return tem_build(out, TEM_SIG_ANS, m->addr, TEM_CGRP_MEM, req->cmd, data, n);
}
