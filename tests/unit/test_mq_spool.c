#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fk/fk_exit.h"
#include "mq/mq_spool.h"

static char dir[64], err[300];

static void
add(struct mq_spool *sp, uint64_t seq, const char *payload)
{
	struct mq_rec r = { seq, 1, 0, "t/x", 3, payload, strlen(payload) };

	CHECK_INT(mq_spool_add(sp, &r), 0);
}

static int
files(const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name), s = strlen(suffix);
		n += l >= s && strcmp(e->d_name + l - s, suffix) == 0;
	}
	closedir(d);
	return n;
}

static const char *
next(struct mq_spool *sp, uint64_t *seg)
{
	static char buf[64];
	struct mq_rec r;
	int rc = mq_spool_next(sp, &r, seg, err, sizeof(err));

	if (rc != 1)
		return rc == 0 ? "none" : "error";
	snprintf(buf, sizeof(buf), "%llu:%.*s", (unsigned long long)r.seq,
	    (int)r.payload_len, (const char *)r.payload);
	return buf;
}

static struct mq_spool *
reopen(struct mq_spool *sp)
{
	int status;

	mq_spool_close(sp);
	sp = mq_spool_open(dir, &status, err, sizeof(err));
	CHECK(sp != NULL);
	return sp;
}

int
main(void)
{
	struct mq_spool *sp, *sp2;
	uint64_t seg, seg2;
	int status, fd;
	char path[128];

	snprintf(dir, sizeof(dir), "/tmp/mqspool.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	strcat(dir, "/spool");
	sp = mq_spool_open(dir, &status, err, sizeof(err));
	CHECK(sp != NULL);
	CHECK_INT(mq_spool_next_seq(sp), 0);
	CHECK_INT(mq_spool_pending(sp), 0);

	/* Another run on the same spool is turned away. */
	sp2 = mq_spool_open(dir, &status, err, sizeof(err));
	CHECK(sp2 == NULL);
	CHECK_INT(status, FK_LOCKED);
	CHECK_STR(err, "in use by another mqpub");

	/* Three records in one segment, handed out in order. */
	add(sp, 5, "a");
	add(sp, 6, "b");
	add(sp, 7, "c");
	CHECK(mq_spool_collected(sp) > 0);
	CHECK_INT(mq_spool_commit(sp, 0, &seg, err, sizeof(err)), 0);
	CHECK_INT(seg, 5);
	CHECK_INT(mq_spool_collected(sp), 0);
	CHECK_INT(mq_spool_pending(sp), 3);
	CHECK_INT(mq_spool_unloaded(sp), 3);
	CHECK_INT(mq_spool_next_seq(sp), 8);
	CHECK_INT(files(".seg"), 1);
	CHECK_INT(files(".tmp-"), 0);
	CHECK_STR(next(sp, &seg), "5:a");
	CHECK_STR(next(sp, &seg), "6:b");
	CHECK_INT(seg, 5);
	mq_spool_acked(sp, 5);
	mq_spool_acked(sp, 5);
	CHECK_INT(mq_spool_pending(sp), 1);

	/* The next run skips the two acknowledged, by the marker. */
	sp = reopen(sp);
	CHECK_INT(files(".ack"), 1);
	CHECK_INT(mq_spool_pending(sp), 1);
	CHECK_INT(mq_spool_next_seq(sp), 8);
	CHECK_STR(next(sp, &seg), "7:c");
	CHECK_STR(next(sp, &seg), "none");
	mq_spool_acked(sp, seg);
	CHECK_INT(mq_spool_pending(sp), 0);
	CHECK_INT(files(".seg"), 0);
	CHECK_INT(files(".ack"), 0);
	CHECK_INT(mq_spool_bytes(sp), 0);

	/* Small batches join the newest untouched segment; held ones do not. */
	add(sp, 10, "d");
	CHECK_INT(mq_spool_commit(sp, 0, &seg, err, sizeof(err)), 0);
	add(sp, 11, "e");
	CHECK_INT(mq_spool_commit(sp, 0, &seg2, err, sizeof(err)), 0);
	CHECK_INT(seg2, 10);
	CHECK_INT(files(".seg"), 1);
	add(sp, 8, "early");
	CHECK_INT(mq_spool_commit(sp, 1, &seg, err, sizeof(err)), 0);
	CHECK_INT(seg, 8);
	CHECK_INT(files(".seg"), 2);
	CHECK_INT(mq_spool_pending(sp), 3);
	CHECK_INT(mq_spool_unloaded(sp), 2);
	/* In the next run the held one comes first: order is by stream position. */
	sp = reopen(sp);
	CHECK_INT(mq_spool_unloaded(sp), 3);
	CHECK_STR(next(sp, &seg), "8:early");
	CHECK_STR(next(sp, &seg), "10:d");
	CHECK_STR(next(sp, &seg), "11:e");
	mq_spool_acked(sp, 8);
	mq_spool_acked(sp, 10);
	mq_spool_acked(sp, 10);
	CHECK_INT(files(".seg"), 0);

	/* A damaged record: what precedes it is delivered, the rest reported. */
	add(sp, 20, "first");
	add(sp, 21, "second");
	add(sp, 22, "third");
	CHECK_INT(mq_spool_commit(sp, 0, &seg, err, sizeof(err)), 0);
	mq_spool_close(sp);
	snprintf(path, sizeof(path), "%s/0000000000000014.seg", dir);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	CHECK_INT(pwrite(fd, "X", 1, MQ_SEG_HDR + mq_rec_size(3, 5) + MQ_REC_HDR + 12), 1);
	close(fd);
	/* Leftovers of a killed run go; a broken header is set aside. */
	snprintf(path, sizeof(path), "%s/.tmp-0000000000000030.seg", dir);
	close(open(path, O_WRONLY | O_CREAT, 0600));
	snprintf(path, sizeof(path), "%s/0000000000000040.seg", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	CHECK_INT(write(fd, "FKMQSEG1 but then garbage, not a header", 39), 39);
	close(fd);
	sp = mq_spool_open(dir, &status, err, sizeof(err));
	CHECK(sp != NULL);
	CHECK_INT(files(".tmp-0000000000000030.seg"), 0);
	CHECK_INT(files(".bad"), 1);
	CHECK_INT(mq_spool_pending(sp), 3);
	CHECK_STR(next(sp, &seg), "20:first");
	CHECK_STR(next(sp, &seg), "error");
	CHECK(strstr(err, "/0000000000000014.seg: record 2 damaged; 2 records dropped") != NULL);
	/* 2 records, and the garbage segment counted as at least 1 message: never silent. */
	CHECK_INT(mq_spool_damaged(sp), 3);
	CHECK_STR(next(sp, &seg), "none");
	mq_spool_acked(sp, 20);
	CHECK_INT(mq_spool_pending(sp), 0);
	CHECK_INT(files(".seg"), 0);
	mq_spool_close(sp);

	/* New records do not join a segment holding a damaged one: they would be lost with it. */
	sp = mq_spool_open(dir, &status, err, sizeof(err));
	CHECK(sp != NULL);
	add(sp, 30, "one");
	add(sp, 31, "two");
	CHECK_INT(mq_spool_commit(sp, 0, &seg, err, sizeof(err)), 0);
	CHECK_INT(seg, 30);
	mq_spool_close(sp);
	snprintf(path, sizeof(path), "%s/000000000000001e.seg", dir);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	CHECK_INT(pwrite(fd, "X", 1, MQ_SEG_HDR + mq_rec_size(3, 3) + MQ_REC_HDR + 12), 1);
	close(fd);
	sp = mq_spool_open(dir, &status, err, sizeof(err));
	CHECK(sp != NULL);
	add(sp, 32, "three");
	CHECK_INT(mq_spool_commit(sp, 0, &seg, err, sizeof(err)), 0);
	CHECK_INT(seg, 32);
	CHECK_INT(files(".seg"), 2);
	CHECK_INT(mq_spool_pending(sp), 3);
	CHECK_STR(next(sp, &seg), "30:one");
	CHECK_STR(next(sp, &seg), "error");
	CHECK(strstr(err, "/000000000000001e.seg: record 2 damaged; 1 records dropped") != NULL);
	CHECK_STR(next(sp, &seg), "32:three");
	CHECK_STR(next(sp, &seg), "none");
	mq_spool_acked(sp, 30);
	mq_spool_acked(sp, 32);
	CHECK_INT(mq_spool_pending(sp), 0);
	CHECK_INT(files(".seg"), 0);
	mq_spool_close(sp);

	/* Not a directory we can use. */
	sp = mq_spool_open("/proc/version/x", &status, err, sizeof(err));
	CHECK(sp == NULL);
	CHECK_INT(status, FK_STATE);
	snprintf(path, sizeof(path), "rm -rf %.*s", (int)(strlen(dir) - 6), dir);
	CHECK_INT(system(path), 0);
	return check_done();
}
