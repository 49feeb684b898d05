#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fk/fk_file.h"
#include "fk/fk_vec.h"
#include "fk/num_parse.h"
#include "tem_plan.h"
#include "tem_rec.h"
#include "tem_state.h"

#define MAGIC		"temarchive-state"
#define VERSION		2	/* 1 had no meter lines; it still loads */
#define MAX_FILE	(4L << 20)

FK_VEC_PUSH_FN(ent_push, struct tem_state_ent)
FK_VEC_PUSH_FN(meter_push, struct tem_state_meter)

/* CRC-32 (IEEE), so a truncated or hand-edited file is told from a good one. */
static uint32_t
crc32(const char *s, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	while (n--) {
		c ^= (uint8_t)*s++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

static int
kind_of(const char *s, enum tem_kind *k)
{
	for (int i = TEM_HOUR; i <= TEM_MONTH; i++)
		if (strcmp(s, tem_kind_name((enum tem_kind)i)) == 0) {
			*k = (enum tem_kind)i;
			return 0;
		}
	return -1;
}

/* "name=value" with the expected name; the value into val. */
static const char *
keyed(char *tok, const char *name)
{
	size_t n = strlen(name);

	if (tok == NULL || strncmp(tok, name, n) != 0 || tok[n] != '=')
		return NULL;
	return tok + n + 1;
}

static int
number(const char *s, long long max, long long *out)
{
	const char *why;

	return s == NULL ? -1 : num_parse(s, 0, max, 0, out, &why);
}

/* Exactly 8 hex digits. */
static int
hex32(const char *s, long long *out)
{
	char buf[11] = "0x";
	const char *why;

	if (strlen(s) != 8 || strspn(s, "0123456789ABCDEF") != 8)
		return -1;
	memcpy(buf + 2, s, 9);
	return num_parse(buf, 0, 0xFFFFFFFFLL, 1, out, &why);
}

/* Exactly 2n upper-case hex digits into out[n]. */
static int
hexbytes(const char *s, uint8_t *out, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";

	if (s == NULL || strlen(s) != 2 * n || strspn(s, digits) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)((strchr(digits, s[2 * i]) - digits) << 4 |
		    (strchr(digits, s[2 * i + 1]) - digits));
	return 0;
}

static void
hexput(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02X", b[i]);
}

/* "YYYY-MM-DDTHH:MM:SS" as the formatter writes it. */
static int
when(const char *v, long long *key)
{
	const char *why;

	return v == NULL || strlen(v) != 19 || tem_when_parse(v, key, &why) == -1 ? -1 : 0;
}

/* The blank-separated fields of line, at most max: their count, or -1 for more. */
static int
fields(char *line, char **tok, int max)
{
	char *save;
	int n = 0;

	for (char *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (n < max)
			tok[n++] = t;
		else
			return -1;
	return n;
}

/* One "serial=.. address=.. kind=.. slot=.. period=.." line. */
static const char *
entry(struct tem_state *st, char *line)
{
	char *tok[6];
	const char *v;
	long long serial, addr, slot, period;
	enum tem_kind k;
	int n = fields(line, tok, 6);

	if (n == -1)
		return "too many fields";
	if (n != 5)
		return "expected serial= address= kind= slot= period=";
	if (number(keyed(tok[0], "serial"), 0xFFFFFFFFLL, &serial) == -1)
		return "bad serial";
	if (number(keyed(tok[1], "address"), 255, &addr) == -1)
		return "bad address";
	if ((v = keyed(tok[2], "kind")) == NULL || kind_of(v, &k) == -1)
		return "bad kind";
	if (number(keyed(tok[3], "slot"), 1727, &slot) == -1)
		return "bad slot";
	if (when(keyed(tok[4], "period"), &period) == -1)
		return "bad period";
	if (tem_state_find(st, (uint32_t)serial, (uint8_t)addr, k))
		return "duplicate entry";
	if (tem_state_set(st, (uint32_t)serial, (uint8_t)addr, k, (unsigned)slot,
	    period) == -1)
		return strerror(ENOMEM);
	return NULL;
}

/* A kind's mark "ON_S/ENERGY/COMMA", as "hour=194623200/8151300/040300000000". */
static int
mark(const char *v, struct tem_mark *m)
{
	char buf[64], *save, *on, *energy, *comma;
	long long a, b;

	if (v == NULL || strlen(v) >= sizeof(buf))
		return -1;
	strcpy(buf, v);
	if ((on = strtok_r(buf, "/", &save)) == NULL ||
	    (energy = strtok_r(NULL, "/", &save)) == NULL ||
	    (comma = strtok_r(NULL, "/", &save)) == NULL || strtok_r(NULL, "/", &save) ||
	    number(on, 0xFFFFFFFFLL, &a) == -1 || number(energy, 0xFFFFFFFFLL, &b) == -1 ||
	    hexbytes(comma, m->comma, sizeof(m->comma)) == -1)
		return -1;
	m->on_s = (uint32_t)a;
	m->energy = (uint32_t)b;
	return 0;
}

/* "meter address=.. serial=.. flash=.. setup=.. setup_at=.. [hour=..] [day=..] [month=..]". */
static const char *
meter(struct tem_state *st, char *line)
{
	static const char *const bad[3] = { "bad hour mark", "bad day mark", "bad month mark" };
	char *tok[9];
	const char *v;
	long long addr, serial, at;
	uint8_t flash[2];
	struct tem_state_meter m = { 0 };
	int n = fields(line, tok, 9);

	if (n == -1)
		return "too many fields";
	if (n < 6)
		return "expected meter address= serial= flash= setup= setup_at=";
	if (number(keyed(tok[1], "address"), 255, &addr) == -1)
		return "bad address";
	if (number(keyed(tok[2], "serial"), 0xFFFFFFFFLL, &serial) == -1)
		return "bad serial";
	if (hexbytes(keyed(tok[3], "flash"), flash, 2) == -1)
		return "bad flash";
	if (hexbytes(keyed(tok[4], "setup"), m.setup, sizeof(m.setup)) == -1)
		return "bad setup";
	if (when(keyed(tok[5], "setup_at"), &at) == -1)
		return "bad setup_at";
	/* then the marks, in kind order, each optional */
	for (int i = 6, k = TEM_HOUR; i < n; i++, k++) {
		while (k <= TEM_MONTH && keyed(tok[i], tem_kind_name((enum tem_kind)k)) == NULL)
			k++;
		if (k > TEM_MONTH)
			return "bad field after setup_at";
		v = keyed(tok[i], tem_kind_name((enum tem_kind)k));
		if (mark(v, &m.mark[k]) == -1)
			return bad[k];
		m.marked[k] = 1;
	}
	if (tem_state_meter_find(st, (uint8_t)addr))
		return "duplicate meter";
	m.address = (uint8_t)addr;
	m.serial = (uint32_t)serial;
	m.flash_type = (uint16_t)(flash[0] << 8 | flash[1]);
	m.setup_at = at;
	return tem_state_meter_set(st, &m) == -1 ? strerror(ENOMEM) : NULL;
}

/* A line by its first word. */
static const char *
line_of(struct tem_state *st, char *line)
{
	if (strncmp(line, "meter ", 6) == 0)
		return meter(st, line);
	return entry(st, line);
}

int
tem_state_parse(struct tem_state *st, const char *text, size_t len, char *why,
    size_t whylen)
{
	const char *p = text, *end = text + len, *nl, *err = NULL;
	char line[512];
	long long ver, sum;
	int lineno = 0, have_sum = 0;

	if (len == 0) {
		snprintf(why, whylen, "empty file");
		return -1;
	}
	if (memchr(text, '\0', len)) {
		snprintf(why, whylen, "not a temarchive state file (binary data)");
		return -1;
	}
	while (p < end) {
		size_t n;

		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			err = "last line has no newline (truncated)";
			break;
		}
		if ((n = (size_t)(nl - p)) >= sizeof(line)) {
			err = lineno == 1 ? "not a temarchive state file" : "line too long";
			break;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (have_sum) {
			err = "data after the checksum line";
			break;
		}
		if (lineno == 1) {
			if (strncmp(line, MAGIC " ", sizeof(MAGIC)) != 0) {
				err = "not a temarchive state file";
				break;
			}
			if (number(line + sizeof(MAGIC), 1000, &ver) == -1 || ver < 1 ||
			    ver > VERSION) {
				snprintf(why, whylen, "version %s not supported (want 1 or %d)",
				    line + sizeof(MAGIC), VERSION);
				goto fail;
			}
		} else if (strncmp(line, "crc32 ", 6) == 0) {
			if (hex32(line + 6, &sum) == -1) {
				err = "bad checksum line";
				break;
			}
			if ((uint32_t)sum != crc32(text, (size_t)(p - text))) {
				err = "checksum mismatch";
				break;
			}
			have_sum = 1;
		} else if ((err = line_of(st, line)) != NULL) {
			snprintf(why, whylen, "line %d: %s", lineno, err);
			goto fail;
		}
		p = nl + 1;
	}
	if (err == NULL && !have_sum) {
		snprintf(why, whylen, "no checksum line (truncated)");
		goto fail;
	}
	if (err == NULL)
		return 0;
	if (lineno > 1)
		snprintf(why, whylen, "line %d: %s", lineno, err);
	else
		snprintf(why, whylen, "%s", err);
fail:
	tem_state_free(st);
	return -1;
}

/* Longest lines, with room to spare: an entry, a meter with its marks. */
#define ENT_MAX		128
#define METER_MAX	(128 + 2 * TEM_RAM_CFG_N + 3 * 48)

char *
tem_state_format(const struct tem_state *st, size_t *len)
{
	size_t cap = 64 + st->n * ENT_MAX + st->nm * METER_MAX, n;
	char *s = malloc(cap), iso[32], hex[2 * TEM_RAM_CFG_N + 1];

	if (s == NULL)
		return NULL;
	n = (size_t)snprintf(s, cap, "%s %d\n", MAGIC, VERSION);
	for (size_t i = 0; i < st->n; i++) {
		const struct tem_state_ent *e = &st->e[i];
		n += (size_t)snprintf(s + n, cap - n,
		    "serial=%lu address=%u kind=%s slot=%u period=%s\n",
		    (unsigned long)e->serial, e->address, tem_kind_name(e->kind),
		    e->slot, tem_when_iso(iso, sizeof(iso), e->period));
	}
	for (size_t i = 0; i < st->nm; i++) {
		const struct tem_state_meter *m = &st->m[i];
		hexput(hex, m->setup, sizeof(m->setup));
		n += (size_t)snprintf(s + n, cap - n,
		    "meter address=%u serial=%lu flash=%04X setup=%s setup_at=%s",
		    m->address, (unsigned long)m->serial, m->flash_type, hex,
		    tem_when_iso(iso, sizeof(iso), m->setup_at));
		for (int k = TEM_HOUR; k <= TEM_MONTH; k++) {
			if (!m->marked[k])
				continue;
			hexput(hex, m->mark[k].comma, sizeof(m->mark[k].comma));
			n += (size_t)snprintf(s + n, cap - n, " %s=%lu/%lu/%s",
			    tem_kind_name((enum tem_kind)k), (unsigned long)m->mark[k].on_s,
			    (unsigned long)m->mark[k].energy, hex);
		}
		n += (size_t)snprintf(s + n, cap - n, "\n");
	}
	n += (size_t)snprintf(s + n, cap - n, "crc32 %08lX\n",
	    (unsigned long)crc32(s, n));
	*len = n;
	return s;
}

struct tem_state_ent *
tem_state_find(struct tem_state *st, uint32_t serial, uint8_t address,
    enum tem_kind k)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->e[i].serial == serial && st->e[i].address == address &&
		    st->e[i].kind == k)
			return &st->e[i];
	return NULL;
}

int
tem_state_other(const struct tem_state *st, uint8_t address, uint32_t serial,
    uint32_t *other)
{
	int mine = 0, found = 0;

	for (size_t i = 0; i < st->n; i++) {
		if (st->e[i].address != address)
			continue;
		if (st->e[i].serial == serial)
			mine = 1;
		else if (!found) {
			*other = st->e[i].serial;
			found = 1;
		}
	}
	return found && !mine;
}

int
tem_state_set(struct tem_state *st, uint32_t serial, uint8_t address,
    enum tem_kind k, unsigned slot, long long period)
{
	struct tem_state_ent *e = tem_state_find(st, serial, address, k);

	if (e == NULL) {
		if ((e = ent_push(&st->e, &st->n, &st->cap, 16)) == NULL)
			return -1;
		e->serial = serial;
		e->address = address;
		e->kind = k;
	}
	e->slot = slot;
	e->period = period;
	return 0;
}

struct tem_state_meter *
tem_state_meter_find(struct tem_state *st, uint8_t address)
{
	for (size_t i = 0; i < st->nm; i++)
		if (st->m[i].address == address)
			return &st->m[i];
	return NULL;
}

int
tem_state_meter_set(struct tem_state *st, const struct tem_state_meter *m)
{
	struct tem_state_meter *have = tem_state_meter_find(st, m->address);

	if (have == NULL) {
		if ((have = meter_push(&st->m, &st->nm, &st->mcap, 8)) == NULL)
			return -1;
	} else if (have->serial == m->serial) {
		struct tem_state_meter keep = *m;

		for (int k = TEM_HOUR; k <= TEM_MONTH; k++)
			if (!keep.marked[k] && have->marked[k]) {
				keep.marked[k] = 1;
				keep.mark[k] = have->mark[k];
			}
		*have = keep;
		return 0;
	}
	*have = *m;
	return 0;
}

void
tem_state_meter_drop(struct tem_state *st, uint8_t address)
{
	struct tem_state_meter *m = tem_state_meter_find(st, address);

	if (m)
		*m = st->m[--st->nm];
}

void
tem_state_free(struct tem_state *st)
{
	free(st->e);
	free(st->m);
	*st = (struct tem_state){ 0 };
}

int
tem_state_load(struct tem_state *st, const char *path, char *why, size_t whylen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	int rc;

	memset(st, 0, sizeof(*st));
	if (f == NULL)
		return errno == ENOENT ? 0 : -2;
	if ((buf = malloc(MAX_FILE + 1)) == NULL) {
		fclose(f);
		return -2;
	}
	n = fread(buf, 1, MAX_FILE + 1, f);
	if (ferror(f)) {
		int e = errno;
		free(buf);
		fclose(f);
		errno = e;
		return -2;
	}
	fclose(f);
	if (n > MAX_FILE) {
		snprintf(why, whylen, "larger than %ld bytes", MAX_FILE);
		rc = -1;
	} else
		rc = tem_state_parse(st, buf, n, why, whylen);
	free(buf);
	return rc;
}

int
tem_state_save(const struct tem_state *st, const char *path)
{
	size_t len;
	char *text = tem_state_format(st, &len);
	int rc, e;

	if (text == NULL) {
		errno = ENOMEM;
		return -1;
	}
	rc = fk_file_replace(path, text, len);
	e = errno;
	free(text);
	errno = e;
	return rc;
}
