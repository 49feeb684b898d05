#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fk/jsonl.h"
#include "tem_bytes.h"
#include "tem_frame.h"
#include "tem_json.h"
#include "tem_map.h"
#include "tem_rec.h"
#include "tem_tz.h"

enum tem_when_rc
tem_when(const uint8_t b[4], long long *key)
{
	struct tem_time t;
	struct tm tm = { 0 };

	if (b[0] == 0xFF && b[1] == 0xFF && b[2] == 0xFF && b[3] == 0xFF)
		return TEM_WHEN_ERASED;
	if (tem_map_time_decode(b, &t) == -1)
		return TEM_WHEN_BAD;
	tm.tm_year = t.year - 1900;
	tm.tm_mon = t.mon - 1;
	tm.tm_mday = t.day;
	tm.tm_hour = t.hour;
	*key = (long long)timegm(&tm);
	return TEM_WHEN_OK;
}

long long
tem_when_next(long long key, enum tem_kind k)
{
	time_t t = (time_t)key;
	struct tm tm;

	if (k == TEM_HOUR)
		return key + 3600;
	if (k == TEM_DAY)
		return key + 86400;
	gmtime_r(&t, &tm);
	tm.tm_mon++;
	return (long long)timegm(&tm);
}

char *
tem_when_iso(char *buf, size_t len, long long key)
{
	time_t t = (time_t)key;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	return buf;
}

void
tem_meter_id(struct tem_meter *m, const uint8_t *ram)
{
	m->serial = tem_u32(ram + TEM_A_NUMBER);
	m->flash_type = tem_u16(ram + TEM_A_FLASH_TYPE);
}

int
tem_meter_cfg(struct tem_meter *m, const uint8_t *ram, const char **why)
{
	if (ram[TEM_A_SYSTEMS] < 1 || ram[TEM_A_SYSTEMS] > TEM_MAX_SYSTEMS) {
		*why = "number of systems not 1..6";
		return -1;
	}
	m->systems = ram[TEM_A_SYSTEMS];
	for (int i = 0; i < TEM_MAX_SYSTEMS; i++) {
		m->system_t[i] = ram[TEM_A_SYSTEM_T + i];
		m->t_mask[i] = ram[TEM_A_SYS_T + i];
		m->p_mask[i] = ram[TEM_A_SYS_P + i];
	}
	return 0;
}

void
tem_meter_ptrs(const uint8_t *ram, uint32_t ptr[3])
{
	for (int k = 0; k < 3; k++)
		ptr[k] = tem_u32(ram + TEM_RAM_PTR + 4 * k);
}

int
tem_rec_erased(const uint8_t *b, size_t n)
{
	while (n--)
		if (*b++ != 0xFF)
			return 0;
	return 1;
}

int
tem_rec_cs_ok(const uint8_t *rec)
{
	return tem_cs(rec, TEM_R_CHECKSUM) == rec[TEM_R_CHECKSUM];
}

const char *
tem_rec_err_name(int bit)
{
	static const char *const names[8] = { "g1_low", "g2_low", "g1_high",
	    "g2_high", "dt_low", "t_fault", "p_fault", "power_off" };

	return bit >= 0 && bit < 8 ? names[bit] : "?";
}

char *
tem_rec_id(char *buf, size_t len, uint32_t serial, enum tem_kind k, long long period)
{
	char iso[32];

	tem_when_iso(iso, sizeof(iso), period);
	iso[16] = '\0';		/* records are an hour apart at the finest */
	snprintf(buf, len, "%lu-%s-%s", (unsigned long)serial, tem_kind_name(k), iso);
	return buf;
}

int
tem_rec_locate(uint16_t flash_type, uint32_t at, enum tem_kind *k, unsigned *slot)
{
	struct tem_region r[3];

	if (tem_flash_layout(flash_type, r) == 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		if (at >= r[i].start && at < r[i].end &&
		    (at - r[i].start) % TEM_REC_SIZE == 0) {
			*k = (enum tem_kind)i;
			*slot = (at - r[i].start) / TEM_REC_SIZE;
			return 0;
		}
	}
	return -1;
}

/* An integrator of system i, with temread's number of decimals for its scale. */
static void
integ(cJSON *o, const char *name, const uint8_t *rec, int whole_off, int frac_off,
    int i, double k)
{
	jsonl_add_num(o, name, tem_integrator(tem_u32(rec + whole_off + 4 * i),
	    tem_f32(rec + frac_off + 4 * i), k), tem_scale_digits(k));
}

/* The record's channel values (big-endian floats at p) through the builder temread uses. */
static void
channels(cJSON *o, const char *chname, const char *name, uint8_t mask,
    const uint8_t *p, int nch, int digits)
{
	float v[8];

	for (int i = 0; i < nch; i++)
		v[i] = tem_f32(p + 4 * i);
	tem_json_channels(o, chname, name, mask, v, nch, digits);
}

