/* TEM-106 archive records: dates, checksum, erased slots, meter config, JSON. Pure. */
#ifndef TEM_REC_H
#define TEM_REC_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "tem_arch.h"
#include "tem_map.h"
#include "tem_sys.h"

/*
 * Meter-local times are keys: seconds since 1970-01-01 of the calendar time
 * taken as if it were UTC.  They sort, add and print without any zone.
 */
enum tem_when_rc { TEM_WHEN_OK = 0, TEM_WHEN_ERASED = 1, TEM_WHEN_BAD = -1 };

/* BCD hour, day, month, year (2 digits, 20xx) to a key. */
enum tem_when_rc tem_when(const uint8_t b[4], long long *key);
/* The period after `key` for a kind: +1 hour, +1 day, +1 month. */
long long tem_when_next(long long key, enum tem_kind k);
/* "2026-03-02T13:00:00" (meter local, no zone) into buf[20+]. */
char *tem_when_iso(char *buf, size_t len, long long key);

/* Timer RAM blocks the archive reader needs, 64 bytes or less each (tem_map.h names the rest). */
#define TEM_RAM_CFG	TEM_A_SYSTEMS		/* systems .. used_p */
#define TEM_RAM_CFG_N	0x1C
#define TEM_RAM_ID	TEM_A_NUMBER		/* Number .. FLASH_TYPE */
#define TEM_RAM_ID_N	0x18
#define TEM_RAM_PTR	TEM_A_ADR_HOUR		/* adr_hour, adr_day, adr_month */
#define TEM_RAM_PTR_N	0x0C

/* What decoding a record needs to know about its meter. */
struct tem_meter {
	uint8_t address;
	const char *name;		/* -a ADDR=NAME, or NULL */
	uint32_t serial;
	uint16_t flash_type;
	unsigned systems;		/* 1..6 */
	uint8_t system_t[TEM_MAX_SYSTEMS];
	uint8_t t_mask[TEM_MAX_SYSTEMS], p_mask[TEM_MAX_SYSTEMS];	/* channels, bit n = n+1 */
};

/* From a timer RAM image holding TEM_RAM_ID: serial and FLASH_TYPE. */
void tem_meter_id(struct tem_meter *m, const uint8_t *ram);
/* From TEM_RAM_CFG: the systems; -1 with *why when implausible. */
int tem_meter_cfg(struct tem_meter *m, const uint8_t *ram, const char **why);
/* From TEM_RAM_PTR: adr_hour, adr_day, adr_month. */
void tem_meter_ptrs(const uint8_t *ram, uint32_t ptr[3]);

/* Every byte 0xFF: a slot never written since the last erase. */
int tem_rec_erased(const uint8_t *b, size_t n);
/*
 * The source gives no algorithm for the byte at 0x17F; we check the frame
 * scheme (NOT of the low byte of the sum of bytes 0x000..0x17E).
 */
int tem_rec_cs_ok(const uint8_t *rec);
/* Name of error bit 0..7 ("g1_low" .. "power_off"). */
const char *tem_rec_err_name(int bit);
/* Stable record id "SERIAL-KIND-YYYY-MM-DDTHH:MM" from the period it covers. */
char *tem_rec_id(char *buf, size_t len, uint32_t serial, enum tem_kind k,
    long long period);
/* Which ring and slot a flash address belongs to; -1 if none. */
int tem_rec_locate(uint16_t flash_type, uint32_t at, enum tem_kind *k,
    unsigned *slot);

/*
 * One record (TEM_REC_SIZE bytes) as a JSON object, or NULL with *why when
 * its dates are not valid BCD.  The caller has skipped erased slots.
 */
cJSON *tem_rec_json(const uint8_t *rec, const struct tem_meter *m,
    enum tem_kind k, const char **why);

/* The last record of each kind of one meter, so the next one gets its consumption. */
struct tem_prev {
	int have[3];
	long long period[3];
	uint8_t rec[3][TEM_REC_SIZE];
};

/*
 * Add energy_delta_mwh, volume_delta_m3 and mass_delta_t to each system of
 * o (rec as tem_rec_json made it) when p holds the record of the period
 * just before, and the integrator did not go back; then remember rec.
 */
void tem_rec_delta(struct tem_prev *p, cJSON *o, const uint8_t *rec,
    const struct tem_meter *m, enum tem_kind k);

#endif
