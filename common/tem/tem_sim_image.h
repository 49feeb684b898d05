/* temsim --image: a JSON description of a simulated meter's values. Pure. */
#ifndef TEM_SIM_IMAGE_H
#define TEM_SIM_IMAGE_H

#include <stddef.h>

#include "tem_sim.h"

/*
 * Where the simulated meter keeps its values, copied from the protocol
 * description's tables (timer RAM: section 5.1; archive record: 5.2) and on
 * purpose not taken from tem_map.h / tem_arch.h: the decoders read those, and
 * a simulator sharing them would agree with a wrong address.
 */
enum tem_doc_ram {
	TEM_DOC_SYSTEMS = 0x0000, TEM_DOC_SYSTEM_T = 0x0001, TEM_DOC_SYS_G = 0x0007,
	TEM_DOC_SYS_T = 0x000D, TEM_DOC_SYS_P = 0x0013, TEM_DOC_USED_G = 0x0019,
	TEM_DOC_DT_MIN = 0x0044, TEM_DOC_G_MAX = 0x0134, TEM_DOC_G_PCMT_MAX = 0x014C,
	TEM_DOC_NUMBER = 0x0152, TEM_DOC_FLASH_TYPE = 0x0168, TEM_DOC_NET_NUM = 0x0172,
	TEM_DOC_T_N = 0x0200, TEM_DOC_P_N = 0x0234, TEM_DOC_RASHOD_V = 0x0288,
	TEM_DOC_RASHOD_M = 0x02A0, TEM_DOC_DIAM = 0x02EE, TEM_DOC_COMMA = 0x02FA,
	TEM_DOC_LVOLUME = 0x0300, TEM_DOC_TIME_WRKALL = 0x0400, TEM_DOC_TIME_WRK = 0x0404,
	TEM_DOC_TIME_E1 = 0x041C, TEM_DOC_TIME_E2 = 0x0434, TEM_DOC_TIME_E3 = 0x044C,
	TEM_DOC_TIME_E4 = 0x0464, TEM_DOC_RTC_SS = 0x0482, TEM_DOC_G_PCMT_MIN = 0x04BE,
	TEM_DOC_ADR_HOUR = 0x04F4
};
enum tem_doc_rec {
	TEM_DOC_R_HOUR = 0x000, TEM_DOC_R_LVOLUME = 0x004, TEM_DOC_R_TIME_WRKALL = 0x09C,
	TEM_DOC_R_TIME_WRK = 0x0A0, TEM_DOC_R_TIME_E1 = 0x0B8, TEM_DOC_R_TIME_E2 = 0x0D0,
	TEM_DOC_R_TIME_E3 = 0x0E8, TEM_DOC_R_TIME_E4 = 0x100, TEM_DOC_R_COMMA = 0x118,
	TEM_DOC_R_MT = 0x11E, TEM_DOC_R_MP = 0x13A, TEM_DOC_R_ERROR = 0x16A,
	TEM_DOC_R_PRED_HH = 0x175, TEM_DOC_R_CHECKSUM = 0x17F
};

/*
 * Apply the JSON text to m: the top-level keys, then those under
 * "meters" → "<m->addr>".  Returns 0, or -1 with err saying which key is wrong.
 */
int tem_sim_image(struct tem_sim *m, const char *json, char *err, size_t errlen);

/* UTF-8 text as CP1251 bytes into out[max]; the count, or -1 if a character has no CP1251 byte. */
int tem_sim_cp1251(const char *s, unsigned char *out, size_t max);

#endif
