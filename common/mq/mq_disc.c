#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/fk_vec.h"
#include "mq_disc.h"
#include "mq_topic.h"

#define ID_MAX 128		/* device ids and object ids, cut beyond */

struct dev {
	char *id;
	uint64_t hash;
	char **topics;		/* config topics announced */
	size_t ntopics;
};

struct mq_disc {
	struct mq_disc_opts o;
	struct mq_topic *id;
	struct dev *devs;
	size_t ndevs;
	int warned;
};

/* One sensor being built: its config topic and payload. */
struct sensor {
	char *topic, *payload;
};

struct build {
	const struct mq_disc *d;
	const char *node, *state_topic;
	cJSON *device;
	struct sensor *s;
	size_t n, cap;
	int oom;
};

/*
 * Units against Home Assistant's sensor device classes (homeassistant/
 * components/sensor/const.py, DEVICE_CLASS_UNITS and _STATE_CLASSES):
 * MWh is an energy unit, m³ a volume unit, m³/h a volume_flow_rate unit,
 * s a duration unit, °C a temperature (and temperature_delta) unit.  Its
 * pressure class takes Pa, hPa, kPa, bar, cbar, mbar, mmHg, inHg, psi, not
 * MPa; its weight class takes g, kg, ... not t; nothing takes t/h: those
 * keep their unit and go without a class.  The integrators and time
 * counters only grow (total_increasing); the rest are measurements.
 */
static const struct {
	const char *suffix;
	struct mq_disc_unit u;
} units[] = {
	{ "_mwh", { "energy", "MWh", "total_increasing" } },
	{ "_m3", { "volume", "m³", "total_increasing" } },
	{ "_t", { NULL, "t", "total_increasing" } },
	{ "_c", { "temperature", "°C", "measurement" } },
	{ "_mpa", { NULL, "MPa", "measurement" } },
	{ "_m3h", { "volume_flow_rate", "m³/h", "measurement" } },
	{ "_th", { NULL, "t/h", "measurement" } },
	{ "_s", { "duration", "s", "total_increasing" } },
};

int
mq_disc_unit(const char *name, struct mq_disc_unit *u)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t k = strlen(units[i].suffix);
		if (n > k && strcmp(name + n - k, units[i].suffix) == 0) {
			*u = units[i].u;
			/* A difference of two temperatures (dt_c) is not a temperature. */
			if (strcmp(units[i].suffix, "_c") == 0 && strncmp(name, "dt", 2) == 0 &&
			    (name[2] == '_'))
				u->device_class = "temperature_delta";
			return 1;
		}
	}
	return 0;
}

/* Letters, digits, '_' and '-' stay; anything else becomes '_' (HA's node and object ids). */
static void
clean_id(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			*s = '_';
}

/* snprintf that may cut: names this long do not occur in the records. */
static void
fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, len, f, ap);
	va_end(ap);
}

static int
plain_key(const char *k)
{
	if (*k == '\0')
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		    (*k >= '0' && *k <= '9') || *k == '_'))
			return 0;
	return 1;
}

