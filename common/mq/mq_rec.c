#include <string.h>

#include "mq_rec.h"

static uint32_t crc_table[256];

static void
crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t
mq_crc32(uint32_t crc, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	if (crc_table[1] == 0)
		crc_init();
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Little-endian on disk whatever the host, so a spool can move between machines. */
static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

size_t
mq_rec_size(size_t topic_len, size_t payload_len)
{
	return MQ_REC_HDR + MQ_REC_FIXED + topic_len + payload_len;
}

size_t
mq_rec_encode(const struct mq_rec *r, unsigned char *out)
{
	unsigned char *b = out + MQ_REC_HDR;
	size_t body = MQ_REC_FIXED + r->topic_len + r->payload_len;

	put64(b, r->seq);
	b[8] = (unsigned char)r->qos;
	b[9] = (unsigned char)(r->retain != 0);
	b[10] = (unsigned char)(r->topic_len & 0xff);
	b[11] = (unsigned char)(r->topic_len >> 8);
	memcpy(b + MQ_REC_FIXED, r->topic, r->topic_len);
	if (r->payload_len)
		memcpy(b + MQ_REC_FIXED + r->topic_len, r->payload, r->payload_len);
	put32(out, (uint32_t)body);
	put32(out + 4, mq_crc32(0, b, body));
	return MQ_REC_HDR + body;
}

long
mq_rec_decode(const unsigned char *p, size_t n, struct mq_rec *r)
{
	uint32_t body;
	const unsigned char *b = p + MQ_REC_HDR;

	if (n < MQ_REC_HDR)
		return 0;
	body = get32(p);
	if (body < MQ_REC_FIXED || body > MQ_REC_MAX)
		return -1;
	if (n - MQ_REC_HDR < body)
		return 0;
	if (mq_crc32(0, b, body) != get32(p + 4))
		return -1;
	r->seq = get64(b);
	r->qos = b[8];
	r->retain = b[9];
	r->topic_len = (size_t)b[10] | (size_t)b[11] << 8;
	if (r->qos > 2 || r->retain > 1 || r->topic_len == 0 ||
	    MQ_REC_FIXED + r->topic_len > body)
		return -1;
	r->topic = (const char *)b + MQ_REC_FIXED;
	r->payload = b + MQ_REC_FIXED + r->topic_len;
	r->payload_len = body - MQ_REC_FIXED - r->topic_len;
	return (long)(MQ_REC_HDR + body);
}

void
mq_seg_header(unsigned char out[MQ_SEG_HDR], uint64_t first, uint64_t last,
    uint32_t count)
{
	memcpy(out, MQ_SEG_MAGIC, 8);
	put64(out + 8, first);
	put64(out + 16, last);
	put32(out + 24, count);
	put32(out + 28, mq_crc32(0, out, 28));
}

int
mq_seg_header_parse(const unsigned char *p, size_t n, uint64_t *first,
    uint64_t *last, uint32_t *count)
{
	if (n < MQ_SEG_HDR || memcmp(p, MQ_SEG_MAGIC, 8) != 0 ||
	    mq_crc32(0, p, 28) != get32(p + 28))
		return -1;
	*first = get64(p + 8);
	*last = get64(p + 16);
	*count = get32(p + 24);
	return *last < *first ? -1 : 0;
}
