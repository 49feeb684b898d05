#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "tem_state.h"

#define T0 1772456400LL		/* 2026-03-02T13:00:00 */

static const char good[] =
    "temarchive-state 1\n"
    "serial=1000001 address=1 kind=hour slot=47 period=2026-03-02T13:00:00\n"
    "serial=1000001 address=1 kind=month slot=2 period=2026-02-01T00:00:00\n";

/* good[] with its checksum line, as the formatter writes it */
static char *
sealed(const char *body)
{
	struct tem_state st = { 0 };
	char why[128], *full, *s;
	size_t len;

	/* parse the body through a formatted copy: the formatter owns the checksum */
	full = malloc(strlen(body) + 32);
	strcpy(full, body);
	CHECK(tem_state_parse(&st, full, strlen(full), why, sizeof(why)) == -1);
	CHECK_STR(why, "no checksum line (truncated)");
	tem_state_set(&st, 1000001, 1, TEM_HOUR, 47, T0);
	tem_state_set(&st, 1000001, 1, TEM_MONTH, 2, 1769904000);
	s = tem_state_format(&st, &len);
	CHECK_INT(strlen(s), len);
	tem_state_free(&st);
	free(full);
	return s;
}

static int
parse(const char *text, char *why)
{
	struct tem_state st = { 0 };
	int rc = tem_state_parse(&st, text, strlen(text), why, 128);

	tem_state_free(&st);
	return rc;
}

static void
test_format_parse(void)
{
	struct tem_state st = { 0 };
	struct tem_state_ent *e;
	char why[128], *s = sealed(good), *bad;
	uint32_t other;

	CHECK(strncmp(s, good, strlen(good)) == 0);
	CHECK_STR(s + strlen(good), "crc32 654E0E29\n");	/* zlib.crc32 agrees */
	CHECK_INT(tem_state_parse(&st, s, strlen(s), why, sizeof(why)), 0);
	CHECK_INT(st.n, 2);
	e = tem_state_find(&st, 1000001, 1, TEM_HOUR);
	CHECK(e != NULL);
	CHECK_INT(e->slot, 47);
	CHECK_INT(e->period, T0);
	CHECK(tem_state_find(&st, 1000001, 1, TEM_DAY) == NULL);
	CHECK(tem_state_find(&st, 1000001, 2, TEM_HOUR) == NULL);
	CHECK_INT(tem_state_other(&st, 1, 1000001, &other), 0);
	CHECK_INT(tem_state_other(&st, 1, 1000009, &other), 1);
	CHECK_INT(other, 1000001);
	CHECK_INT(tem_state_other(&st, 2, 1000009, &other), 0);
	CHECK_INT(tem_state_set(&st, 1000001, 1, TEM_HOUR, 48, T0 + 3600), 0);
	CHECK_INT(st.n, 2);
	CHECK_INT(tem_state_find(&st, 1000001, 1, TEM_HOUR)->slot, 48);
	tem_state_free(&st);

	/* every kind of damage is named */
	bad = strdup(s);
	bad[strlen(good) - 3] = '1';		/* 13:00:00 -> 13:00:10 still parses */
	CHECK_INT(parse(bad, why), -1);
	CHECK_STR(why, "line 4: checksum mismatch");
	strcpy(bad, s);
	bad[strlen(bad) - 1] = '\0';
	CHECK_INT(parse(bad, why), -1);
	CHECK_STR(why, "line 4: last line has no newline (truncated)");
	free(bad);
	CHECK_INT(parse("", why), -1);
	CHECK_STR(why, "empty file");
	CHECK_INT(parse("{\"serial\":1}\n", why), -1);
	CHECK_STR(why, "not a temarchive state file");
	CHECK_INT(parse("temarchive-state 2\ncrc32 00000000\n", why), -1);
	CHECK_STR(why, "version 2 not supported (want 1)");
	CHECK_INT(parse("temarchive-state 1\nserial=1 address=1 kind=week slot=0 "
	    "period=2026-03-02T13:00:00\n", why), -1);
	CHECK_STR(why, "line 2: bad kind");
	CHECK_INT(parse("temarchive-state 1\nserial=1 address=300 kind=hour slot=0 "
	    "period=2026-03-02T13:00:00\n", why), -1);
	CHECK_STR(why, "line 2: bad address");
	CHECK_INT(parse("temarchive-state 1\nserial=1 address=1 kind=hour slot=0 "
	    "period=2026-03-02\n", why), -1);
	CHECK_STR(why, "line 2: bad period");
	CHECK_INT(parse("temarchive-state 1\nserial=1 address=1 kind=hour slot=0 "
	    "period=2026-03-02T13:00:00\nserial=1 address=1 kind=hour slot=1 "
	    "period=2026-03-02T14:00:00\n", why), -1);
	CHECK_STR(why, "line 3: duplicate entry");
	CHECK_INT(parse("temarchive-state 1\ncrc32 zz\n", why), -1);
	CHECK_STR(why, "line 2: bad checksum line");
	{
		char bin[] = "temarchive-state 1\n\0\n";
		struct tem_state b = { 0 };
		CHECK_INT(tem_state_parse(&b, bin, sizeof(bin) - 1, why, 128), -1);
		CHECK_STR(why, "not a temarchive state file (binary data)");
	}
	/* an empty state is valid */
	{
		struct tem_state e0 = { 0 };
		size_t len;
		char *t = tem_state_format(&e0, &len);
		CHECK_INT(parse(t, why), 0);
		free(t);
	}
	/* data after the checksum */
	bad = malloc(strlen(s) + 8);
	strcpy(bad, s);
	strcat(bad, "x\n");
	CHECK_INT(parse(bad, why), -1);
	CHECK_STR(why, "line 5: data after the checksum line");
	free(bad);
	free(s);
}

static void
test_files(void)
{
	char dir[] = "/tmp/test_tem_state.XXXXXX", path[64], why[128];
	struct tem_state st = { 0 }, back;
	struct stat sb;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/state", dir);
	CHECK_INT(tem_state_load(&back, path, why, sizeof(why)), 0);	/* none yet */
	CHECK_INT(back.n, 0);
	tem_state_set(&st, 42, 7, TEM_DAY, 735, T0);
	CHECK_INT(tem_state_save(&st, path), 0);
	CHECK_INT(tem_state_load(&back, path, why, sizeof(why)), 0);
	CHECK_INT(back.n, 1);
	CHECK_INT(back.e[0].slot, 735);
	CHECK_INT(back.e[0].address, 7);
	tem_state_free(&back);
	CHECK_INT(stat(path, &sb), 0);
	CHECK((sb.st_mode & 0777) == (0666 & ~umask(022)));
	/* no temporary file is left behind */
	snprintf(path, sizeof(path), "%s/state.XXXXXX", dir);
	CHECK(access(path, F_OK) == -1);
	snprintf(path, sizeof(path), "%s/nodir/state", dir);
	CHECK_INT(tem_state_save(&st, path), -1);
	snprintf(path, sizeof(path), "%s", dir);
	CHECK_INT(tem_state_load(&back, path, why, sizeof(why)), -2);	/* a directory */
	snprintf(path, sizeof(path), "%s/state", dir);
	unlink(path);
	rmdir(dir);
	tem_state_free(&st);
}

int
main(void)
{
	test_format_parse();
	test_files();
	return check_done();
}
