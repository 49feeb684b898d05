/* Matching received bytes against the expect, ABORT and REPORT strings, as chat(8) does. */
#ifndef CHAT_MATCH_H
#define CHAT_MATCH_H

#include <stddef.h>

#define CHAT_WINDOW 1024	/* longest expect, ABORT or REPORT string */

/* An ordered list of ABORT or REPORT strings. */
struct chat_strings {
	char **s;
	size_t n;
};

int chat_strings_add(struct chat_strings *l, const char *s);
/*
 * CLR_ABORT / CLR_REPORT: remove every entry equal to s; later entries move
 * up, so the ABORT exit codes (4 + position) follow the new order.
 * Returns how many were removed.
 */
size_t chat_strings_clear(struct chat_strings *l, const char *s);
void chat_strings_free(struct chat_strings *l);

/* What one expect has received so far (bit 7 stripped, as chat(8) does). */
struct chat_match {
	unsigned char win[2 * CHAT_WINDOW];
	size_t len;
};

enum { CHAT_M_MORE, CHAT_M_EXPECT, CHAT_M_ABORT };

void chat_match_reset(struct chat_match *m);

/* Add a received byte to the window (call before the checks below). */
void chat_match_push(struct chat_match *m, unsigned char c);

/*
 * Does the window now end with the expect string (CHAT_M_EXPECT), else
 * with an ABORT string (CHAT_M_ABORT, *which = its 0-based position)?
 */
int chat_match_check(const struct chat_match *m, const char *expect,
    const struct chat_strings *aborts, size_t *which);

/* REPORT: once a report string is seen, the characters up to the next control character. */
struct chat_report {
	int gathering;
	char line[CHAT_WINDOW + 1];	/* report string plus what followed */
	size_t len;
};

enum { CHAT_R_NONE, CHAT_R_STARTED, CHAT_R_DONE };

/*
 * Feed the byte just pushed into m.  A report string that matches starts a
 * line (CHAT_R_STARTED) and is used up; further printable bytes extend it;
 * a control byte finishes it (CHAT_R_DONE: r->line holds it, and gathering
 * stops).
 */
int chat_report_feed(struct chat_report *r, struct chat_strings *reports,
    const struct chat_match *m, unsigned char c);

#endif
