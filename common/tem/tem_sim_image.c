#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fk/num_parse.h"
#include "tem_sim_image.h"

struct ctx {
	char *err;
	size_t errlen;
	char where[64];		/* "meters.2." or "" */
};

static int
fail(struct ctx *c, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s%s", c->where, msg);
	return -1;
}

static int
integer(struct ctx *c, const cJSON *v, const char *name, double min, double max, double *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble < min || v->valuedouble > max)
		return fail(c, "%s: expected an integer %.0f..%.0f", name, min, max);
	*out = v->valuedouble;
	return 0;
}

/* Raw integrator units in whole eighths, as the simulator counts them. */
static int
eighths(struct ctx *c, const cJSON *v, const char *name, int64_t *out)
{
	double e = cJSON_IsNumber(v) ? v->valuedouble * 8 : -1;

	if (e < 0 || e > 8e9 || e != floor(e))
		return fail(c, "%s: expected a multiple of 0.125 in 0..1e9", name);
	*out = (int64_t)e;
	return 0;
}

static int
floats(struct ctx *c, const cJSON *v, const char *name, float *out, int max)
{
	int n = 0;
	const cJSON *e;

	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > max)
		return fail(c, "%s: expected an array of up to %d numbers", name, max);
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsNumber(e))
			return fail(c, "%s: expected an array of up to %d numbers", name, max);
		out[n++] = (float)e->valuedouble;
	}
	return 0;
}

/* Channel numbers [1, 3] as the bit mask 0x05. */
static int
channels(struct ctx *c, const cJSON *v, const char *name, int max, uint8_t *mask)
{
	const cJSON *e;

	*mask = 0;
	if (!cJSON_IsArray(v))
		return fail(c, "%s: expected an array of channel numbers", name);
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsNumber(e) || e->valuedouble != floor(e->valuedouble) ||
		    e->valuedouble < 1 || e->valuedouble > max)
			return fail(c, "%s: expected channel numbers 1..%d", name, max);
		*mask |= (uint8_t)(1 << ((int)e->valuedouble - 1));
	}
	return 0;
}

/* The integrator a key starts from or grows by, NULL for any other key. */
static int64_t *
counter(struct tem_sim_sys *s, const char *key)
{
#define COUNTER(f) { #f, offsetof(struct tem_sim_sys, f) }
	static const struct { const char *key; size_t off; } keys[] = {
		COUNTER(energy0), COUNTER(energy_rate), COUNTER(mass0),
		COUNTER(mass_rate), COUNTER(volume0), COUNTER(volume_rate)
	};
#undef COUNTER

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i].key) == 0)
			return (int64_t *)((char *)s + keys[i].off);
	return NULL;
}

static int
one_system(struct ctx *c, const cJSON *o, int i, struct tem_sim_sys *s)
{
	const cJSON *v;
	int64_t *e;
	char name[48];
	double d = 0;

	if (!cJSON_IsObject(o))
		return fail(c, "systems[%d]: expected an object", i);
	cJSON_ArrayForEach(v, o) {
		const char *k = v->string;
		int rc;
		snprintf(name, sizeof(name), "systems[%d].%s", i, k);
		if (strcmp(k, "type") == 0 || strcmp(k, "comma") == 0) {
			if ((rc = integer(c, v, name, 0, 255, &d)) == 0)
				*(k[0] == 't' ? &s->type : &s->comma) = (uint8_t)d;
		} else if (strcmp(k, "flow_ch") == 0)
			rc = channels(c, v, name, 8, &s->g_mask);
		else if (strcmp(k, "t_ch") == 0)
			rc = channels(c, v, name, 7, &s->t_mask);
		else if (strcmp(k, "p_ch") == 0)
			rc = channels(c, v, name, 7, &s->p_mask);
		else if ((e = counter(s, k)) != NULL)
			rc = eighths(c, v, name, e);
		else
			rc = fail(c, "%s: unknown key", name);
		if (rc)
			return -1;
	}
	/* A rate beyond this would overflow the 32-bit counters within this century. */
	if (s->energy_rate > 640 || s->mass_rate > 640 || s->volume_rate > 640)
		return fail(c, "systems[%d]: rates above 80 raw units a minute", i);
	return 0;
}

static int
systems(struct ctx *c, const cJSON *v, struct tem_sim *m)
{
	int n = cJSON_GetArraySize(v), i = 0;
	const cJSON *o;

	if (!cJSON_IsArray(v) || n < 1 || n > TEM_MAX_SYSTEMS)
		return fail(c, "systems: expected an array of 1..%d objects", TEM_MAX_SYSTEMS);
	for (int k = n; k < TEM_MAX_SYSTEMS; k++)
		memset(&m->sys[k], 0, sizeof(m->sys[k]));
	cJSON_ArrayForEach(o, v)
		if (one_system(c, o, i, &m->sys[i]) == -1)
			return -1;
		else
			i++;
	m->nsys = (unsigned)n;
	return 0;
}

static int
hexbytes(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned b;
	int used;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		if (n == max || sscanf(s, "%2x%n", &b, &used) != 1 || used != 2)
			return -1;
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return (int)n;
}

