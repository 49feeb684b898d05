/* Topic templates: "heat/{serial}/{systems.0.type}/{site:unknown}" filled from a record. */
#ifndef MQ_TOPIC_H
#define MQ_TOPIC_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define MQ_TOPIC_MAX 65535	/* MQTT's limit on a topic name, in bytes */

struct mq_topic;

/*
 * Compile a template.  "{path}" takes a field, "{path:text}" falls back to
 * text when the field is missing, null or empty; "{{" and "}}" are literal
 * braces.  Wildcards (+, #) are refused.  NULL with err set on error.
 */
struct mq_topic *mq_topic_new(const char *tmpl, char *err, size_t errlen);
void mq_topic_free(struct mq_topic *t);

/* Number of fields the template takes (0: the topic is fixed). */
int mq_topic_fields(const struct mq_topic *t);

/*
 * Fill the template from rec (may be NULL when it takes no fields) into
 * buf.  Field values are cleaned so they stay inside their one level.
 * Returns the length, or -1 with err set ("no field \"serial\"").
 */
long mq_topic_expand(const struct mq_topic *t, const cJSON *rec, char *buf,
    size_t len, char *err, size_t errlen);

/*
 * Append s as one topic level to out at *pos (capacity cap): '/', '+', '#',
 * control characters and bytes that are not UTF-8 become '_', as does a '$'
 * opening the topic.  Returns 0, or -1 when cap is too small.
 */
int mq_topic_level(const char *s, size_t n, char *out, size_t cap, size_t *pos);

/* 0 if s is a topic one may publish to (no wildcards, UTF-8, not empty). */
int mq_topic_check(const char *s, size_t n, const char **why);

#endif
