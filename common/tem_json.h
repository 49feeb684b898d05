/* JSON pieces temread's readings and temarchive's records share, so both read alike. */
#ifndef TEM_JSON_H
#define TEM_JSON_H

#include <stdint.h>
#include <cjson/cJSON.h>

/*
 * The channels set in mask as numbers 1..8 under chname (left out when NULL)
 * and their values v[channel] under name, rounded to digits; null past nch.
 */
void tem_json_channels(cJSON *o, const char *chname, const char *name,
    uint8_t mask, const float *v, int nch, int digits);

/* "type": the scheme's name, or null for a code the source does not list. */
void tem_json_type(cJSON *o, uint8_t code);

#endif
