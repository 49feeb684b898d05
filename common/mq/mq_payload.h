/* Payloads besides the line itself: one field (--payload) or one message per scalar (--split). */
#ifndef MQ_PAYLOAD_H
#define MQ_PAYLOAD_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "mq_json.h"

/*
 * The field at p as a payload: a string bare, any other value as compact
 * JSON.  Returns a malloc'd string with *len set, or NULL with err set.
 */
char *mq_payload_field(const struct mq_path *p, const cJSON *rec, size_t *len,
    char *err, size_t errlen);

/* Called once per scalar by mq_split(); non-zero stops the walk and is returned. */
typedef int (*mq_split_fn)(void *ctx, const char *topic, size_t topic_len,
    const char *val, size_t val_len);

/*
 * Walk rec depth first: every string, number and boolean becomes a message
 * to topic[0..pos) + "/" + its keys and indexes as levels (each cleaned like
 * a topic level), payload its plain text.  Nulls are left out.  topic has
 * room for cap bytes.  Returns 0, fn's non-zero result, or -1 when a topic
 * would pass cap.
 */
int mq_split(const cJSON *rec, char *topic, size_t pos, size_t cap,
    mq_split_fn fn, void *ctx);

#endif