struct mq_disc *
mq_disc_new(const struct mq_disc_opts *o, char *err, size_t errlen)
{
	struct mq_disc *d;
	const char *why;

	if (mq_topic_check(o->prefix, strlen(o->prefix), &why) != 0) {
		snprintf(err, errlen, "prefix %s: %s", o->prefix, why);
		return NULL;
	}
	/* The state file separates topics by blanks. */
	if (strpbrk(o->prefix, " \t\n") != NULL) {
		snprintf(err, errlen, "prefix %s: contains a blank", o->prefix);
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->o = *o;
	if ((d->id = mq_topic_new(o->id_tmpl, err, errlen)) == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

static void
dev_clear(struct dev *v)
{
	fk_strs_free(&v->topics, &v->ntopics);
}

void
mq_disc_free(struct mq_disc *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->ndevs; i++) {
		dev_clear(&d->devs[i]);
		free(d->devs[i].id);
	}
	free(d->devs);
	mq_topic_free(d->id);
	free(d);
}

static struct dev *
dev_find(struct mq_disc *d, const char *id, int add)
{
	struct dev *v;

	for (size_t i = 0; i < d->ndevs; i++)
		if (strcmp(d->devs[i].id, id) == 0)
			return &d->devs[i];
	if (!add || (v = realloc(d->devs, (d->ndevs + 1) * sizeof(*v))) == NULL)
		return NULL;
	d->devs = v;
	v = &d->devs[d->ndevs];
	memset(v, 0, sizeof(*v));
	if ((v->id = strdup(id)) == NULL)
		return NULL;
	d->ndevs++;
	return v;
}

static uint64_t
fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h ^ 0xff;	/* a separator, so "ab"+"c" differs from "a"+"bc" */
}

static void
add_sensor(struct build *b, const char *objid, const char *path, const char *name,
    const struct mq_disc_unit *u)
{
	const struct mq_disc_opts *o = &b->d->o;
	char oid[ID_MAX + 1], uid[2 * ID_MAX + 2], tmpl[600];
	cJSON *c = cJSON_CreateObject();
	struct sensor *s;
	size_t tl;

	snprintf(oid, sizeof(oid), "%s", objid);
	clean_id(oid);
	snprintf(uid, sizeof(uid), "%s_%s", b->node, oid);
	snprintf(tmpl, sizeof(tmpl), "{{ value_json%s }}", path);
	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddStringToObject(c, "unique_id", uid);
	cJSON_AddStringToObject(c, "state_topic", b->state_topic);
	cJSON_AddStringToObject(c, "value_template", tmpl);
	if (u->device_class)
		cJSON_AddStringToObject(c, "device_class", u->device_class);
	cJSON_AddStringToObject(c, "unit_of_measurement", u->unit);
	cJSON_AddStringToObject(c, "state_class", u->state_class);
	if (o->will_topic) {
		cJSON_AddStringToObject(c, "availability_topic", o->will_topic);
		cJSON_AddStringToObject(c, "payload_available", "online");
		cJSON_AddStringToObject(c, "payload_not_available",
		    o->will_payload ? o->will_payload : "");
	}
	cJSON_AddItemReferenceToObject(c, "device", b->device);
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 32;
		struct sensor *ns = realloc(b->s, cap * sizeof(*ns));
		if (ns == NULL) {
			b->oom = 1;
			cJSON_Delete(c);
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	s = &b->s[b->n];
	tl = strlen(o->prefix) + strlen(b->node) + strlen(oid) + 32;
	s->topic = malloc(tl);
	s->payload = cJSON_PrintUnformatted(c);
	cJSON_Delete(c);
	if (s->topic == NULL || s->payload == NULL) {
		free(s->topic);
		free(s->payload);
		b->oom = 1;
		return;
	}
	snprintf(s->topic, tl, "%s/sensor/%s/%s/config", o->prefix, b->node, oid);
	b->n++;
}

/* Channel numbers for array `name`: its sibling "<first word>_ch" when that lines up. */
static const cJSON *
channels_of(const cJSON *parent, const char *name, int len)
{
	char key[80];
	const cJSON *ch;
	size_t w = strcspn(name, "_");

	if (w == strlen(name) || w > 60)
		return NULL;
	snprintf(key, sizeof(key), "%.*s_ch", (int)w, name);
	ch = cJSON_GetObjectItemCaseSensitive(parent, key);
	if (!cJSON_IsArray(ch) || cJSON_GetArraySize(ch) != len)
		return NULL;
	for (const cJSON *e = ch->child; e; e = e->next)
		if (!cJSON_IsNumber(e))
			return NULL;
	return ch;
}

static void walk(struct build *b, const cJSON *o, const char *oid, const char *path,
    const char *name);

static void
walk_array(struct build *b, const cJSON *parent, const cJSON *a, const char *oid,
    const char *path, const char *name)
{
	const cJSON *ch = channels_of(parent, a->string, cJSON_GetArraySize(a));
	const cJSON *e, *c = ch ? ch->child : NULL;
	struct mq_disc_unit u;
	int unit = mq_disc_unit(a->string, &u), i = 0;

	for (e = a->child; e; e = e->next, i++, c = c ? c->next : NULL) {
		char o2[ID_MAX + 1], p2[400], n2[ID_MAX + 1];
		long num = i + 1;

		if (cJSON_IsObject(e)) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "n");
			if (cJSON_IsNumber(n))
				num = (long)n->valuedouble;
		} else if (c) {
			num = (long)c->valuedouble;
		}
		fmt(o2, sizeof(o2), "%s_%ld", oid, num);
		fmt(p2, sizeof(p2), "%s[%d]", path, i);
		fmt(n2, sizeof(n2), "%s %ld", name, num);
		if (cJSON_IsObject(e))
			walk(b, e, o2, p2, n2);
		else if (cJSON_IsNumber(e) && unit)
			add_sensor(b, o2, p2, n2, &u);
	}
}

