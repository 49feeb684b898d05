#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "fk/fk_exit.h"
#include "fk/jsonl.h"

static cJSON *
rec(void)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "n", 1);
	return o;
}

int
main(void)
{
	int p[2];
	char buf[64];
	FILE *f;

	jsonl_init();
	/* A reader: the line, flushed at once, with its newline. */
	CHECK_INT(pipe(p), 0);
	f = fdopen(p[1], "w");
	CHECK_INT(jsonl_emit(f, rec()), 0);
	CHECK_INT(read(p[0], buf, sizeof(buf)), 8);
	CHECK(memcmp(buf, "{\"n\":1}\n", 8) == 0);
	/* The reader gone: told apart from an error, so the caller ends quietly. */
	close(p[0]);
	CHECK_INT(jsonl_emit(f, rec()), JSONL_GONE);
	fclose(f);
	/* Another write error: an exit status, errno kept for the message. */
	if ((f = fopen("/dev/full", "w")) != NULL) {
		errno = 0;
		CHECK_INT(jsonl_emit(f, rec()), FK_IO);
		CHECK_INT(errno, ENOSPC);
		fclose(f);
	}
	/* Out of memory before the write. */
	errno = 0;
	CHECK_INT(jsonl_emit(stdout, NULL), FK_IO);
	CHECK_INT(errno, ENOMEM);
	return check_done();
}
