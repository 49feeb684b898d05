#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "num_parse.h"
#include "tem_plan.h"
#include "tem_rec.h"
#include "tem_state.h"

#define MAGIC		"temarchive-state"
#define VERSION		1
#define MAX_FILE	(4L << 20)

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

/* One "serial=.. address=.. kind=.. slot=.. period=.." line. */
static const char *
entry(struct tem_state *st, char *line)
{
	char *save, *tok[6];
	const char *v, *why;
	long long serial, addr, slot, period;
	enum tem_kind k;
	int n = 0;

	for (char *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (n < 6)
			tok[n++] = t;
		else
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
	if ((v = keyed(tok[4], "period")) == NULL || strlen(v) != 19 ||
	    tem_when_parse(v, &period, &why) == -1)
		return "bad period";
	if (tem_state_find(st, (uint32_t)serial, (uint8_t)addr, k))
		return "duplicate entry";
	if (tem_state_set(st, (uint32_t)serial, (uint8_t)addr, k, (unsigned)slot,
	    period) == -1)
		return strerror(ENOMEM);
	return NULL;
}

int
tem_state_parse(struct tem_state *st, const char *text, size_t len, char *why,
    size_t whylen)
{
	const char *p = text, *end = text + len, *nl, *err = NULL;
	char line[256];
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
			if (number(line + sizeof(MAGIC), 1000, &ver) == -1 || ver != VERSION) {
				snprintf(why, whylen, "version %s not supported (want %d)",
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
		} else if ((err = entry(st, line)) != NULL) {
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

char *
tem_state_format(const struct tem_state *st, size_t *len)
{
	size_t cap = 64 + st->n * 96, n;
	char *s = malloc(cap), iso[32];

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
		if (st->n == st->cap) {
			size_t cap = st->cap ? 2 * st->cap : 16;
			void *p = realloc(st->e, cap * sizeof(*st->e));
			if (p == NULL)
				return -1;
			st->e = p;
			st->cap = cap;
		}
		e = &st->e[st->n++];
		e->serial = serial;
		e->address = address;
		e->kind = k;
	}
	e->slot = slot;
	e->period = period;
	return 0;
}

void
tem_state_free(struct tem_state *st)
{
	free(st->e);
	memset(st, 0, sizeof(*st));
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

/* The directory holding path, so the rename itself reaches the disk. */
static int
sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = -1;

	if (copy == NULL)
		return -1;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		rc = fsync(fd) == -1 && errno != EINVAL ? -1 : 0;
		close(fd);
	}
	free(copy);
	return rc;
}

int
tem_state_save(const struct tem_state *st, const char *path)
{
	size_t len, plen = strlen(path);
	char *text = tem_state_format(st, &len), *tmp = malloc(plen + 8);
	mode_t mask;
	int fd = -1, e;

	if (text == NULL || tmp == NULL)
		goto nomem;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", 8);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		goto fail_notmp;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) == -1)
		goto fail;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, text + off, len - off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(text);
	free(tmp);
	return sync_dir(path);
fail:
	e = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = e;
fail_notmp:
	e = errno;
	free(text);
	free(tmp);
	errno = e;
	return -1;
nomem:
	free(text);
	free(tmp);
	errno = ENOMEM;
	return -1;
}
