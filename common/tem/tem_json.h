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

/*
 * Named values beside the arrays where the system type gives the channels a
 * role (tem_sys_roles): t_supply_c, t_return_c, dt_c, and flow_supply_m3h,
 * flow_return_m3h (with _th when th is given); nothing when the channels set
 * do not fit the type.  t is indexed by channel - 1 (nt of them), as are
 * m3h and th (ng); m3h NULL: no flows (archive records).
 */
void tem_json_named(cJSON *o, uint8_t type, uint8_t t_mask, const float *t, int nt,
    uint8_t g_mask, const float *m3h, const float *th, int ng);

#endif
