/* Conventions every command shares: --version text, usage exit. */
#ifndef FK_CLI_H
#define FK_CLI_H

/* Print "PROG (fieldkit) VERSION" on stdout and exit 0. */
_Noreturn void fk_version(void);

/* Print "usage: ..." lines on stderr (or stdout and exit 0 when to_stdout) and exit. */
_Noreturn void fk_usage(const char *const *lines, int to_stdout);

#endif
