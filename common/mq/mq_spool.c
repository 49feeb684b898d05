#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fk/fk_exit.h"
#include "mq_spool.h"
#include "fk/num_parse.h"

struct seg {
	uint64_t key, last, size;
	uint32_t count;		/* records usable (fewer than the header if damaged) */
	uint32_t acked;		/* leading records acknowledged */
	uint32_t loaded;	/* leading records handed out (or skipped as acked) */
	uint32_t marked;	/* acked as last written to KEY.ack */
};

struct mq_spool {
	char *dir;
	int dirfd, lockfd;
	struct seg *seg;
	size_t nseg, capseg, cur;
	uint64_t next_seq, bytes, damaged;
	/* the segment being handed out */
	uint64_t buf_key;
	int buf_valid;
	unsigned char *buf;
	size_t buf_len, buf_off;
	/* records collected for the next segment */
	unsigned char *w;
	size_t wlen, wcap;
	uint64_t wfirst, wlast;
	uint32_t wcount;
};

static void
seg_name(char *buf, size_t len, uint64_t key, const char *ext)
{
	snprintf(buf, len, "%016" PRIx64 ".%s", key, ext);
}

/* KEY from "KEY.ext" with KEY 16 hex digits, or -1. */
static int
name_key(const char *name, const char *ext, uint64_t *key)
{
	char num[19] = "0x";
	long long v;
	const char *why;

	if (strlen(name) != 17 + strlen(ext) || name[16] != '.' ||
	    strcmp(name + 17, ext) != 0 || strspn(name, "0123456789abcdef") != 16)
		return -1;
	memcpy(num + 2, name, 16);
	num[18] = '\0';
	if (num_parse(num, 0, INT64_MAX, 1, &v, &why) == -1)
		return -1;
	*key = (uint64_t)v;
	return 0;
}

