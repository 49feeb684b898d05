/* temarchive --dump / --decode: the bytes read from meters, as text lines. Pure. */
#ifndef TEM_DUMP_H
#define TEM_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "tem_arch.h"

#define TEM_DUMP_MAGIC	"temarchive-dump 1"
#define TEM_DUMP_MAX	TEM_REC_SIZE		/* bytes on one line */
#define TEM_DUMP_LINE	(32 + 2 * TEM_DUMP_MAX)	/* longest line, with newline and NUL */

/*
 * "ram METER ADDR HEX": timer RAM read; "flash METER ADDR HEX": flash read
 * that printed nothing (period probes, erased slots); "rec METER ADDR HEX":
 * a record whose JSON line was printed, in the order printed.
 */
enum tem_dump_type { TEM_DUMP_RAM, TEM_DUMP_FLASH, TEM_DUMP_REC };

struct tem_dump_line {
	enum tem_dump_type type;
	uint8_t meter;		/* network address */
	uint32_t at;		/* RAM or flash address */
	size_t n;
	uint8_t data[TEM_DUMP_MAX];
};

/* One line with its newline into out[TEM_DUMP_LINE]; its length (0 if n is too large). */
size_t tem_dump_format(char *out, enum tem_dump_type t, uint8_t meter, uint32_t at,
    const uint8_t *b, size_t n);

/* Parse one line (newline stripped); -1 with *why. */
int tem_dump_parse(const char *line, struct tem_dump_line *l, const char **why);

#endif
