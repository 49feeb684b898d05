/* TEM-106 per-system meaning: scheme names and integrator scaling (section 6.2). Pure. */
#ifndef TEM_SYS_H
#define TEM_SYS_H

#include <stdint.h>

#define TEM_MAX_SYSTEMS 6

/* Name of a system_t code ("supply", "two_pipe", ...); NULL for an unknown code. */
const char *tem_sys_type_name(uint8_t code);

/*
 * What a system type says about its channels: the first of its two
 * temperature channels (lowest number) is the supply, the second the
 * return; of its flow channels, in the same order, which one (0, 1) is the
 * supply and which the return (-1: none).  0 for types whose channels have
 * no such role (flowmeter, main_line, hot_water_dead_end, temperature).
 */
struct tem_roles {
	int nflow;			/* flow channels the type has */
	int flow_supply, flow_return;
};
int tem_sys_roles(uint8_t code, struct tem_roles *r);

/* Divisors from a channel's `comma` code: energy (kQ) and mass/volume (kV). */
double tem_kq(uint8_t comma);
double tem_kv(uint8_t comma);

/* An integrator: (integer part + fractional part) / k. */
double tem_integrator(uint32_t whole, float frac, double k);

#endif
