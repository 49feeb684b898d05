/* A simulated TEM-106 meter: timer RAM and flash archive as functions of its clock. Pure. */
#ifndef TEM_SIM_H
#define TEM_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tem_arch.h"
#include "tem_frame.h"
#include "tem_map.h"

/* Integrators grow linearly from this meter-local time (see temsim(1), VALUES). */
#define TEM_SIM_BASE	1577836800LL	/* 2020-01-01T00:00:00 */
#define TEM_SIM_PATCHES	32

struct tem_sim_sys {
	uint8_t type, comma, g_mask, t_mask, p_mask;
	/* raw integrator units in eighths: value at TEM_SIM_BASE, growth per minute */
	int64_t energy0, mass0, volume0;
	int64_t energy_rate, mass_rate, volume_rate;
};

/* Bytes written over the generated RAM (for odd meters in tests). */
struct tem_sim_patch {
	uint16_t at;
	uint8_t len;
	uint8_t b[64];
};

struct tem_sim {
	uint8_t addr;
	uint32_t serial;
	uint8_t model[TEM_MAXDATA];	/* identify answer, CP1251 */
	size_t model_len;
	time_t clock;			/* meter local time, counted as if it were UTC */
	int report_day;			/* 1..28: monthly records are written then */
	uint16_t flash_type;
	unsigned nsys;
	struct tem_sim_sys sys[TEM_MAX_SYSTEMS];
	float t_c[TEM_T_CH], p_mpa[TEM_T_CH], flow_m3h[TEM_G_CH], flow_th[TEM_G_CH];
	long count[3];			/* records written so far, per tem_kind */
	struct tem_sim_patch patch[TEM_SIM_PATCHES];
	unsigned npatch;
	uint8_t ram[TEM_RAM_SIZE];
	uint8_t *flash;
	uint32_t flash_size;
};

/* The documented default meter at addr (serial 1000000 + addr). */
void tem_sim_init(struct tem_sim *m, uint8_t addr);

/* Allocate flash, write the archive for m->count[] and fill RAM. -1 (ENOMEM or bad flash type). */
int tem_sim_start(struct tem_sim *m);
void tem_sim_free(struct tem_sim *m);

/* Timer RAM for the current clock, patches applied. */
void tem_sim_fill_ram(struct tem_sim *m);

/* The record of kind k written at meter time `written`. */
void tem_sim_record(const struct tem_sim *m, enum tem_kind k, time_t written,
    uint8_t rec[TEM_REC_SIZE]);

/* Advance the clock to the next full hour and write the records due then. */
void tem_sim_tick(struct tem_sim *m);

/* Erase the archive (0xFF) and point every ring at its start. */
void tem_sim_erase(struct tem_sim *m);

/* The answer to a request frame into out[TEM_MAXFRAME]; 0 when the meter stays silent. */
size_t tem_sim_answer(const struct tem_sim *m, const struct tem_frame *req, uint8_t *out);

/* "YYYY-MM-DDTHH:MM:SS" (2020..2099) as meter time; -1 if malformed. */
int tem_sim_parse_time(const char *s, time_t *t);

#endif
