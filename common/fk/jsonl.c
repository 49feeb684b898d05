#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fk_exit.h"
#include "jsonl.h"

void
jsonl_init(void)
{
	signal(SIGPIPE, SIG_IGN);
}

int
jsonl_write(FILE *f, const cJSON *obj)
{
	char *s;
	int rc = JSONL_OK;

	if ((s = cJSON_PrintUnformatted(obj)) == NULL) {
		errno = ENOMEM;
		return JSONL_ERR;
	}
	if (fputs(s, f) == EOF || putc('\n', f) == EOF || fflush(f) == EOF)
		rc = errno == EPIPE ? JSONL_EPIPE : JSONL_ERR;
	free(s);
	if (rc != JSONL_OK)
		clearerr(f);
	return rc;
}

int
jsonl_emit(FILE *f, cJSON *obj)
{
	int rc;

	if (obj == NULL) {
		errno = ENOMEM;
		return FK_IO;
	}
	rc = jsonl_write(f, obj);
	cJSON_Delete(obj);
	return rc == JSONL_OK ? 0 : rc == JSONL_EPIPE ? JSONL_GONE : FK_IO;
}

cJSON *
jsonl_num(double v, int digits)
{
	double p = pow(10, digits);

	return isfinite(v) ? cJSON_CreateNumber(round(v * p) / p) : cJSON_CreateNull();
}

cJSON *
jsonl_add_num(cJSON *obj, const char *name, double v, int digits)
{
	cJSON *n = jsonl_num(v, digits);

	if (n && !cJSON_AddItemToObject(obj, name, n)) {
		cJSON_Delete(n);
		return NULL;
	}
	return n;
}
