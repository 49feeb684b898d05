/*
 * Home Assistant MQTT discovery derived from the records themselves: one
 * sensor per numeric field whose name carries a unit, one per channel for
 * arrays.  Pure: configs go out through a callback; the state of what was
 * announced is text the caller keeps in a file.
 */
#ifndef MQ_DISC_H
#define MQ_DISC_H

#include <stddef.h>
#include <cjson/cJSON.h>

struct mq_disc;

struct mq_disc_opts {
	const char *prefix;		/* discovery prefix, "homeassistant" */
	const char *id_tmpl;		/* device id template, "{serial}" */
	const char *gateway;		/* via_device identifier; NULL: none */
	const char *will_topic;		/* availability topic; NULL: none */
	const char *will_payload;	/* payload_not_available */
};

/* Emit one retained message; nonzero stops the record (the caller's error). */
typedef int mq_disc_emit(void *arg, const char *topic, size_t tl,
    const char *payload, size_t pl);

/* NULL with err set for a bad prefix or template. */
struct mq_disc *mq_disc_new(const struct mq_disc_opts *o, char *err, size_t errlen);
void mq_disc_free(struct mq_disc *d);

/*
 * A record about to be published on topic: when its device is new or its
 * set of sensors differs from what was announced, emit the configs (and an
 * empty config for each sensor that went away, which removes it) before
 * the caller stages the record (on topic, tl bytes).  Archive records (a "period" field) and
 * records the id template cannot name are not announced.
 * Returns 0, 1 when the record could not be named the first time (err says
 * why; later ones are quiet), the emitter's nonzero value, or -1 with err (out of memory).
 */
int mq_disc_record(struct mq_disc *d, const cJSON *rec, const char *topic,
    size_t tl, mq_disc_emit *emit, void *arg, char *err, size_t errlen);

/*
 * The announced state as text: one line "DEVICE-ID HASH TOPIC..." per
 * device.  load() takes what save() wrote; -1 with err for malformed text.
 * save() returns a malloc'd string, or NULL when out of memory.
 */
int mq_disc_load(struct mq_disc *d, const char *text, char *err, size_t errlen);
char *mq_disc_save(const struct mq_disc *d);

/* Sensor meaning of a field name from its unit suffix; 0 if it has none. */
struct mq_disc_unit {
	const char *device_class;	/* NULL: Home Assistant has no class for the unit */
	const char *unit;
	const char *state_class;
};
int mq_disc_unit(const char *name, struct mq_disc_unit *u);

#endif
