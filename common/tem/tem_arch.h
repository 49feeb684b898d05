/* TEM-106 flash archive layout: regions, ring pointers, record offsets. Pure. */
#ifndef TEM_ARCH_H
#define TEM_ARCH_H

#include <stdint.h>

#define TEM_REC_SIZE	384		/* 0x180 */
#define TEM_PTR_BASE	0x200000u	/* adr_hour/day/month minus this is a flash address */
#define TEM_FLASH_512K	0x1F24
#define TEM_FLASH_1M	0x1F25

enum tem_kind { TEM_HOUR = 0, TEM_DAY = 1, TEM_MONTH = 2 };

/* Offsets inside a 384-byte record. */
enum tem_rec_off {
	TEM_R_WRITTEN = 0x000,	/* BCD hour, day, month, year */
	TEM_R_LVOLUME = 0x004, TEM_R_VOLUME = 0x01C,
	TEM_R_LMASS = 0x034, TEM_R_MASS = 0x04C,
	TEM_R_LENERGY = 0x064, TEM_R_ENERGY = 0x07C,
	TEM_R_LENERGYALL = 0x094, TEM_R_ENERGYALL = 0x098,
	TEM_R_TIME_WRKALL = 0x09C, TEM_R_TIME_WRK = 0x0A0,
	TEM_R_TIME_E1 = 0x0B8, TEM_R_TIME_E2 = 0x0D0, TEM_R_TIME_E3 = 0x0E8,
	TEM_R_TIME_E4 = 0x100,
	TEM_R_COMMA = 0x118, TEM_R_MT = 0x11E, TEM_R_MP = 0x13A,
	TEM_R_VOLDOP_L = 0x152, TEM_R_VOLDOP_H = 0x15A,
	TEM_R_ERROR = 0x16A,
	TEM_R_PERIOD = 0x175,	/* BCD hour, day, month, year the record covers */
	TEM_R_CHECKSUM = 0x17F
};

struct tem_region {
	uint32_t start;		/* first byte */
	uint32_t end;		/* one past the last record */
	unsigned count;		/* records in the ring */
};

/*
 * The three rings for a FLASH_TYPE (0x1F24 512 KiB, 0x1F25 1 MiB).  Returns the
 * flash size in bytes, or 0 for an unknown type.  The 512 KiB monthly ring
 * ends at 0x7F800 (128 records), not at the source's 0x7EFFF.
 */
uint32_t tem_flash_layout(uint16_t flash_type, struct tem_region r[3]);

/*
 * Index (0..count-1) of the slot the meter writes next, from an adr_* pointer
 * as read from timer RAM; -1 if the pointer lies outside the ring or between
 * records.
 */
int tem_ring_next(const struct tem_region *r, uint32_t adr_ptr);

/* Flash address of ring slot i (taken modulo count, so i may be negative). */
uint32_t tem_ring_addr(const struct tem_region *r, long i);

const char *tem_kind_name(enum tem_kind k);

#endif
