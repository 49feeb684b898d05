/* JSON-lines output: one object per line, flushed per record, errors reported. */
#ifndef JSONL_H
#define JSONL_H

#include <stdio.h>
#include <time.h>
#include <cjson/cJSON.h>

enum { JSONL_OK = 0, JSONL_EPIPE = 1, JSONL_ERR = -1 };

/*
 * Write obj as one line to f and flush.  Returns JSONL_OK, JSONL_EPIPE when
 * the reader has gone (the caller ends quietly), or JSONL_ERR with errno set.
 * Call jsonl_init() first so a closed pipe is an error, not a signal.
 */
int jsonl_write(FILE *f, const cJSON *obj);
void jsonl_init(void);

/* jsonl_emit()'s answer when the reader has gone: not an exit status, end quietly. */
enum { JSONL_GONE = 256 };

/*
 * The one way a command writes a record: obj (consumed; NULL means out of
 * memory) as one line to f, flushed.  Returns 0, JSONL_GONE on EPIPE, or
 * FK_IO on any other error with errno set (the caller names the file).
 */
int jsonl_emit(FILE *f, cJSON *obj);

/* A number rounded to `digits` decimals so floats print without noise; null if not finite. */
cJSON *jsonl_num(double v, int digits);
/* The same, added to obj as name. */
cJSON *jsonl_add_num(cJSON *obj, const char *name, double v, int digits);

#endif
