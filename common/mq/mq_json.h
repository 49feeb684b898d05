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
struct mq_path *mq_json_path_new(const char *s, size_t len, char *err, size_t errlen);
void mq_json_path_free(struct mq_path *p);
/* The path as written, NUL terminated, for messages. */
const char *mq_json_path_text(const struct mq_path *p);
/* The item at p in rec, or NULL. */
const cJSON *mq_json_path_get(const struct mq_path *p, const cJSON *rec);

/*
 * Text of a scalar: strings as they are, numbers as cJSON prints them,
 * true/false.  Returns the length with *text at the string or at buf, or -1
 * for null, objects, arrays, and numbers that do not fit buf (32 bytes do).
 */
long mq_json_text(const cJSON *v, char *buf, size_t len, const char **text);

/*
 * A copy of the JSON text s for topic fields, malloc'd and NUL terminated
 * (NULL when out of memory): every number becomes a string of its text as
 * written, so 12345678901234567890 stays that, not a rounded double; and a
 * \u0000 escape becomes \u001f, a control character like the others
 * (replaced in topics), as a NUL would cut the value short.  Text that is
 * not valid JSON stays not valid.
 */
char *mq_json_for_topic(const char *s, size_t len);

#endif
