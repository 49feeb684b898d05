#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fk_cli.h"
#include "fk_exit.h"

void
fk_version(void)
{
	printf("%s (fieldkit) %s\n", program_invocation_short_name, FK_VERSION);
	exit(fflush(stdout) == 0 ? FK_OK : FK_IO);
}

void
fk_usage(const char *const *lines, int to_stdout)
{
	FILE *f = to_stdout ? stdout : stderr;

	for (int i = 0; lines[i]; i++)
		fprintf(f, "%s %s\n", i == 0 ? "usage:" : "      ", lines[i]);
	exit(to_stdout ? (fflush(stdout) == 0 ? FK_OK : FK_IO) : FK_USAGE);
}
