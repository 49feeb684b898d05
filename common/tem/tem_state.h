/* temarchive --state: per meter and kind, the record delivered last. Text format, atomic save. */
#ifndef TEM_STATE_H
#define TEM_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "tem_arch.h"
#include "tem_cont.h"
#include "tem_rec.h"

struct tem_state_ent {
	uint32_t serial;
	uint8_t address;
	enum tem_kind kind;
	unsigned slot;		/* ring slot that held it */
	long long period;	/* its period key (see tem_when()) */
};

/*
 * Who answers at an address, how to decode its records, and how to know the
 * successors of its entries' records: for runs that do not read all that.
 */
struct tem_state_meter {
	uint8_t address;
	uint32_t serial;
	uint16_t flash_type;
	uint8_t setup[TEM_RAM_CFG_N];	/* timer RAM TEM_RAM_CFG.. as read */
	long long setup_at;	/* meter time (a record's written key) it was known good */
	int marked[3];		/* per tem_kind: mark[] is that of the entry's record */
	struct tem_mark mark[3];
};

struct tem_state {
	struct tem_state_ent *e;
	size_t n, cap;
	struct tem_state_meter *m;
	size_t nm, mcap;
};

/*
 * Parse the text of a state file into st (empty on entry).  -1 with why
 * ("checksum mismatch", "line 3: bad kind", ...) when it is corrupt or is not
 * a temarchive state file at all; never a partial result.
 */
int tem_state_parse(struct tem_state *st, const char *text, size_t len,
    char *why, size_t whylen);

/* The file's text (malloc'd, NUL-terminated), length in *len; NULL on ENOMEM. */
char *tem_state_format(const struct tem_state *st, size_t *len);

struct tem_state_ent *tem_state_find(struct tem_state *st, uint32_t serial,
    uint8_t address, enum tem_kind k);
/* A serial other than `serial` remembered at `address`, for noticing a swapped meter; 0 if none. */
int tem_state_other(const struct tem_state *st, uint8_t address, uint32_t serial,
    uint32_t *other);
/* Insert or update; -1 on ENOMEM. */
int tem_state_set(struct tem_state *st, uint32_t serial, uint8_t address,
    enum tem_kind k, unsigned slot, long long period);
struct tem_state_meter *tem_state_meter_find(struct tem_state *st, uint8_t address);
/* Insert or replace the meter at m->address (its marks are kept if the serial is); -1 on ENOMEM. */
int tem_state_meter_set(struct tem_state *st, const struct tem_state_meter *m);
void tem_state_meter_drop(struct tem_state *st, uint8_t address);
void tem_state_free(struct tem_state *st);

/*
 * Load path into st.  A missing file is an empty state (0).  -1 with why
 * for a corrupt or foreign file; -2 with errno for an I/O error.
 */
int tem_state_load(struct tem_state *st, const char *path, char *why, size_t whylen);
/* Write st to path atomically: a temporary file, fsync, rename, fsync of the directory. -1 + errno. */
int tem_state_save(const struct tem_state *st, const char *path);

#endif
