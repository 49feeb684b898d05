#include <stdlib.h>

#include "check.h"
#include "mq/mq_rec.h"

int
main(void)
{
	unsigned char buf[256], hdr[MQ_SEG_HDR];
	struct mq_rec r = { 0x0102030405060708ULL, 2, 1, "heat/7", 6, "{\"a\":1}", 7 }, d;
	uint64_t first, last;
	uint32_t count;
	size_t n;

	/* The check value every CRC-32 implementation agrees on. */
	CHECK_INT(mq_crc32(0, "123456789", 9), 0xcbf43926);
	CHECK_INT(mq_crc32(mq_crc32(0, "1234", 4), "56789", 5), 0xcbf43926);

	n = mq_rec_encode(&r, buf);
	CHECK_INT(n, mq_rec_size(6, 7));
	CHECK_INT(mq_rec_decode(buf, n, &d), (long)n);
	CHECK(d.seq == r.seq);
	CHECK_INT(d.qos, 2);
	CHECK_INT(d.retain, 1);
	CHECK_INT(d.topic_len, 6);
	CHECK(memcmp(d.topic, "heat/7", 6) == 0);
	CHECK_INT(d.payload_len, 7);
	CHECK(memcmp(d.payload, "{\"a\":1}", 7) == 0);
	/* Every cut short is torn, never a record. */
	for (size_t k = 0; k < n; k++)
		CHECK_INT(mq_rec_decode(buf, k, &d), 0);
	/* Any flipped byte is caught. */
	int caught = 0;
	for (size_t k = 0; k < n; k++) {
		buf[k] ^= 0x40;
		caught += mq_rec_decode(buf, n, &d) != (long)n;
		buf[k] ^= 0x40;
	}
	CHECK_INT(caught, (long long)n);
	/* Empty payloads are records too. */
	r.payload_len = 0;
	n = mq_rec_encode(&r, buf);
	CHECK_INT(mq_rec_decode(buf, n, &d), (long)n);
	CHECK_INT(d.payload_len, 0);
	/* A length beyond reason is damage, not a long wait. */
	memset(buf, 0xff, 8);
	CHECK_INT(mq_rec_decode(buf, 8, &d), -1);

	mq_seg_header(hdr, 10, 20, 11);
	CHECK_INT(mq_seg_header_parse(hdr, sizeof(hdr), &first, &last, &count), 0);
	CHECK(first == 10 && last == 20 && count == 11);
	CHECK_INT(mq_seg_header_parse(hdr, sizeof(hdr) - 1, &first, &last, &count), -1);
	hdr[9] ^= 1;
	CHECK_INT(mq_seg_header_parse(hdr, sizeof(hdr), &first, &last, &count), -1);
	mq_seg_header(hdr, 20, 10, 1);
	CHECK_INT(mq_seg_header_parse(hdr, sizeof(hdr), &first, &last, &count), -1);
	return check_done();
}