static cJSON *
system_json(const uint8_t *rec, const struct tem_meter *m, int i)
{
	cJSON *o = cJSON_CreateObject(), *errs;
	uint8_t comma = rec[TEM_R_COMMA + i], e = rec[TEM_R_ERROR + i];
	float t[7];

	cJSON_AddNumberToObject(o, "n", i + 1);
	tem_json_type(o, m->system_t[i]);
	cJSON_AddNumberToObject(o, "comma", comma);
	integ(o, "energy_mwh", rec, TEM_R_ENERGY, TEM_R_LENERGY, i, tem_kq(comma));
	integ(o, "mass_t", rec, TEM_R_MASS, TEM_R_LMASS, i, tem_kv(comma));
	integ(o, "volume_m3", rec, TEM_R_VOLUME, TEM_R_LVOLUME, i, tem_kv(comma));
	channels(o, "t_ch", "t_c", m->t_mask[i], rec + TEM_R_MT, 7, 2);
	channels(o, "p_ch", "p_mpa", m->p_mask[i], rec + TEM_R_MP, 6, 3);
	for (int c = 0; c < 7; c++)
		t[c] = tem_f32(rec + TEM_R_MT + 4 * c);
	tem_json_named(o, m->system_t[i], m->t_mask[i], t, 7, 0, NULL, NULL, 0);
	cJSON_AddNumberToObject(o, "time_ok_s", tem_u32(rec + TEM_R_TIME_WRK + 4 * i));
	cJSON_AddNumberToObject(o, "time_flow_low_s", tem_u32(rec + TEM_R_TIME_E1 + 4 * i));
	cJSON_AddNumberToObject(o, "time_flow_high_s", tem_u32(rec + TEM_R_TIME_E2 + 4 * i));
	cJSON_AddNumberToObject(o, "time_dt_low_s", tem_u32(rec + TEM_R_TIME_E3 + 4 * i));
	cJSON_AddNumberToObject(o, "time_fault_s", tem_u32(rec + TEM_R_TIME_E4 + 4 * i));
	errs = cJSON_AddArrayToObject(o, "errors");
	for (int b = 0; b < 8; b++)
		if (e & (1u << b))
			cJSON_AddItemToArray(errs,
			    cJSON_CreateString(tem_rec_err_name(b)));
	return o;
}

/* rec's integrator minus old's, at the finer of their two scales; nothing if it went back. */
static void
delta(cJSON *o, const char *name, const uint8_t *rec, const uint8_t *old, int whole_off,
    int frac_off, int i, double (*kf)(uint8_t))
{
	double k = kf(rec[TEM_R_COMMA + i]), ko = kf(old[TEM_R_COMMA + i]);
	double v = tem_integrator(tem_u32(rec + whole_off + 4 * i),
	    tem_f32(rec + frac_off + 4 * i), k);
	double vo = tem_integrator(tem_u32(old + whole_off + 4 * i),
	    tem_f32(old + frac_off + 4 * i), ko);
	int d = tem_scale_digits(k > ko ? k : ko);

	if (v >= vo)
		jsonl_add_num(o, name, v - vo, d);
}

void
tem_rec_delta(struct tem_prev *p, cJSON *o, const uint8_t *rec, const struct tem_meter *m,
    enum tem_kind k)
{
	cJSON *sys = cJSON_GetObjectItemCaseSensitive(o, "systems"), *s;
	long long period;
	int i = 0;

	if (tem_when(rec + TEM_R_PERIOD, &period) != TEM_WHEN_OK)
		return;
	if (p->have[k] && tem_when_next(p->period[k], k) == period)
		cJSON_ArrayForEach(s, sys) {
			if (i >= (int)m->systems)
				break;
			delta(s, "energy_delta_mwh", rec, p->rec[k], TEM_R_ENERGY,
			    TEM_R_LENERGY, i, tem_kq);
			delta(s, "mass_delta_t", rec, p->rec[k], TEM_R_MASS, TEM_R_LMASS, i,
			    tem_kv);
			delta(s, "volume_delta_m3", rec, p->rec[k], TEM_R_VOLUME,
			    TEM_R_LVOLUME, i, tem_kv);
			i++;
		}
	p->have[k] = 1;
	p->period[k] = period;
	memcpy(p->rec[k], rec, TEM_REC_SIZE);
}

cJSON *
tem_rec_json(const uint8_t *rec, const struct tem_meter *m, enum tem_kind k,
    const char **why)
{
	long long written, period;
	char id[64], iso[32];
	cJSON *o, *sys, *vx;

	if (tem_when(rec + TEM_R_WRITTEN, &written) != TEM_WHEN_OK) {
		*why = "written date is not a valid BCD date";
		return NULL;
	}
	if (tem_when(rec + TEM_R_PERIOD, &period) != TEM_WHEN_OK) {
		*why = "period date is not a valid BCD date";
		return NULL;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", tem_rec_id(id, sizeof(id), m->serial, k, period));
	cJSON_AddNumberToObject(o, "serial", m->serial);
	cJSON_AddNumberToObject(o, "address", m->address);
	if (m->name)
		cJSON_AddStringToObject(o, "name", m->name);
	cJSON_AddStringToObject(o, "kind", tem_kind_name(k));
	cJSON_AddStringToObject(o, "period", tem_tz_iso(iso, sizeof(iso), period));
	cJSON_AddStringToObject(o, "written", tem_tz_iso(iso, sizeof(iso), written));
	cJSON_AddStringToObject(o, "checksum", tem_rec_cs_ok(rec) ? "ok" : "mismatch");
	/* The source gives no comma for the total; system 1's is the best guess. */
	integ(o, "energy_total_mwh", rec, TEM_R_ENERGYALL, TEM_R_LENERGYALL, 0,
	    tem_kq(rec[TEM_R_COMMA]));
	cJSON_AddNumberToObject(o, "time_on_s", tem_u32(rec + TEM_R_TIME_WRKALL));
	sys = cJSON_AddArrayToObject(o, "systems");
	for (unsigned i = 0; i < m->systems && i < TEM_MAX_SYSTEMS; i++)
		cJSON_AddItemToArray(sys, system_json(rec, m, (int)i));
	vx = cJSON_AddArrayToObject(o, "volume_extra_m3");
	for (int i = 0; i < 2; i++)
		cJSON_AddItemToArray(vx, jsonl_num((double)tem_f32(rec + TEM_R_VOLDOP_H + 4 * i) +
		    (double)tem_f32(rec + TEM_R_VOLDOP_L + 4 * i), 6));
	return o;
}
