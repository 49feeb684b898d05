/* Values out of one JSON record: compiled dotted paths and scalar text. */
#ifndef MQ_JSON_H
#define MQ_JSON_H

#include <stddef.h>
#include <cjson/cJSON.h>

struct mq_path;

/*
 * Compile "systems.0.type" (a number picks an array element, or a key of
 * that name in an object).  Returns NULL with err set when a part is empty.
 */
struct mq_path *mq_path_new(const char *s, size_t len, char *err, size_t errlen);
void mq_path_free(struct mq_path *p);
/* The path as written, NUL terminated, for messages. */
const char *mq_path_text(const struct mq_path *p);
/* The item at p in rec, or NULL. */
const cJSON *mq_path_get(const struct mq_path *p, const cJSON *rec);

/*
 * Text of a scalar: strings as they are, numbers as cJSON prints them,
 * true/false.  Returns the length with *text at the string or at buf, or -1
 * for null, objects, arrays, and numbers that do not fit buf (32 bytes do).
 */
long mq_json_text(const cJSON *v, char *buf, size_t len, const char **text);

#endif
