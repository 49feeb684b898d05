/* temsim --image: a JSON description of a simulated meter's values. Pure. */
#ifndef TEM_SIM_IMAGE_H
#define TEM_SIM_IMAGE_H

#include <stddef.h>

#include "tem_sim.h"

/*
 * Apply the JSON text to m: the top-level keys, then those under
 * "meters" → "<m->addr>".  Returns 0, or -1 with err saying which key is wrong.
 */
int tem_sim_image(struct tem_sim *m, const char *json, char *err, size_t errlen);

/* UTF-8 text as CP1251 bytes into out[max]; the count, or -1 if a character has no CP1251 byte. */
int tem_sim_cp1251(const char *s, unsigned char *out, size_t max);

#endif
