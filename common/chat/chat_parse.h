/* chat(8) script structure: expect/send pairs and the keywords that take the send slot. */
#ifndef CHAT_PARSE_H
#define CHAT_PARSE_H

#include <stddef.h>

enum chat_kind {
	CHAT_EXPECT,		/* arg: expect[-subsend-subexpect...] */
	CHAT_SEND,
	CHAT_ABORT,
	CHAT_CLR_ABORT,
	CHAT_REPORT,
	CHAT_CLR_REPORT,
	CHAT_TIMEOUT,
	CHAT_ECHO,
	CHAT_SAY,
	CHAT_HANGUP
};

struct chat_step {
	enum chat_kind kind;
	const char *arg;	/* points into the words, escapes not yet applied */
};

/*
 * Turn words into steps.  Words alternate expect, send; a keyword in an
 * expect slot takes the following word as its value instead.  A keyword
 * with no value left is dropped, as chat(8) does.  steps must hold n
 * entries; returns how many were filled.
 */
size_t chat_parse(char *const *words, size_t n, struct chat_step *steps);

/* "ABORT", "TIMEOUT", ... for keyword kinds; "expect"/"send" otherwise. */
const char *chat_kind_name(enum chat_kind k);

#endif
