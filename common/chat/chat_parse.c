#include <string.h>

#include "chat_parse.h"

static const struct {
	const char *word;
	enum chat_kind kind;
} keywords[] = {
	{ "ABORT", CHAT_ABORT }, { "CLR_ABORT", CHAT_CLR_ABORT },
	{ "REPORT", CHAT_REPORT }, { "CLR_REPORT", CHAT_CLR_REPORT },
	{ "TIMEOUT", CHAT_TIMEOUT }, { "ECHO", CHAT_ECHO },
	{ "SAY", CHAT_SAY }, { "HANGUP", CHAT_HANGUP },
};

size_t
chat_parse(char *const *words, size_t n, struct chat_step *steps)
{
	size_t i = 0, k = 0;

	while (i < n) {
		enum chat_kind kind = CHAT_EXPECT;

		for (size_t j = 0; j < sizeof(keywords) / sizeof(keywords[0]); j++)
			if (strcmp(words[i], keywords[j].word) == 0)
				kind = keywords[j].kind;
		if (kind != CHAT_EXPECT) {
			if (i + 1 < n)
				steps[k++] = (struct chat_step){ kind, words[i + 1] };
			i += 2;
			continue;
		}
		steps[k++] = (struct chat_step){ CHAT_EXPECT, words[i++] };
		if (i < n)
			steps[k++] = (struct chat_step){ CHAT_SEND, words[i++] };
	}
	return k;
}

const char *
chat_kind_name(enum chat_kind k)
{
	for (size_t j = 0; j < sizeof(keywords) / sizeof(keywords[0]); j++)
		if (keywords[j].kind == k)
			return keywords[j].word;
	return k == CHAT_SEND ? "send" : "expect";
}
