/* Range-checked number parsing for every number a user gives (strtonum-style). */
#ifndef NUM_PARSE_H
#define NUM_PARSE_H

/*
 * Parse s as a decimal integer (or 0x-prefixed hex when base16_ok) within
 * [min, max].  Returns 0 and sets *out, or -1 with *why set to a short reason
 * ("invalid", "too small", "too large") for the caller's message.
 */
int num_parse(const char *s, long long min, long long max, int base16_ok,
    long long *out, const char **why);

/* Same, for a decimal number with optional fraction (seconds, ratios). */
int num_parse_double(const char *s, double min, double max, double *out,
    const char **why);

/*
 * Parse an option value or exit: prints "prog: NAME: VALUE: why" and exits
 * with the usage status.  For main()'s option loop.
 */
long long num_arg(const char *name, const char *s, long long min, long long max);
double num_arg_double(const char *name, const char *s, double min, double max);

#endif
