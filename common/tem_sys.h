/* TEM-106 per-system meaning: scheme names and integrator scaling (section 6.2). Pure. */
#ifndef TEM_SYS_H
#define TEM_SYS_H

#include <stdint.h>

#define TEM_MAX_SYSTEMS 6

/* Name of a system_t code ("supply", "two_pipe", ...); NULL for an unknown code. */
const char *tem_sys_type_name(uint8_t code);

/* Divisors from a channel's `comma` code: energy (kQ) and mass/volume (kV). */
double tem_kq(uint8_t comma);
double tem_kv(uint8_t comma);

/* An integrator: (integer part + fractional part) / k. */
double tem_integrator(uint32_t whole, float frac, double k);

#endif
