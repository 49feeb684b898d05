#include <err.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "fk_exit.h"
#include "num_parse.h"

int
num_parse(const char *s, long long min, long long max, int base16_ok,
    long long *out, const char **why)
{
	char *end;
	long long v;
	int base = 10;

	*why = "invalid";
	if (s == NULL || *s == '\0' || *s == ' ' || *s == '\t' || *s == '+')
		return -1;
	if (base16_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (s[2] == '\0' || s[2] == '-' || s[2] == '+' || s[2] == ' ')
			return -1;
	}
	errno = 0;
	v = strtoll(s, &end, base);
	if (end == s || *end != '\0')
		return -1;
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*why = "too small";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*why = "too large";
		return -1;
	}
	*out = v;
	*why = NULL;
	return 0;
}

int
num_parse_double(const char *s, double min, double max, double *out,
    const char **why)
{
	char *end;
	double v;

	*why = "invalid";
	if (s == NULL || *s == '\0' || *s == ' ' || *s == '\t' || *s == '+')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
		return -1;
	if (v < min) {
		*why = "too small";
		return -1;
	}
	if (v > max) {
		*why = "too large";
		return -1;
	}
	*out = v;
	*why = NULL;
	return 0;
}

long long
num_arg(const char *name, const char *s, long long min, long long max)
{
	long long v;
	const char *why;

	if (num_parse(s, min, max, 1, &v, &why) == -1)
		errx(FK_USAGE, "%s: %s: %s (expected %lld..%lld)", name, s, why,
		    min, max);
	return v;
}

double
num_arg_double(const char *name, const char *s, double min, double max)
{
	double v;
	const char *why;

	if (num_parse_double(s, min, max, &v, &why) == -1)
		errx(FK_USAGE, "%s: %s: %s (expected %g..%g)", name, s, why, min,
		    max);
	return v;
}