static void
walk(struct build *b, const cJSON *o, const char *oid, const char *path, const char *name)
{
	for (const cJSON *f = o->child; f; f = f->next) {
		char o2[ID_MAX + 1], p2[400], n2[ID_MAX + 1];
		struct mq_disc_unit u;

		if (f->string == NULL || !plain_key(f->string))
			continue;
		fmt(o2, sizeof(o2), "%s%s%s", oid, *oid ? "_" : "", f->string);
		fmt(p2, sizeof(p2), "%s['%s']", path, f->string);
		fmt(n2, sizeof(n2), "%s%s%s", name, *name ? " " : "", f->string);
		if (cJSON_IsNumber(f) && mq_disc_unit(f->string, &u))
			add_sensor(b, o2, p2, n2, &u);
		else if (cJSON_IsArray(f))
			walk_array(b, o, f, o2, p2, n2);
		else if (cJSON_IsObject(f))
			walk(b, f, o2, p2, n2);
	}
}

static cJSON *
device_json(const struct mq_disc *d, const cJSON *rec, const char *node, const char *id)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(rec, "name");
	const cJSON *model = cJSON_GetObjectItemCaseSensitive(rec, "model");
	const char *m = cJSON_IsString(model) && model->valuestring[0] ?
	    model->valuestring : "meter";
	cJSON *dev = cJSON_CreateObject(), *ids;
	char buf[300];

	ids = cJSON_AddArrayToObject(dev, "identifiers");
	cJSON_AddItemToArray(ids, cJSON_CreateString(node));
	if (cJSON_IsString(name) && name->valuestring[0]) {
		cJSON_AddStringToObject(dev, "name", name->valuestring);
	} else {
		snprintf(buf, sizeof(buf), "%s %s", m, id);
		cJSON_AddStringToObject(dev, "name", buf);
	}
	cJSON_AddStringToObject(dev, "model", m);
	cJSON_AddStringToObject(dev, "manufacturer", "fieldkit");
	cJSON_AddStringToObject(dev, "serial_number", id);
	if (d->o.gateway)
		cJSON_AddStringToObject(dev, "via_device", d->o.gateway);
	return dev;
}

static void
build_free(struct build *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->s[i].topic);
		free(b->s[i].payload);
	}
	free(b->s);
	cJSON_Delete(b->device);
}

static int
has_topic(const struct build *b, const char *t)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->s[i].topic, t) == 0)
			return 1;
	return 0;
}

/* The device's new state: the topics announced now. */
static int
dev_set(struct dev *v, const struct build *b, uint64_t hash)
{
	char **t = calloc(b->n ? b->n : 1, sizeof(*t));

	if (t == NULL)
		return -1;
	for (size_t i = 0; i < b->n; i++)
		if ((t[i] = strdup(b->s[i].topic)) == NULL) {
			while (i--)
				free(t[i]);
			free(t);
			return -1;
		}
	dev_clear(v);
	v->topics = t;
	v->ntopics = b->n;
	v->hash = hash;
	return 0;
}

