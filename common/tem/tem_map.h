/* TEM-106 timer RAM ("2K memory") map: addresses, decoding, read planning, BCD times. Pure. */
#ifndef TEM_MAP_H
#define TEM_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "tem_sys.h"

#define TEM_RAM_SIZE	2048
#define TEM_T_CH	7	/* temperature and pressure channels */
#define TEM_G_CH	6	/* flow channels with volume and mass flow */
#define TEM_G_ALL	8	/* and the two extra flowmeters, channels 7 and 8 (volume only) */

/*
 * Timer RAM addresses (section 5.1), a line per quantity, with the document's names and types;
 * `comma` sits at 0x02FA, see temread(1) CAVEATS.
 */
enum tem_ram_addr {
	/* configuration */
	TEM_A_SYSTEMS = 0x0000, TEM_A_SYSTEM_T = 0x0001,	/* systems C, system_t C[6] */
	/* the channels each system uses, as bits: sys_g, sys_t, sys_p C[6] */
	TEM_A_SYS_G = 0x0007, TEM_A_SYS_T = 0x000D, TEM_A_SYS_P = 0x0013,
	/* the sensors used: used_g, used_t, used_p C */
	TEM_A_USED_G = 0x0019, TEM_A_USED_T = 0x001A, TEM_A_USED_P = 0x001B,
	TEM_A_T_P = 0x0024, TEM_A_P_P = 0x0074,		/* t_p, p_p F[8] */
	TEM_A_DT_MIN = 0x0044,				/* dt_min F[6] */
	TEM_A_WEIGHT = 0x00D0,				/* Weight F[6] */
	TEM_A_G_MAX = 0x0134, TEM_A_G_MAX78 = 0x00F0,	/* g_max F[6], g_max78 F[2] */
	TEM_A_F_MAX = 0x0104,				/* f_max F[6] */
	TEM_A_G_PCT_MAX = 0x014C, TEM_A_G_PCT_MIN = 0x04BE,	/* g_pcmt_max, g_pcmt_min C[6] */
	TEM_A_NUMBER = 0x0152, TEM_A_NET_NUM = 0x0172,	/* Number L, net_num C */
	TEM_A_FLASH_TYPE = 0x0168,			/* FLASH_TYPE I */
	TEM_A_DIAM = 0x02EE,				/* diam I[6] */
	TEM_A_COMMA = 0x02FA,				/* comma C[6] */
	TEM_A_RSHM = 0x0488,				/* rshm C[6] */
	/* current values: t_n, p_n F[7]; rashod_v, rashod_m, freqan_v F[6]; gv_78 F[2] */
	TEM_A_T_N = 0x0200, TEM_A_P_N = 0x0234,
	TEM_A_RASHOD_V = 0x0288, TEM_A_RASHOD_M = 0x02A0, TEM_A_GV_78 = 0x0280,
	TEM_A_FREQ_V = 0x02D0,
	/* totals, integer part L and fractional part F: [6] a channel or system, _78 [2], all one */
	TEM_A_VOLUME = 0x0318, TEM_A_LVOLUME = 0x0300, TEM_A_VOLUME_78 = 0x04E4,
	    TEM_A_LVOLUME_78 = 0x04DC,
	TEM_A_MASS = 0x0348, TEM_A_LMASS = 0x0330,
	TEM_A_ENERGY = 0x0378, TEM_A_LENERGY = 0x0360,
	TEM_A_ENERGYALL = 0x0394, TEM_A_LENERGYALL = 0x0390,
	/* per-system times, time_wrk and time_e1..4 L[6]; time_wrkall L; the clock, rtc BCD[6] */
	TEM_A_TIME_WRK = 0x0404, TEM_A_TIME_E1 = 0x041C, TEM_A_TIME_E2 = 0x0434,
	    TEM_A_TIME_E3 = 0x044C, TEM_A_TIME_E4 = 0x0464,
	TEM_A_TIME_WRKALL = 0x0400, TEM_A_RTC = 0x0482,
	/* where the next archive record goes: adr_hour, adr_day, adr_month L */
	TEM_A_ADR_HOUR = 0x04F4, TEM_A_ADR_DAY = 0x04F8, TEM_A_ADR_MONTH = 0x04FC
};

/* A byte range of timer RAM. */
struct tem_span {
	uint16_t start;
	uint16_t len;
};

/* The ranges temread needs for configuration and current values. */
extern const struct tem_span tem_map_needed[];
extern const size_t tem_map_nneeded;

/*
 * Cover the needed spans with the fewest reads of at most `piece` bytes
 * (greedy from the lowest address, which is optimal for fixed-width
 * windows), each trimmed to end at its last needed byte.  Returns the count
 * written to out, or 0 if more than max would be needed.
 */
size_t tem_map_plan(const struct tem_span *need, size_t n, unsigned piece,
    struct tem_span *out, size_t max);

/* A meter date and time, local to the meter, no zone. */
struct tem_time {
	int year, mon, day, hour, min, sec;
};

/* Clock from RAM 0x0482: BCD second, minute, hour, day, month, year. -1 if not a valid time. */
int tem_clock_decode(const uint8_t b[6], struct tem_time *t);
/* Archive record time (offsets 0x000 and 0x175): BCD hour, day, month, year. -1 if invalid. */
int tem_map_time_decode(const uint8_t b[4], struct tem_time *t);
/* "2016-03-02T14:15:33" into out[20]. */
char *tem_time_iso(char *out, const struct tem_time *t);

/* Unicode code point of a CP1251 byte (0xFFFD for the one unassigned byte). */
unsigned tem_cp1251(uint8_t c);
/* Model text from the identify answer as UTF-8: CP1251, NULs and trailing blanks dropped. */
char *tem_model_utf8(char *out, size_t outlen, const uint8_t *b, size_t n);

/* One system's configuration and current values. */
struct tem_system {
	uint8_t type;			/* system_t code */
	uint8_t g_mask, t_mask, p_mask;	/* channels used, bit n = channel n+1 */
	uint8_t comma;
	double energy_mwh, mass_t, volume_m3;
	uint32_t time_ok_s, time_e_s[4];
};

/* Everything temread reports from timer RAM. */
struct tem_reading {
	unsigned systems;		/* as stored; only the first min(systems, 6) are decoded */
	uint32_t serial;
	uint16_t flash_type;
	uint8_t net_num;
	int clock_ok;
	struct tem_time clock;
	float t_c[TEM_T_CH], p_mpa[TEM_T_CH];
	float flow_m3h[TEM_G_ALL], flow_th[TEM_G_ALL];	/* flow_th[6..7] is NaN */
	double energy_total_mwh;
	uint32_t time_on_s;
	struct tem_system sys[TEM_MAX_SYSTEMS];
};

/* Decode a timer RAM image (at least the tem_map_needed ranges filled). */
void tem_map_decode(const uint8_t ram[TEM_RAM_SIZE], struct tem_reading *r);

/* Decimal places that show a value scaled by k (100 -> 2) plus the fraction's own digits. */
int tem_scale_digits(double k);

#endif
