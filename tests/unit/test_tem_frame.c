#include "check.h"
#include "tem/tem_arch.h"
#include "tem/tem_bytes.h"
#include "tem/tem_frame.h"
#include "tem/tem_sys.h"

static void
test_cs(void)
{
	const uint8_t ident[] = { 0x55, 0x01, 0xFE, 0x00, 0x00, 0x00 };
	uint8_t f[TEM_MAXFRAME];
	char hex[3 * TEM_MAXFRAME + 1];

	CHECK_INT(tem_cs(ident, sizeof(ident)), 0xAB);	/* the source's own example */
	CHECK_INT(tem_req_ident(f, 1), 7);
	CHECK_STR(tem_hex(hex, f, 7), "55 01 FE 00 00 00 AB");
	CHECK_INT(tem_req_ram(f, 1, 0x0180, 0x40), 10);
	CHECK_STR(tem_hex(hex, f, 9), "55 01 FE 0F 01 03 01 80 40");
	CHECK_INT(f[9], tem_cs(f, 9));
	CHECK_INT(tem_req_flash(f, 1, 0x00000080, 0x40), 12);
	CHECK_STR(tem_hex(hex, f, 11), "55 01 FE 0F 03 05 40 00 00 00 80");
	CHECK_INT(tem_build(f, 0x55, 1, 0, 0, NULL, 65), 0);
}

static void
test_numbers(void)
{
	const uint8_t fl[] = { 0x4B, 0xA6, 0x87, 0x88 };
	const uint8_t lg[] = { 0x01, 0x4D, 0x0F, 0x11 };
	const uint8_t in[] = { 0x55, 0x43 };
	uint8_t b[4];

	CHECK_DBL(tem_f32(fl), 21827344.0, 0);	/* section 7's float example */
	CHECK_INT(tem_u32(lg), 21827345);
	CHECK_INT(tem_u16(in), 21827);
	tem_put_f32(b, 21827344.0f);
	CHECK(memcmp(b, fl, 4) == 0);
	CHECK_INT(tem_bcd(0x33), 33);
	CHECK_INT(tem_bcd(0x1A), -1);
	CHECK_INT(tem_to_bcd(59), 0x59);
}

static void
answer(uint8_t *out, size_t *n, uint8_t addr, uint8_t cmd, const uint8_t *d, size_t len)
{
	*n = tem_build(out, TEM_SIG_ANS, addr, TEM_CGRP_MEM, cmd, d, len);
}

static void
test_scan(void)
{
	uint8_t req[TEM_MAXFRAME], ans[TEM_MAXFRAME], buf[256];
	const uint8_t data[3] = { 0xAA, 0x55, 0x01 };
	size_t rl = tem_req_ram(req, 3, 0x200, 3), al, used, n;
	struct tem_expect e = { TEM_SIG_ANS, 3, TEM_CGRP_MEM, TEM_CMD_RAM, 3, req, rl };
	struct tem_scan_stats st = { 0 };
	struct tem_frame f;

	answer(ans, &al, 3, TEM_CMD_RAM, data, 3);
	/* noise, our echo, a corrupted copy, then the answer */
	n = 0;
	buf[n++] = 0x00; buf[n++] = 0xAA; buf[n++] = 0x13;
	memcpy(buf + n, req, rl); n += rl;
	memcpy(buf + n, ans, al); buf[n + al - 1] ^= 0xFF; n += al;
	memcpy(buf + n, ans, al); n += al;
	CHECK_INT(tem_scan(buf, n, &e, &f, &used, &st), TEM_SCAN_OK);
	CHECK_INT(used, n);
	CHECK_INT(f.len, 3);
	CHECK(memcmp(f.data, data, 3) == 0);
	CHECK_INT(st.echo, 1);
	CHECK_INT(st.bad_cs, 1);
	/* a partial answer asks for more and keeps its start */
	memset(&st, 0, sizeof(st));
	CHECK_INT(tem_scan(ans, al - 2, &e, &f, &used, &st), TEM_SCAN_NEED);
	CHECK_INT(used, 0);
	/* an answer from another meter or with another length is not ours */
	answer(buf, &n, 4, TEM_CMD_RAM, data, 3);
	CHECK_INT(tem_scan(buf, n, &e, &f, &used, &st), TEM_SCAN_NEED);
	CHECK_INT(st.mismatch, 1);
	answer(buf, &n, 3, TEM_CMD_RAM, data, 2);
	CHECK_INT(tem_scan(buf, n, &e, &f, &used, &st), TEM_SCAN_NEED);
	/* a bad !ADDR is rejected */
	answer(buf, &n, 3, TEM_CMD_RAM, data, 3);
	buf[2] ^= 1;
	buf[n - 1] = tem_cs(buf, n - 1);
	CHECK_INT(tem_scan(buf, n, &e, &f, &used, &st), TEM_SCAN_NEED);
}

static void
test_arch(void)
{
	struct tem_region r[3];

	CHECK_INT(tem_flash_layout(TEM_FLASH_512K, r), 0x80000);
	CHECK_INT(r[TEM_MONTH].start + r[TEM_MONTH].count * TEM_REC_SIZE, r[TEM_MONTH].end);
	CHECK_INT(r[TEM_DAY].start, 0x51000);
	CHECK_INT(tem_flash_layout(TEM_FLASH_1M, r), 0x100000);
	for (int k = 0; k < 3; k++)
		CHECK_INT(r[k].start + r[k].count * TEM_REC_SIZE, r[k].end);
	CHECK_INT(r[TEM_HOUR].count, 1728);
	CHECK_INT(tem_flash_layout(0x1234, r), 0);
	tem_flash_layout(TEM_FLASH_1M, r);
	CHECK_INT(tem_ring_next(&r[TEM_DAY], TEM_PTR_BASE + 0xA2000 + 2 * 384), 2);
	CHECK_INT(tem_ring_next(&r[TEM_DAY], TEM_PTR_BASE + 0xA2000 + 2 * 384 + 1), -1);
	CHECK_INT(tem_ring_next(&r[TEM_DAY], 0xA2000), -1);
	CHECK_INT(tem_ring_next(&r[TEM_DAY], TEM_PTR_BASE + 0xE7000), -1);
	CHECK_INT(tem_ring_addr(&r[TEM_DAY], -1), 0xE7000 - 384);
	CHECK_INT(tem_ring_addr(&r[TEM_DAY], 736), 0xA2000);
}

static void
test_sys(void)
{
	CHECK_STR(tem_sys_type_name(0x04), "two_pipe");
	CHECK(tem_sys_type_name(0x03) == NULL);
	CHECK_DBL(tem_kq(6), 100000, 0);
	CHECK_DBL(tem_kq(7), 1, 0);
	CHECK_DBL(tem_kv(5), 1000, 0);
	CHECK_DBL(tem_kv(6), 1, 0);
	CHECK_DBL(tem_integrator(12345, 0.5f, 1000), 12.3455, 1e-9);
}

int
main(void)
{
	test_sys();
	test_cs();
	test_numbers();
	test_scan();
	test_arch();
	return check_done();
}
