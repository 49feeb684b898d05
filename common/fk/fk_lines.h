/* The suite's one splitter of input into lines: the caller reads into its room, takes lines out. */
#ifndef FK_LINES_H
#define FK_LINES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Bytes read from a descriptor, cut at '\n'.  A line is every byte before
 * its newline, NUL bytes included (its length says where it ends; a NUL is
 * put after it for callers that want a string); '\r' is left to the caller.
 * The last line counts even without a newline once the caller says the
 * input has ended.  A line longer than max is reported once, under its own
 * number, as soon as max + 1 of its bytes are in, and the rest of it is
 * dropped up to its newline: memory stays bounded whatever comes in.
 */
struct fk_lines {
	char *buf;
	size_t max, cap, start, len;
	size_t seen;		/* bytes after start known to hold no newline */
	int skipping;		/* inside a line too long, up to its newline */
	uint64_t lineno;	/* of the line last returned, from 1; empty lines count */
};

enum { FK_LINES_MORE, FK_LINES_LINE, FK_LINES_LONG, FK_LINES_END };

/* Room for lines of max bytes and reads of at least chunk; -1 without memory. */
int fk_lines_init(struct fk_lines *l, size_t max, size_t chunk);
void fk_lines_free(struct fk_lines *l);

/*
 * Where the next read goes and how much it may take: at least chunk bytes
 * once fk_lines_next() has said FK_LINES_MORE.  Lines returned before are
 * gone after this.  fk_lines_put() counts what the read brought.
 */
char *fk_lines_room(struct fk_lines *l, size_t *n);
void fk_lines_put(struct fk_lines *l, size_t n);

/*
 * The next line: FK_LINES_LINE with *line, *len set (inside the buffer,
 * NUL after it); FK_LINES_LONG for a line over max (lineno is its number);
 * FK_LINES_MORE when a read is needed; FK_LINES_END when eof is set and all
 * is taken.
 */
int fk_lines_next(struct fk_lines *l, int eof, char **line, size_t *len);

/* Bytes read and not yet taken as lines (or dropped). */
size_t fk_lines_pending(const struct fk_lines *l);

#endif