static int
patches(struct ctx *c, const cJSON *v, struct tem_sim *m)
{
	const cJSON *e;
	long long at;
	const char *why;

	if (!cJSON_IsObject(v))
		return fail(c, "ram: expected an object of \"0xADDR\": \"hex bytes\"");
	cJSON_ArrayForEach(e, v) {
		struct tem_sim_patch *p = &m->patch[m->npatch];
		int n;
		if (m->npatch == TEM_SIM_PATCHES)
			return fail(c, "ram: more than %d patches", TEM_SIM_PATCHES);
		if (num_parse(e->string, 0, TEM_RAM_SIZE - 1, 1, &at, &why) == -1)
			return fail(c, "ram: %s: address %s (expected 0..0x7FF)", e->string, why);
		if (!cJSON_IsString(e) || (n = hexbytes(e->valuestring, p->b, sizeof(p->b))) < 1)
			return fail(c, "ram.%s: expected 1..64 hex bytes", e->string);
		p->at = (uint16_t)at;
		p->len = (uint8_t)n;
		m->npatch++;
	}
	return 0;
}

int
tem_sim_cp1251(const char *s, unsigned char *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p) {
		unsigned u, len, c;
		if (*p < 0x80)
			u = *p, len = 1;
		else if ((*p & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80)
			u = (*p & 0x1Fu) << 6 | (p[1] & 0x3F), len = 2;
		else if ((*p & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80)
			u = (*p & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3F), len = 3;
		else
			return -1;
		for (c = 0; c < 256 && tem_cp1251((uint8_t)c) != u; c++)
			;
		if (c == 256 || u == 0xFFFD || n == max)
			return -1;
		out[n++] = (unsigned char)c;
		p += len;
	}
	return (int)n;
}

static int
apply(struct ctx *c, const cJSON *o, struct tem_sim *m)
{
	const cJSON *v;
	double d = 0;
	int n, rc;

	cJSON_ArrayForEach(v, o) {
		const char *k = v->string;
		if (strcmp(k, "meters") == 0)
			rc = cJSON_IsObject(v) ? 0 : fail(c, "meters: expected an object");
		else if (strcmp(k, "serial") == 0) {
			if ((rc = integer(c, v, k, 0, 4294967295.0, &d)) == 0)
				m->serial = (uint32_t)d;
		} else if (strcmp(k, "model") == 0) {
			if (!cJSON_IsString(v) ||
			    (n = tem_sim_cp1251(v->valuestring, m->model, sizeof(m->model))) < 1)
				rc = fail(c, "model: expected 1..64 characters of CP1251");
			else
				m->model_len = (size_t)n, rc = 0;
		} else if (strcmp(k, "clock") == 0) {
			if (!cJSON_IsString(v) || tem_sim_parse_time(v->valuestring, &m->clock))
				rc = fail(c, "clock: expected YYYY-MM-DDTHH:MM:SS, 2020..2099");
			else
				rc = 0;
		} else if (strcmp(k, "report_day") == 0) {
			if ((rc = integer(c, v, k, 1, 28, &d)) == 0)
				m->report_day = (int)d;
		} else if (strcmp(k, "flash_kib") == 0) {
			if ((rc = integer(c, v, k, 512, 1024, &d)) == 0 && d != 512 && d != 1024)
				rc = fail(c, "flash_kib: expected 512 or 1024");
			if (rc == 0)
				m->flash_type = d == 512 ? TEM_FLASH_512K : TEM_FLASH_1M;
		} else if (strcmp(k, "hours") == 0 || strcmp(k, "days") == 0 ||
		    strcmp(k, "months") == 0) {
			if ((rc = integer(c, v, k, 0, 1000000, &d)) == 0)
				m->count[k[0] == 'h' ? TEM_HOUR : k[0] == 'd' ? TEM_DAY : TEM_MONTH] =
				    (long)d;
		} else if (strcmp(k, "t_c") == 0)
			rc = floats(c, v, k, m->t_c, TEM_T_CH);
		else if (strcmp(k, "p_mpa") == 0)
			rc = floats(c, v, k, m->p_mpa, TEM_T_CH);
		else if (strcmp(k, "flow_m3h") == 0)
			rc = floats(c, v, k, m->flow_m3h, TEM_G_CH);
		else if (strcmp(k, "flow_th") == 0)
			rc = floats(c, v, k, m->flow_th, TEM_G_CH);
		else if (strcmp(k, "systems") == 0)
			rc = systems(c, v, m);
		else if (strcmp(k, "ram") == 0)
			rc = patches(c, v, m);
		else
			rc = fail(c, "%s: unknown key", k);
		if (rc)
			return -1;
	}
	return 0;
}

int
tem_sim_image(struct tem_sim *m, const char *json, char *err, size_t errlen)
{
	struct ctx c = { err, errlen, "" };
	cJSON *root = cJSON_Parse(json);
	const cJSON *mine;
	char key[8];
	int rc;

	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}
	rc = apply(&c, root, m);
	snprintf(key, sizeof(key), "%u", m->addr);
	mine = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "meters"), key);
	if (rc == 0 && mine) {
		snprintf(c.where, sizeof(c.where), "meters.%s.", key);
		rc = cJSON_IsObject(mine) ? apply(&c, mine, m) : fail(&c, "expected an object");
	}
	cJSON_Delete(root);
	return rc;
}
