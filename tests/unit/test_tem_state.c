#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "tem/tem_state.h"

#define T0 1772456400LL		/* 2026-03-02T13:00:00 */

static const char good[] =
    "temarchive-state 2\n"
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
	CHECK_STR(s + strlen(good), "crc32 9DF67690\n");	/* zlib.crc32 agrees */
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
	CHECK_INT(parse("temarchive-state 3\ncrc32 00000000\n", why), -1);
	CHECK_STR(why, "version 3 not supported (want 1 or 2)");
	CHECK_INT(parse("temarchive-state 0\ncrc32 00000000\n", why), -1);
	CHECK_STR(why, "version 0 not supported (want 1 or 2)");
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

/* A version 1 file (no meter lines), as temarchive 0.1.0 wrote it, still loads. */
static void
test_version1(void)
{
	static const char v1[] = "temarchive-state 1\n"
	    "serial=1000001 address=1 kind=hour slot=47 period=2026-03-02T13:00:00\n"
	    "crc32 E6EA6064\n";	/* zlib.crc32 */
	struct tem_state st = { 0 };
	char why[128];

	CHECK_INT(tem_state_parse(&st, v1, strlen(v1), why, sizeof(why)), 0);
	CHECK_INT(st.n, 1);
	CHECK_INT(st.nm, 0);
	CHECK(tem_state_meter_find(&st, 1) == NULL);
	tem_state_free(&st);
}

static const char meter_line[] =
    "meter address=1 serial=1000001 flash=1F25 "
    "setup=02040800000000030400000000030C00000000030400000000070F07 "
    "setup_at=2026-03-02T14:00:00 hour=194623200/8151300/040300000000 "
    "month=194486400/8145600/040300000000\n";

/* meter_line with other marks, then a checksum line that does not match. */
static int
meter_with(const char *marks, char *why)
{
	char text[1024];
	int n = (int)(strstr(meter_line, " hour=") - meter_line);

	snprintf(text, sizeof(text), "temarchive-state 2\n%.*s%s\ncrc32 00000000\n", n,
	    meter_line, marks);
	return parse(text, why);
}

/* The meter line: who answers, its setup, the marks of its entries' records. */
static void
test_meter(void)
{
	struct tem_state st = { 0 }, back = { 0 };
	struct tem_state_meter m = { .address = 1, .serial = 1000001, .flash_type = 0x1F25,
	    .setup_at = T0 + 3600 }, *p;
	char why[128], *s, *bad, *at;
	size_t len;

	for (int i = 0; i < TEM_RAM_CFG_N; i++)
		m.setup[i] = (uint8_t)"\x02\x04\x08\0\0\0\0\x03\x04\0\0\0\0\x03\x0C\0\0\0\0"
		    "\x03\x04\0\0\0\0\x07\x0F\x07"[i];
	m.marked[TEM_HOUR] = m.marked[TEM_MONTH] = 1;
	m.mark[TEM_HOUR] = (struct tem_mark){ 194623200, 8151300, { 4, 3 } };
	m.mark[TEM_MONTH] = (struct tem_mark){ 194486400, 8145600, { 4, 3 } };
	tem_state_set(&st, 1000001, 1, TEM_HOUR, 47, T0);
	CHECK_INT(tem_state_meter_set(&st, &m), 0);
	s = tem_state_format(&st, &len);
	at = strstr(s, "meter ");
	CHECK(at != NULL && strncmp(at, meter_line, strlen(meter_line)) == 0);
	CHECK_INT(tem_state_parse(&back, s, len, why, sizeof(why)), 0);
	CHECK((p = tem_state_meter_find(&back, 1)) != NULL);
	CHECK(p && memcmp(p, &m, sizeof(m)) == 0);
	CHECK(tem_state_meter_find(&back, 2) == NULL);
	tem_state_free(&back);

	/* the setup read again keeps the marks; another serial does not */
	m.marked[TEM_HOUR] = m.marked[TEM_MONTH] = 0;
	m.setup_at = T0 + 7200;
	CHECK_INT(tem_state_meter_set(&st, &m), 0);
	CHECK_INT(st.nm, 1);
	CHECK_INT(st.m[0].setup_at, T0 + 7200);
	CHECK_INT(st.m[0].marked[TEM_HOUR], 1);
	CHECK_INT(st.m[0].mark[TEM_MONTH].energy, 8145600);
	CHECK_INT(st.m[0].marked[TEM_DAY], 0);
	m.serial = 4711;
	CHECK_INT(tem_state_meter_set(&st, &m), 0);
	CHECK_INT(st.m[0].marked[TEM_HOUR], 0);
	m.address = 2;
	CHECK_INT(tem_state_meter_set(&st, &m), 0);
	CHECK_INT(st.nm, 2);
	tem_state_meter_drop(&st, 1);
	CHECK_INT(st.nm, 1);
	CHECK_INT(st.m[0].address, 2);
	tem_state_meter_drop(&st, 1);
	CHECK_INT(st.nm, 1);
	tem_state_free(&st);
	free(s);

	/* damage in a meter line is named; the marks' order is hour, day, month */
	CHECK_INT(parse("temarchive-state 2\nmeter address=1 serial=1 flash=1F25\n", why), -1);
	CHECK_STR(why, "line 2: expected meter address= serial= flash= setup= setup_at=");
	CHECK_INT(parse("temarchive-state 2\nmeter address=1 serial=1 flash=1f25 setup=00 "
	    "setup_at=2026-03-02T14:00:00\n", why), -1);
	CHECK_STR(why, "line 2: bad flash");
	CHECK_INT(parse("temarchive-state 2\nmeter address=1 serial=1 flash=1F25 setup=00 "
	    "setup_at=2026-03-02T14:00:00\n", why), -1);
	CHECK_STR(why, "line 2: bad setup");
	CHECK_INT(meter_with(" hour=1/2/040300000000", why), -1);
	CHECK_STR(why, "line 3: checksum mismatch");	/* parses: only the seal is missing */
	CHECK_INT(meter_with(" month=1/2/0403000000000", why), -1);
	CHECK_STR(why, "line 2: bad month mark");
	CHECK_INT(meter_with(" month=1/2/040300000000 day=1/2/040300000000", why), -1);
	CHECK_STR(why, "line 2: bad field after setup_at");
	CHECK_INT(meter_with(" day=1/2", why), -1);
	CHECK_STR(why, "line 2: bad day mark");
	CHECK_INT(meter_with(" hour=1/2/040300000000/5", why), -1);
	CHECK_STR(why, "line 2: bad hour mark");
	bad = malloc(1024);
	snprintf(bad, 1024, "temarchive-state 2\n%s%s", meter_line, meter_line);
	CHECK_INT(parse(bad, why), -1);
	CHECK_STR(why, "line 3: duplicate meter");
	free(bad);
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
	test_version1();
	test_meter();
	test_files();
	return check_done();
}