int
mq_disc_record(struct mq_disc *d, const cJSON *rec, const char *topic, size_t tl,
    mq_disc_emit *emit, void *arg, char *err, size_t errlen)
{
	char id[ID_MAX + 1], node[ID_MAX + 16], *full, *st;
	struct build b = { .d = d };
	struct dev *v;
	uint64_t h = 0xcbf29ce484222325ULL;
	long n;
	int rc = 0;

	if (cJSON_GetObjectItemCaseSensitive(rec, "period"))
		return 0;
	if ((full = malloc(MQ_TOPIC_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n = mq_topic_expand(d->id, rec, full, MQ_TOPIC_MAX + 1, err, errlen);
	if (n >= 0)
		full[n] = '\0';
	if (n < 0 || n == 0) {
		free(full);
		if (n == 0)
			snprintf(err, errlen, "device id is empty");
		if (d->warned)
			return 0;
		d->warned = 1;
		return 1;
	}
	snprintf(id, sizeof(id), "%s", full);
	free(full);
	clean_id(id);
	snprintf(node, sizeof(node), "fieldkit_%s", id);
	if ((st = strndup(topic, tl)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	b.node = node;
	b.state_topic = st;
	b.device = device_json(d, rec, node, id);
	walk(&b, rec, "", "", "");
	if (b.oom) {
		build_free(&b);
		free(st);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < b.n; i++)
		h = fnv(fnv(h, b.s[i].topic), b.s[i].payload);
	v = dev_find(d, id, 0);
	if (v && v->hash == h) {
		build_free(&b);
		free(st);
		return 0;
	}
	for (size_t i = 0; i < b.n && rc == 0; i++)
		rc = emit(arg, b.s[i].topic, strlen(b.s[i].topic), b.s[i].payload,
		    strlen(b.s[i].payload));
	/* A sensor gone from the record: an empty retained config removes it. */
	for (size_t i = 0; v && i < v->ntopics && rc == 0; i++)
		if (!has_topic(&b, v->topics[i]))
			rc = emit(arg, v->topics[i], strlen(v->topics[i]), "", 0);
	if (rc == 0 && ((v == NULL && (v = dev_find(d, id, 1)) == NULL) ||
	    dev_set(v, &b, h) == -1)) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	build_free(&b);
	free(st);
	return rc;
}

static int
hex64(const char *s, uint64_t *v)
{
	*v = 0;
	if (strlen(s) != 16)
		return -1;
	for (; *s; s++) {
		const char *x = strchr("0123456789abcdef", *s);
		if (x == NULL || *s == '\0')
			return -1;
		*v = *v << 4 | (uint64_t)(x - "0123456789abcdef");
	}
	return 0;
}

int
mq_disc_load(struct mq_disc *d, const char *text, char *err, size_t errlen)
{
	int line = 0;

	while (*text) {
		size_t len = strcspn(text, "\n");
		char *l = strndup(text, len), *save = NULL, *id, *hs, *t;
		struct dev *v;
		struct build b = { 0 };
		uint64_t h;

		line++;
		text += len + (text[len] == '\n');
		if (l == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		id = strtok_r(l, " ", &save);
		hs = id ? strtok_r(NULL, " ", &save) : NULL;
		if (id == NULL) {
			free(l);
			continue;
		}
		if (hs == NULL || hex64(hs, &h) == -1) {
			snprintf(err, errlen, "line %d: expected DEVICE-ID HASH TOPIC...", line);
			free(l);
			return -1;
		}
		while ((t = strtok_r(NULL, " ", &save)) != NULL) {
			struct sensor *ns = realloc(b.s, (b.n + 1) * sizeof(*ns));
			if (ns == NULL)
				break;
			b.s = ns;
			b.s[b.n].topic = t;
			b.s[b.n++].payload = NULL;
		}
		if ((v = dev_find(d, id, 1)) == NULL || dev_set(v, &b, h) == -1) {
			free(b.s);
			free(l);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		free(b.s);
		free(l);
	}
	return 0;
}

char *
mq_disc_save(const struct mq_disc *d)
{
	size_t len = 1, pos = 0;
	char *s;

	for (size_t i = 0; i < d->ndevs; i++) {
		len += strlen(d->devs[i].id) + 20;
		for (size_t k = 0; k < d->devs[i].ntopics; k++)
			len += strlen(d->devs[i].topics[k]) + 1;
	}
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < d->ndevs; i++) {
		pos += (size_t)snprintf(s + pos, len - pos, "%s %016" PRIx64, d->devs[i].id,
		    d->devs[i].hash);
		for (size_t k = 0; k < d->devs[i].ntopics; k++)
			pos += (size_t)snprintf(s + pos, len - pos, " %s", d->devs[i].topics[k]);
		pos += (size_t)snprintf(s + pos, len - pos, "\n");
	}
	return s;
}
