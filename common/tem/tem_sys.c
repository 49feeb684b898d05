#include <stddef.h>

#include "tem_sys.h"

const char *
tem_sys_type_name(uint8_t code)
{
	switch (code) {
	case 0x00: return "supply";
	case 0x01: return "return";
	case 0x02: return "supply_flowmeter";
	case 0x04: return "two_pipe";
	case 0x05: return "flowmeter";
	case 0x06: return "main_line";
	case 0x07: return "hot_water_circulation";
	case 0x08: return "hot_water_dead_end";
	case 0x09: return "temperature";
	}
	return (const char *)0;
}

int
tem_sys_roles(uint8_t code, struct tem_roles *r)
{
	/* The scheme names: supply (flowmeter in the supply pipe), return (in the return pipe),
	 * supply + a separate flowmeter, two-pipe (both pipes), hot water with circulation
	 * (supply and circulation return). */
	static const struct { uint8_t code; struct tem_roles r; } t[] = {
		{ 0x00, { 1, 0, -1 } },
		{ 0x01, { 1, -1, 0 } },
		{ 0x02, { 2, 0, -1 } },
		{ 0x04, { 2, 0, 1 } },
		{ 0x07, { 2, 0, 1 } },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == code) {
			*r = t[i].r;
			return 1;
		}
	return 0;
}

double
tem_kq(uint8_t comma)
{
	switch (comma) {
	case 6: return 100000;
	case 5: return 10000;
	case 4: return 1000;
	case 3: return 100;
	case 2: return 10;
	}
	return 1;
}

double
tem_kv(uint8_t comma)
{
	switch (comma) {
	case 5: return 1000;
	case 4: return 100;
	case 3: return 10;
	}
	return 1;
}

double
tem_integrator(uint32_t whole, float frac, double k)
{
	return ((double)whole + (double)frac) / k;
}
