/* TEM-106 number formats: big-endian ("Motorola") integers and floats, BCD bytes. */
#ifndef TEM_BYTES_H
#define TEM_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint16_t tem_u16(const uint8_t *b) { return (uint16_t)(b[0] << 8 | b[1]); }
static inline uint32_t tem_u32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}
static inline float tem_f32(const uint8_t *b)
{
	uint32_t u = tem_u32(b);
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}
static inline void tem_put_u16(uint8_t *b, uint16_t v) { b[0] = v >> 8; b[1] = v & 0xFF; }
static inline void tem_put_u32(uint8_t *b, uint32_t v)
{
	b[0] = v >> 24; b[1] = (v >> 16) & 0xFF; b[2] = (v >> 8) & 0xFF; b[3] = v & 0xFF;
}
static inline void tem_put_f32(uint8_t *b, float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	tem_put_u32(b, u);
}
/* Two decimal digits; -1 when either nibble is not a digit. */
static inline int tem_bcd(uint8_t b) { return (b >> 4) > 9 || (b & 15) > 9 ? -1 : (b >> 4) * 10 + (b & 15); }
static inline uint8_t tem_to_bcd(int v) { return (uint8_t)((v / 10) << 4 | (v % 10)); }

#endif