static size_t
seg_find(const struct mq_spool *sp, uint64_t key)
{
	size_t lo = 0, hi = sp->nseg;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sp->seg[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
seg_insert(struct mq_spool *sp, const struct seg *s)
{
	size_t i = seg_find(sp, s->key);

	if (sp->nseg == sp->capseg) {
		size_t cap = sp->capseg ? 2 * sp->capseg : 16;
		struct seg *n = realloc(sp->seg, cap * sizeof(*n));
		if (n == NULL)
			return -1;
		sp->seg = n;
		sp->capseg = cap;
	}
	memmove(&sp->seg[i + 1], &sp->seg[i], (sp->nseg - i) * sizeof(*s));
	sp->seg[i] = *s;
	sp->nseg++;
	sp->cur = 0;
	return 0;
}

/* Every record of segment i is acknowledged: the files go. */
static void
seg_remove(struct mq_spool *sp, size_t i)
{
	char name[32];

	seg_name(name, sizeof(name), sp->seg[i].key, "seg");
	unlinkat(sp->dirfd, name, 0);
	seg_name(name, sizeof(name), sp->seg[i].key, "ack");
	unlinkat(sp->dirfd, name, 0);
	if (sp->buf_valid && sp->buf_key == sp->seg[i].key)
		sp->buf_valid = 0;
	sp->bytes -= sp->seg[i].size;
	memmove(&sp->seg[i], &sp->seg[i + 1], (sp->nseg - i - 1) * sizeof(sp->seg[0]));
	sp->nseg--;
	sp->cur = 0;
}

static int
read_all(int fd, unsigned char *buf, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t r = pread(fd, buf, n, off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		buf += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

static int
write_all(int fd, const unsigned char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
set_aside(struct mq_spool *sp, const char *name, const char *why)
{
	char bad[300];

	snprintf(bad, sizeof(bad), "%s.bad", name);
	warnx("%s/%s: %s; renamed %s", sp->dir, name, why, bad);
	renameat(sp->dirfd, name, sp->dirfd, bad);
}

/*
 * Records still intact after a damaged header: what the segment held, as
 * far as can be told, so the loss is counted and said, never silent.
 * At least 1, as a segment is never written empty.
 */
static uint32_t
count_intact(int fd, off_t size)
{
	unsigned char *buf;
	struct mq_rec r;
	uint32_t n = 0;
	size_t pos = MQ_SEG_HDR;
	long k;

	if (size <= MQ_SEG_HDR || (buf = malloc((size_t)size)) == NULL)
		return 1;
	if (read_all(fd, buf, (size_t)size, 0) == 0)
		while (pos < (size_t)size &&
		    (k = mq_rec_decode(buf + pos, (size_t)size - pos, &r)) > 0) {
			pos += (size_t)k;
			n++;
		}
	free(buf);
	return n ? n : 1;
}

/* Index one segment file by its header. */
static void
scan_seg(struct mq_spool *sp, const char *name, uint64_t key)
{
	unsigned char hdr[MQ_SEG_HDR];
	struct seg s = { .key = key };
	struct stat st = { 0 };
	int fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd == -1) {
		warn("%s/%s", sp->dir, name);
		return;
	}
	if (fstat(fd, &st) == -1 || read_all(fd, hdr, sizeof(hdr), 0) == -1 ||
	    mq_seg_header_parse(hdr, sizeof(hdr), &s.key, &s.last, &s.count) == -1 ||
	    s.key != key || s.count == 0) {
		char why[120];
		uint32_t n = count_intact(fd, st.st_size);

		close(fd);
		snprintf(why, sizeof(why), "not an intact spool segment (%" PRIu32
		    " message%s not sent)", n, n == 1 ? "" : "s");
		set_aside(sp, name, why);
		sp->damaged += n;
		return;
	}
	close(fd);
	s.size = (uint64_t)st.st_size;
	if (seg_insert(sp, &s) == 0) {
		sp->bytes += s.size;
		if (s.last + 1 > sp->next_seq)
			sp->next_seq = s.last + 1;
	}
}

/* Apply "KEY.ack": its leading records need not be sent again. */
static void
scan_ack(struct mq_spool *sp, const char *name, uint64_t key)
{
	char text[24];
	long long v;
	const char *why;
	size_t i = seg_find(sp, key);
	int fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd == -1 ? -1 : read(fd, text, sizeof(text) - 1);

	if (fd != -1)
		close(fd);
	if (i == sp->nseg || sp->seg[i].key != key) {
		unlinkat(sp->dirfd, name, 0);
		return;
	}
	if (n <= 1 || text[n - 1] != '\n')
		return;
	text[n - 1] = '\0';
	if (num_parse(text, 0, sp->seg[i].count, 0, &v, &why) == -1)
		return;
	sp->seg[i].acked = sp->seg[i].loaded = sp->seg[i].marked = (uint32_t)v;
}

static int
scan(struct mq_spool *sp)
{
	DIR *d;
	struct dirent *e;
	uint64_t key;
	int fd = dup(sp->dirfd);

	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	/* NULL is also readdir()'s error (EOVERFLOW: 64-bit inodes, 32-bit build without large
	 * files); taken for the end, it made the spool look empty. */
	while ((errno = 0, e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, ".tmp-", 5) == 0)
			unlinkat(sp->dirfd, e->d_name, 0);
		else if (name_key(e->d_name, "seg", &key) == 0)
			scan_seg(sp, e->d_name, key);
	}
	if (errno == 0) {
		rewinddir(d);
		while ((errno = 0, e = readdir(d)) != NULL)
			if (name_key(e->d_name, "ack", &key) == 0)
				scan_ack(sp, e->d_name, key);
	}
	if (errno != 0) {
		int e_ = errno;

		closedir(d);
		errno = e_;
		return -1;
	}
	closedir(d);
	for (size_t i = sp->nseg; i-- > 0;)
		if (sp->seg[i].acked >= sp->seg[i].count)
			seg_remove(sp, i);
	return 0;
}

struct mq_spool *
mq_spool_open(const char *dir, int *status, char *err, size_t errlen)
{
	struct mq_spool *sp = calloc(1, sizeof(*sp));

	*status = FK_STATE;
	if (sp == NULL || (sp->dir = strdup(dir)) == NULL) {
		free(sp);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	sp->lockfd = -1;
	if ((mkdir(dir, 0700) == -1 && errno != EEXIST) ||
	    (sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(sp->dir);
		free(sp);
		return NULL;
	}
	if ((sp->lockfd = openat(sp->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1 ||
	    faccessat(sp->dirfd, ".", W_OK, AT_EACCESS) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	if (flock(sp->lockfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			*status = FK_LOCKED;
			snprintf(err, errlen, "in use by another mqpub");
		} else {
			snprintf(err, errlen, "%s", strerror(errno));
		}
		goto fail;
	}
	if (scan(sp) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	*status = FK_OK;
	return sp;
fail:
	if (sp->lockfd != -1)
		close(sp->lockfd);
	close(sp->dirfd);
	free(sp->seg);
	free(sp->dir);
	free(sp);
	return NULL;
}

void
mq_spool_mark(struct mq_spool *sp)
{
	char name[32], tmp[40], text[24];

	for (size_t i = 0; i < sp->nseg; i++) {
		struct seg *s = &sp->seg[i];
		int fd, n, ok;

		if (s->acked == s->marked)
			continue;
		seg_name(name, sizeof(name), s->key, "ack");
		snprintf(tmp, sizeof(tmp), ".tmp-%s", name);
		n = snprintf(text, sizeof(text), "%" PRIu32 "\n", s->acked);
		fd = openat(sp->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		/* A marker that did not make it only means a few duplicates later. */
		if (fd == -1)
			continue;
		ok = write_all(fd, (unsigned char *)text, (size_t)n) == 0;
		if (close(fd) == -1)
			ok = 0;
		if (ok && renameat(sp->dirfd, tmp, sp->dirfd, name) == 0)
			s->marked = s->acked;
		else
			unlinkat(sp->dirfd, tmp, 0);
	}
}

void
mq_spool_close(struct mq_spool *sp)
{
	if (sp == NULL)
		return;
	mq_spool_mark(sp);
	close(sp->lockfd);
	close(sp->dirfd);
	free(sp->seg);
	free(sp->buf);
	free(sp->w);
	free(sp->dir);
	free(sp);
}

const char *mq_spool_dir(const struct mq_spool *sp) { return sp->dir; }
uint64_t mq_spool_next_seq(const struct mq_spool *sp) { return sp->next_seq; }
uint64_t mq_spool_bytes(const struct mq_spool *sp) { return sp->bytes; }
uint64_t mq_spool_damaged(const struct mq_spool *sp) { return sp->damaged; }
size_t mq_spool_collected(const struct mq_spool *sp) { return sp->wlen; }

uint64_t
mq_spool_pending(const struct mq_spool *sp)
{
	uint64_t n = 0;

	for (size_t i = 0; i < sp->nseg; i++)
		n += sp->seg[i].count - sp->seg[i].acked;
	return n;
}

uint64_t
mq_spool_unloaded(const struct mq_spool *sp)
{
	uint64_t n = 0;

	for (size_t i = sp->cur; i < sp->nseg; i++)
		n += sp->seg[i].count - sp->seg[i].loaded;
	return n;
}

/* Read segment s whole, positioned after the records already handed out. */
static int
load(struct mq_spool *sp, struct seg *s, char *err, size_t errlen)
{
	char name[32];
	unsigned char *b;
	uint64_t first, last;
	uint32_t count;
	struct mq_rec r;
	int fd;

	seg_name(name, sizeof(name), s->key, "seg");
	sp->buf_valid = 0;
	if ((fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		goto fail;
	if ((b = realloc(sp->buf, s->size ? s->size : 1)) == NULL) {
		close(fd);
		goto fail;
	}
	sp->buf = b;
	if (read_all(fd, b, s->size, 0) == -1) {
		close(fd);
		goto fail;
	}
	close(fd);
	if (mq_seg_header_parse(b, s->size, &first, &last, &count) == -1) {
		errno = EINVAL;
		goto fail;
	}
	sp->buf_len = s->size;
	sp->buf_off = MQ_SEG_HDR;
	sp->buf_key = s->key;
	sp->buf_valid = 1;
	for (uint32_t i = 0; i < s->loaded; i++) {
		long n = mq_rec_decode(b + sp->buf_off, sp->buf_len - sp->buf_off, &r);
		if (n <= 0)
			break;
		sp->buf_off += (size_t)n;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s/%s: %s", sp->dir, name, strerror(errno));
	return -1;
}

int
mq_spool_next(struct mq_spool *sp, struct mq_rec *r, uint64_t *seg, char *err,
    size_t errlen)
{
	struct seg *s;
	long n;

	while (sp->cur < sp->nseg && sp->seg[sp->cur].loaded >= sp->seg[sp->cur].count)
		sp->cur++;
	if (sp->cur == sp->nseg)
		return 0;
	s = &sp->seg[sp->cur];
	if ((!sp->buf_valid || sp->buf_key != s->key) && load(sp, s, err, errlen) == -1) {
		/* Unreadable: count it out so the stream goes on. */
		sp->damaged += s->count - s->loaded;
		s->count = s->loaded;
		if (s->acked >= s->count)
			seg_remove(sp, sp->cur);
		return -1;
	}
	n = mq_rec_decode(sp->buf + sp->buf_off, sp->buf_len - sp->buf_off, r);
	if (n <= 0) {
		snprintf(err, errlen, "%s/%016" PRIx64 ".seg: record %" PRIu32
		    " damaged; %" PRIu32 " records dropped", sp->dir, s->key,
		    s->loaded + 1, s->count - s->loaded);
		sp->damaged += s->count - s->loaded;
		s->count = s->loaded;
		sp->buf_valid = 0;
		if (s->acked >= s->count)
			seg_remove(sp, sp->cur);
		return -1;
	}
	sp->buf_off += (size_t)n;
	s->loaded++;
	*seg = s->key;
	if (s->loaded == s->count) {
		/* Everything is handed out; r still points into buf until the next call. */
		sp->cur++;
	}
	return 1;
}

void
mq_spool_acked(struct mq_spool *sp, uint64_t key)
{
	size_t i = seg_find(sp, key);

	if (i == sp->nseg || sp->seg[i].key != key)
		return;
	if (++sp->seg[i].acked >= sp->seg[i].count && sp->seg[i].loaded >= sp->seg[i].count)
		seg_remove(sp, i);
}

int
mq_spool_add(struct mq_spool *sp, const struct mq_rec *r)
{
	size_t need = mq_rec_size(r->topic_len, r->payload_len);

	if (sp->wlen + need > sp->wcap) {
		size_t cap = sp->wcap ? sp->wcap : 65536;
		while (cap < sp->wlen + need)
			cap *= 2;
		unsigned char *w = realloc(sp->w, cap);
		if (w == NULL)
			return -1;
		sp->w = w;
		sp->wcap = cap;
	}
	sp->wlen += mq_rec_encode(r, sp->w + sp->wlen);
	if (sp->wcount++ == 0)
		sp->wfirst = r->seq;
	sp->wlast = r->seq;
	return 0;
}

/*
 * A segment's records, all of them sound: only then can newer ones join it,
 * or a damaged record would take them down with it when it is read.
 */
static int
records_intact(const unsigned char *b, size_t len, uint32_t count)
{
	struct mq_rec r;
	size_t off = 0;

	for (uint32_t i = 0; i < count; i++) {
		long n = mq_rec_decode(b + off, len - off, &r);
		if (n <= 0)
			return 0;
		off += (size_t)n;
	}
	return off == len;
}

int
mq_spool_commit(struct mq_spool *sp, int loaded, uint64_t *segkey, char *err,
    size_t errlen)
{
	struct seg s = { .key = sp->wfirst, .last = sp->wlast, .count = sp->wcount };
	struct seg *old = sp->nseg ? &sp->seg[sp->nseg - 1] : NULL;
	unsigned char hdr[MQ_SEG_HDR], *prev = NULL;
	size_t prev_len = 0;
	char name[32], tmp[40];
	int fd = -1, rc = -1;

	if (sp->wcount == 0)
		return 0;
	/* A small untouched newest segment takes the batch, so a trickle makes few files. */
	if (!loaded && old && old->loaded == 0 && old->acked == 0 &&
	    old->size + sp->wlen <= MQ_SPOOL_MERGE && old->key < s.key) {
		seg_name(name, sizeof(name), old->key, "seg");
		prev_len = old->size - MQ_SEG_HDR;
		if ((prev = malloc(prev_len ? prev_len : 1)) != NULL &&
		    (fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC)) != -1 &&
		    read_all(fd, prev, prev_len, MQ_SEG_HDR) == 0 &&
		    records_intact(prev, prev_len, old->count)) {
			s.key = old->key;
			s.count += old->count;
		} else {
			free(prev);
			prev = NULL;
			prev_len = 0;
		}
		if (fd != -1)
			close(fd);
	}
	seg_name(name, sizeof(name), s.key, "seg");
	snprintf(tmp, sizeof(tmp), ".tmp-%s", name);
	mq_seg_header(hdr, s.key, s.last, s.count);
	if ((fd = openat(sp->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1 ||
	    write_all(fd, hdr, sizeof(hdr)) == -1 ||
	    (prev && write_all(fd, prev, prev_len) == -1) ||
	    write_all(fd, sp->w, sp->wlen) == -1 || fsync(fd) == -1) {
		snprintf(err, errlen, "%s/%s: %s", sp->dir, name, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		snprintf(err, errlen, "%s/%s: %s", sp->dir, name, strerror(errno));
		goto out;
	}
	fd = -1;
	if (renameat(sp->dirfd, tmp, sp->dirfd, name) == -1) {
		snprintf(err, errlen, "%s/%s: %s", sp->dir, name, strerror(errno));
		goto out;
	}
	/* Renamed but perhaps not durable: the caller keeps the messages and says so. */
	if (fsync(sp->dirfd) == -1) {
		snprintf(err, errlen, "%s: %s", sp->dir, strerror(errno));
		goto out;
	}
	s.size = sizeof(hdr) + prev_len + sp->wlen;
	if (prev) {
		sp->bytes += s.size - old->size;
		old->size = s.size;
		old->count = s.count;
		old->last = s.last;
	} else {
		s.loaded = loaded ? s.count : 0;
		if (seg_insert(sp, &s) == -1) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			goto out;
		}
		sp->bytes += s.size;
	}
	if (s.last + 1 > sp->next_seq)
		sp->next_seq = s.last + 1;
	*segkey = s.key;
	rc = 0;
out:
	if (fd != -1) {
		close(fd);
	}
	if (rc == -1)
		unlinkat(sp->dirfd, tmp, 0);
	free(prev);
	sp->wlen = 0;
	sp->wcount = 0;
	return rc;
}
