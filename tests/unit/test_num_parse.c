#include "check.h"
#include "fk/fk_exit.h"
#include "fk/num_parse.h"

int
main(void)
{
	long long v;
	double d;
	const char *why;

	CHECK_INT(num_parse("42", 0, 100, 0, &v, &why), 0);
	CHECK_INT(v, 42);
	CHECK_INT(num_parse("0x1F", 0, 100, 1, &v, &why), 0);
	CHECK_INT(v, 31);
	CHECK_INT(num_parse("0x1F", 0, 100, 0, &v, &why), -1);
	CHECK_INT(num_parse("", 0, 100, 0, &v, &why), -1);
	CHECK_STR(why, "invalid");
	CHECK_INT(num_parse("12abc", 0, 100, 0, &v, &why), -1);
	CHECK_INT(num_parse(" 12", 0, 100, 0, &v, &why), -1);
	CHECK_INT(num_parse("+12", 0, 100, 0, &v, &why), -1);
	CHECK_INT(num_parse("101", 0, 100, 0, &v, &why), -1);
	CHECK_STR(why, "too large");
	CHECK_INT(num_parse("-1", 0, 100, 0, &v, &why), -1);
	CHECK_STR(why, "too small");
	CHECK_INT(num_parse("99999999999999999999", 0, 100, 0, &v, &why), -1);
	CHECK_STR(why, "too large");
	CHECK_INT(num_parse("-5", -10, 10, 0, &v, &why), 0);
	CHECK_INT(v, -5);
	CHECK_INT(num_parse_double("2.5", 0, 10, &d, &why), 0);
	CHECK_DBL(d, 2.5, 1e-12);
	CHECK_INT(num_parse_double("nan", 0, 10, &d, &why), -1);
	CHECK_INT(num_parse_double("1e400", 0, 10, &d, &why), -1);
	CHECK_INT(num_parse_double("11", 0, 10, &d, &why), -1);
	CHECK_STR(fk_exit_name(FK_USAGE), "usage");
	CHECK_STR(fk_exit_name(99), "unknown");
	return check_done();
}
