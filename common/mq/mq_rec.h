/*
 * Spool segment bytes: a checked header, then records each carrying its
 * length and CRC-32, so a damaged or torn file is noticed, never trusted.
 */
#ifndef MQ_REC_H
#define MQ_REC_H

#include <stddef.h>
#include <stdint.h>

#define MQ_SEG_MAGIC "FKMQSEG1"
#define MQ_SEG_HDR 32		/* magic, first seq, last seq, count, CRC */
#define MQ_REC_HDR 8		/* body length, body CRC */
#define MQ_REC_FIXED 12		/* seq, qos, retain, topic length */
#define MQ_REC_MAX (MQ_REC_FIXED + 65535 + (16u << 20))

struct mq_rec {
	uint64_t seq;		/* position in the stream, across runs */
	int qos, retain;
	const char *topic;
	size_t topic_len;
	const void *payload;
	size_t payload_len;
};

/* CRC-32 (IEEE 802.3, as zlib), continued from crc (0 to start). */
uint32_t mq_crc32(uint32_t crc, const void *buf, size_t n);

/* Bytes a record takes in a segment. */
size_t mq_rec_size(size_t topic_len, size_t payload_len);

/* Encode r at out (mq_rec_size bytes); returns the bytes written. */
size_t mq_rec_encode(const struct mq_rec *r, unsigned char *out);

/*
 * Decode the record at p (n bytes left).  Returns its size with r pointing
 * into p, 0 when the bytes end inside it (torn), -1 when it is damaged.
 */
long mq_rec_decode(const unsigned char *p, size_t n, struct mq_rec *r);

void mq_seg_header(unsigned char out[MQ_SEG_HDR], uint64_t first, uint64_t last,
    uint32_t count);
/* 0 with the fields set, -1 if p is not an intact header. */
int mq_seg_header_parse(const unsigned char *p, size_t n, uint64_t *first,
    uint64_t *last, uint32_t *count);

#endif
