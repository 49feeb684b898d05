#include "tem_arch.h"

uint32_t
tem_flash_layout(uint16_t flash_type, struct tem_region r[3])
{
	static const struct tem_region k512[3] = {
		{ 0x00000, 0x51000, 864 }, { 0x51000, 0x73800, 368 },
		{ 0x73800, 0x7F800, 128 } };
	static const struct tem_region k1m[3] = {
		{ 0x00000, 0xA2000, 1728 }, { 0xA2000, 0xE7000, 736 },
		{ 0xE7000, 0xFF000, 256 } };
	const struct tem_region *t;

	if (flash_type == TEM_FLASH_512K)
		t = k512;
	else if (flash_type == TEM_FLASH_1M)
		t = k1m;
	else
		return 0;
	for (int i = 0; i < 3; i++)
		r[i] = t[i];
	return flash_type == TEM_FLASH_512K ? 0x80000 : 0x100000;
}

int
tem_ring_next(const struct tem_region *r, uint32_t adr_ptr)
{
	uint32_t a;

	if (adr_ptr < TEM_PTR_BASE)
		return -1;
	a = adr_ptr - TEM_PTR_BASE;
	if (a < r->start || a >= r->end || (a - r->start) % TEM_REC_SIZE)
		return -1;
	return (int)((a - r->start) / TEM_REC_SIZE);
}

uint32_t
tem_ring_addr(const struct tem_region *r, long i)
{
	long n = (long)r->count;

	i %= n;
	if (i < 0)
		i += n;
	return r->start + (uint32_t)i * TEM_REC_SIZE;
}

const char *
tem_kind_name(enum tem_kind k)
{
	switch (k) {
	case TEM_HOUR: return "hour";
	case TEM_DAY: return "day";
	case TEM_MONTH: return "month";
	}
	return "?";
}
