#!/usr/bin/env python3
"""An independent TEM-106 heat-meter emulator on a pty, and a checker of what readers print.

Written from the protocol document only: the maker's "TEM-106 (TESMART), TESMA-106 (TESMART)
exchange protocol description" (/work/shared/seeds/003_*.txt) and its digest
(/work/shared/spec/tem106.md).  It shares no code and no constants with fieldkit (not
tem_map.h, not temsim): every address below was typed from the document's tables, every
expected value is computed here by the document's rules (section 6.2 scaling, section 7
number formats).  Where the document is silent, the choice fieldkit documents in its man pages
is expected and marked "documented choice" below (total-energy scale, record checksum).

  tem106meter.py [options] --link PATH [--expect FILE]   be a meter on a pty
  tem106meter.py --check read|archive EXPECT [--last N] [--kind K]... < jsonl
                                                        compare a reader's output

Line faults, as lines behind RS-485 adapters and gateways behave:
  --turnaround MS   the answer starts MS after the request's last byte crossed the line
  --jitter MS       and up to MS more, at random (seeded), request by request
  --echo            the adapter echoes the request, byte by byte as it crosses the line
  --gateway         answer every request heard, in order, however late (buffering gateway);
                    without it a request heard while an answer is pending is ignored (busy)
  --glitch HEX      one byte of line noise before every answer
  --drop N          ignore every Nth request
  --dup             send every answer twice (the copy --dup-gap MS after the first)
  --baud B          pacing of every byte sent and heard (default 9600: 1.04 ms a byte)
"""

import argparse
import datetime as dt
import json
import os
import random
import select
import struct
import sys
import time
import tty

# ---- memory map, typed from section 5.1 (timer RAM) and 5.2 (flash record) ----------------
RAM_SIZE = 0x800                    # "2K" timer memory
A_SYSTEMS, A_SYSTEM_T, A_SYS_G, A_SYS_T, A_SYS_P = 0x0000, 0x0001, 0x0007, 0x000D, 0x0013
A_USED_G, A_USED_T, A_USED_P = 0x0019, 0x001A, 0x001B
A_T_P, A_DT_MIN, A_P_P, A_WEIGHT, A_GMAX78, A_FMAX, A_GMAX = 0x24, 0x44, 0x74, 0xD0, 0xF0, 0x104, 0x134
A_GPCT_MAX, A_NUMBER, A_FLASH_TYPE, A_NET_NUM = 0x014C, 0x0152, 0x0168, 0x0172
A_T_N, A_P_N, A_GV78, A_RASHOD_V, A_RASHOD_M, A_FREQ = 0x0200, 0x0234, 0x0280, 0x0288, 0x02A0, 0x02D0
A_DIAM, A_COMMA = 0x02EE, 0x02FA   # diam78 is listed at 0x02FA too: a misprint (see man page)
A_LVOLUME, A_VOLUME, A_LMASS, A_MASS, A_LENERGY, A_ENERGY = 0x300, 0x318, 0x330, 0x348, 0x360, 0x378
A_LENERGYALL, A_ENERGYALL, A_TIME_WRKALL, A_TIME_WRK = 0x0390, 0x0394, 0x0400, 0x0404
A_TIME_E = (0x041C, 0x0434, 0x044C, 0x0464)
A_RTC, A_RSHM, A_GPCT_MIN, A_LVOL78, A_VOL78 = 0x0482, 0x0488, 0x04BE, 0x04DC, 0x04E4
A_ADR_HOUR, A_ADR_DAY, A_ADR_MONTH = 0x04F4, 0x04F8, 0x04FC
ADR_BIAS = 0x200000                 # note 3: flash address = adr_* - 200000h

REC = 384
R_WRITTEN, R_LVOLUME, R_VOLUME, R_LMASS, R_MASS, R_LENERGY, R_ENERGY = 0, 4, 0x1C, 0x34, 0x4C, 0x64, 0x7C
R_LENERGYALL, R_ENERGYALL, R_TIME_WRKALL, R_TIME_WRK = 0x94, 0x98, 0x9C, 0xA0
R_TIME_E = (0xB8, 0xD0, 0xE8, 0x100)
R_COMMA, R_MT, R_MP, R_VDOP_L, R_VDOP_H, R_ERROR, R_PRED, R_CS = 0x118, 0x11E, 0x13A, 0x152, 0x15A, 0x16A, 0x175, 0x17F

# (first address, slots) per kind, section 5.2 tables
LAYOUT = {
    1024: {"hour": (0x00000, 1728), "day": (0xA2000, 736), "month": (0xE7000, 256)},
    512: {"hour": (0x00000, 864), "day": (0x51000, 368), "month": (0x73800, 128)},
}
FLASH_CODE = {512: 0x1F24, 1024: 0x1F25}
TYPE_NAME = {0: "supply", 1: "return", 2: "supply_flowmeter", 4: "two_pipe", 5: "flowmeter",
             6: "main_line", 7: "hot_water_circulation", 8: "hot_water_dead_end", 9: "temperature"}
ERR_NAME = ["g1_low", "g2_low", "g1_high", "g2_high", "dt_low", "t_fault", "p_fault", "power_off"]


def k_q(comma):                     # 6.2.2
    return {6: 100000, 5: 10000, 4: 1000, 3: 100, 2: 10}.get(comma, 1)


def k_v(comma):                     # 6.2.3
    return {5: 1000, 4: 100, 3: 10}.get(comma, 1)


def f32(x):
    return struct.pack(">f", x)     # section 7: big-endian ("Motorola") IEEE single


def u32(x):
    return struct.pack(">I", x)


def u16(x):
    return struct.pack(">H", x)


def bcd(n):
    return ((n // 10) << 4) | (n % 10)


def bits(mask):
    return [i + 1 for i in range(8) if mask >> i & 1]


def fmt_t(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S")


# ---- the meter's own table of values -------------------------------------------------------
# Integer part + float fraction chosen so that the fraction shows in the scaled result and
# every float is exact in IEEE single; each system has another comma so kQ/kV are exercised.
SYSTEMS = [
    # type, sys_g, sys_t, sys_p, comma, (energy, lenergy), (mass, lmass), (volume, lvolume)
    dict(type=0x04, g=0x03, t=0x03, p=0x03, comma=5, energy=(12353399, 0.5),
         mass=(4567891, 0.25), volume=(4600012, 0.75)),
    dict(type=0x00, g=0x04, t=0x0C, p=0x04, comma=3, energy=(98765, 0.5),
         mass=(123456, 0.5), volume=(77777, 0.25)),
    dict(type=0x09, g=0x00, t=0x10, p=0x00, comma=0, energy=(42, 0.125),
         mass=(7, 0.5), volume=(9, 0.0)),
]
T_N = [71.25, 45.5, 60.75, 38.0, 21.5, 5.25, 0.0]
P_N = [0.625, 0.5, 0.375, 0.25, 0.125, 0.75, 0.875]
RASHOD_V = [12.5, 12.25, 3.75, 0.0, 0.0, 0.0]
RASHOD_M = [12.25, 12.0, 3.5, 0.0, 0.0, 0.0]
ENERGYALL = (12452206, 0.5)
TIME_WRKALL = 98765432
TIME_WRK = [91000001, 91000002, 91000003, 0, 0, 0]
TIME_E = [[101, 102, 103, 0, 0, 0], [201, 202, 203, 0, 0, 0],
          [301, 302, 303, 0, 0, 0], [401, 402, 403, 0, 0, 0]]
SERIAL = 1060042
CLOCK = dt.datetime(2026, 3, 2, 14, 15, 33)
MODEL = bytes([0xD2, 0xC5, 0xCC, 0xD1]) + b"106"    # 'ТЕМС106' in CP1251 (ambiguity 4)
N_REC = {"hour": 30, "day": 5, "month": 3}


class Meter:
    def __init__(self, addr, flash_kib, seed):
        self.addr, self.flash_kib = addr, flash_kib
        rnd = random.Random(seed)
        # gaps hold noise, not zeros, so a misplaced read cannot pass by luck
        self.ram = bytearray(rnd.getrandbits(8) for _ in range(RAM_SIZE))
        self.flash = bytearray(b"\xff" * (flash_kib * 1024))     # erased flash reads FF
        self.records = {}
        self._build_ram(rnd)
        self._build_archive(rnd)

    def put(self, buf, at, data):
        buf[at:at + len(data)] = data

    def _build_ram(self, rnd):
        r = self.ram
        n = len(SYSTEMS)
        r[A_SYSTEMS] = n
        for i in range(6):
            s = SYSTEMS[i] if i < n else None
            r[A_SYSTEM_T + i] = s["type"] if s else 0
            r[A_SYS_G + i] = s["g"] if s else 0
            r[A_SYS_T + i] = s["t"] if s else 0
            r[A_SYS_P + i] = s["p"] if s else 0
            r[A_COMMA + i] = s["comma"] if s else 0
            self.put(r, A_DIAM + 2 * i, u16([50, 50, 32, 25, 25, 20][i]))
            for a, fld in ((A_LENERGY, "energy"), (A_LMASS, "mass"), (A_LVOLUME, "volume")):
                self.put(r, a + 4 * i, f32(s[fld][1] if s else 0.0))
            for a, fld in ((A_ENERGY, "energy"), (A_MASS, "mass"), (A_VOLUME, "volume")):
                self.put(r, a + 4 * i, u32(s[fld][0] if s else 0))
            self.put(r, A_TIME_WRK + 4 * i, u32(TIME_WRK[i]))
            for k in range(4):
                self.put(r, A_TIME_E[k] + 4 * i, u32(TIME_E[k][i]))
            self.put(r, A_RASHOD_V + 4 * i, f32(RASHOD_V[i]))
            self.put(r, A_RASHOD_M + 4 * i, f32(RASHOD_M[i]))
            self.put(r, A_GMAX + 4 * i, f32(60.0))
            r[A_GPCT_MAX + i] = 100
            r[A_GPCT_MIN + i] = 8
        r[A_USED_G], r[A_USED_T], r[A_USED_P] = 0x07, 0x1F, 0x07
        for i in range(7):
            self.put(r, A_T_N + 4 * i, f32(T_N[i]))
            self.put(r, A_P_N + 4 * i, f32(P_N[i]))
        self.put(r, A_GV78, f32(0.0) + f32(0.0))
        self.put(r, A_NUMBER, u32(SERIAL))
        self.put(r, A_FLASH_TYPE, u16(FLASH_CODE[self.flash_kib]))
        r[A_NET_NUM] = self.addr
        self.put(r, A_LENERGYALL, f32(ENERGYALL[1]))
        self.put(r, A_ENERGYALL, u32(ENERGYALL[0]))
        self.put(r, A_TIME_WRKALL, u32(TIME_WRKALL))
        c = CLOCK
        self.put(r, A_RTC, bytes(bcd(x) for x in (c.second, c.minute, c.hour, c.day, c.month,
                                                  c.year % 100)))

    def _build_archive(self, rnd):
        for kind in ("hour", "day", "month"):
            base, slots = LAYOUT[self.flash_kib][kind]
            n = N_REC[kind]
            for i in range(n):
                age = n - i                              # 1 = the newest
                if kind == "hour":
                    written = CLOCK.replace(minute=0, second=0) - dt.timedelta(hours=age - 1)
                    period = written - dt.timedelta(hours=1)
                elif kind == "day":
                    written = CLOCK.replace(hour=0, minute=0, second=0) - dt.timedelta(days=age - 1)
                    period = written - dt.timedelta(days=1)
                else:
                    y, m = CLOCK.year, CLOCK.month - (age - 1)
                    while m < 1:
                        m, y = m + 12, y - 1
                    written = dt.datetime(y, m, 1)
                    pm, py = (m - 1, y) if m > 1 else (12, y - 1)
                    period = dt.datetime(py, pm, 1)
                rec = self._record(rnd, kind, i, age, written, period)
                self.put(self.flash, base + i * REC, rec["bytes"])
                self.records.setdefault(kind, []).append(rec["expect"])
            ptr = ADR_BIAS + base + n * REC
            self.put(self.ram, {"hour": A_ADR_HOUR, "day": A_ADR_DAY, "month": A_ADR_MONTH}[kind],
                     u32(ptr))

    def _record(self, rnd, kind, i, age, written, period):
        b = bytearray(rnd.getrandbits(8) for _ in range(REC))
        step = {"hour": 1, "day": 24, "month": 720}[kind] * age
        b[0:4] = bytes(bcd(x) for x in (written.hour, written.day, written.month, written.year % 100))
        b[R_PRED:R_PRED + 4] = bytes(bcd(x) for x in (period.hour, period.day, period.month,
                                                      period.year % 100))
        fr = [0.0, 0.25, 0.5, 0.75]
        systems = []
        for s in range(6):
            sd = SYSTEMS[s] if s < len(SYSTEMS) else None
            comma = sd["comma"] if sd else 0
            b[R_COMMA + s] = comma
            vals = {}
            for fld, rl, rh, dec in (("energy", R_LENERGY, R_ENERGY, 37), ("mass", R_LMASS, R_MASS, 53),
                                     ("volume", R_LVOLUME, R_VOLUME, 59)):
                whole = max(0, sd[fld][0] - dec * step - s) if sd else 0
                frac = fr[(i + s + len(fld)) % 4] if sd else 0.0
                self.put(b, rl + 4 * s, f32(frac))
                self.put(b, rh + 4 * s, u32(whole))
                vals[fld] = (whole + frac) / (k_q(comma) if fld == "energy" else k_v(comma))
            tw = max(0, TIME_WRK[s] - 3600 * step) if sd else 0
            self.put(b, R_TIME_WRK + 4 * s, u32(tw))
            te = [TIME_E[k][s] + (i if sd else 0) for k in range(4)]
            for k in range(4):
                self.put(b, R_TIME_E[k] + 4 * s, u32(te[k]))
            err = (0x11 * (i + 1) + s) & 0xFF if sd else 0
            if kind == "hour" and i % 3 == 0:
                err = 0
            b[R_ERROR + s] = err
            if sd:
                tch, pch = bits(sd["t"]), bits(sd["p"])
                systems.append(dict(n=s + 1, type=TYPE_NAME[sd["type"]], comma=comma,
                                    energy_mwh=vals["energy"], mass_t=vals["mass"],
                                    volume_m3=vals["volume"], t_ch=tch, p_ch=pch,
                                    t_c=[T_N[c - 1] - 0.25 * age for c in tch],
                                    p_mpa=[P_N[c - 1] for c in pch],
                                    time_ok_s=tw, time_flow_low_s=te[0], time_flow_high_s=te[1],
                                    time_dt_low_s=te[2], time_fault_s=te[3],
                                    errors=[ERR_NAME[k] for k in range(8) if err >> k & 1]))
        for c in range(7):
            self.put(b, R_MT + 4 * c, f32(T_N[c] - 0.25 * age))
        for c in range(6):
            self.put(b, R_MP + 4 * c, f32(P_N[c]))
        self.put(b, R_VDOP_L, f32(0.5) + f32(0.25))
        self.put(b, R_VDOP_H, f32(100.0 + age) + f32(200.0))
        ea = max(0, ENERGYALL[0] - 97 * step)
        self.put(b, R_LENERGYALL, f32(0.25))
        self.put(b, R_ENERGYALL, u32(ea))
        twa = TIME_WRKALL - 3600 * step
        self.put(b, R_TIME_WRKALL, u32(twa))
        # documented choice (the source gives no algorithm): the frame scheme over 0..17E
        b[R_CS] = ~sum(b[:R_CS]) & 0xFF
        pid = period.strftime("%Y-%m-%dT%H:%M")
        expect = dict(id="%d-%s-%s" % (SERIAL, kind, pid), serial=SERIAL, address=self.addr,
                      kind=kind, period=fmt_t(period), written=fmt_t(written), checksum="ok",
                      # documented choice: the total is scaled with system 1's comma
                      energy_total_mwh=(ea + 0.25) / k_q(SYSTEMS[0]["comma"]),
                      time_on_s=twa, systems=systems,
                      volume_extra_m3=[100.0 + age + 0.5, 200.0 + 0.25])
        return {"bytes": bytes(b), "expect": expect}

    def expect_read(self):
        systems = []
        for i, s in enumerate(SYSTEMS):
            c = s["comma"]
            gch = bits(s["g"])
            systems.append(dict(
                n=i + 1, type=TYPE_NAME[s["type"]], type_code=s["type"], comma=c,
                energy_mwh=(s["energy"][0] + s["energy"][1]) / k_q(c),
                mass_t=(s["mass"][0] + s["mass"][1]) / k_v(c),
                volume_m3=(s["volume"][0] + s["volume"][1]) / k_v(c),
                t_ch=bits(s["t"]), t_c=[T_N[ch - 1] for ch in bits(s["t"])],
                p_ch=bits(s["p"]), p_mpa=[P_N[ch - 1] for ch in bits(s["p"])],
                flow_ch=gch, flow_m3h=[RASHOD_V[ch - 1] for ch in gch],
                flow_th=[RASHOD_M[ch - 1] for ch in gch],
                time_ok_s=TIME_WRK[i], time_flow_low_s=TIME_E[0][i], time_flow_high_s=TIME_E[1][i],
                time_dt_low_s=TIME_E[2][i], time_fault_s=TIME_E[3][i]))
        return dict(address=self.addr, model="ТЕМС106", serial=SERIAL,
                    meter_clock=fmt_t(CLOCK), flash_kib=self.flash_kib,
                    systems_count=len(SYSTEMS),
                    # documented choice: the total is scaled with system 1's comma
                    energy_total_mwh=(ENERGYALL[0] + ENERGYALL[1]) / k_q(SYSTEMS[0]["comma"]),
                    time_on_s=TIME_WRKALL, systems=systems)

    # ---- commands, sections 3 and 4 ----
    def answer(self, cgrp, cmd, data):
        if (cgrp, cmd) == (0x00, 0x00) and len(data) == 0:
            return frame(0xAA, self.addr, 0x00, 0x00, MODEL)
        if (cgrp, cmd) == (0x0F, 0x01) and len(data) == 3:
            a, n = data[0] << 8 | data[1], data[2]
            if 1 <= n <= 64 and a + n <= RAM_SIZE:
                return frame(0xAA, self.addr, 0x0F, 0x01, self.ram[a:a + n])
        if (cgrp, cmd) == (0x0F, 0x03) and len(data) == 5:
            n, a = data[0], struct.unpack(">I", bytes(data[1:5]))[0]
            if 1 <= n <= 64 and a + n <= len(self.flash):
                return frame(0xAA, self.addr, 0x0F, 0x03, self.flash[a:a + n])
        return None                                 # the document names no error answer


def frame(sig, addr, cgrp, cmd, data):
    b = bytes([sig, addr, ~addr & 0xFF, cgrp, cmd, len(data)]) + bytes(data)
    return b + bytes([~sum(b) & 0xFF])


# ---- the line ------------------------------------------------------------------------------
class Line:
    def __init__(self, fd, meter, a):
        self.fd, self.m, self.a = fd, meter, a
        self.byte_s = 10.0 / a.baud                 # start + 8 data + stop bits
        self.rx = []                                # (arrival time, byte) of the frame so far
        self.rx_free = 0.0                          # when the line is free for the next byte heard
        self.tx = []                                # (due time, bytes) not yet on the line
        self.tx_free = 0.0
        self.busy_until = 0.0                       # plain meter: answering, deaf to requests
        self.pending = []                           # requests heard, answers not yet due
        self.heard = 0
        self.jitter = random.Random(a.seed)
        self.log = open(a.log, "a") if a.log else None

    def note(self, *w):
        if self.log:
            self.log.write("%.3f %s\n" % (time.monotonic(), " ".join(str(x) for x in w)))
            self.log.flush()

    def send_at(self, due, data):
        self.tx.append((due, bytes(data)))
        self.tx.sort(key=lambda x: x[0])

    def heard_bytes(self, data, now):
        for byte in data:
            # a byte is on our side once it has crossed the line at the baud
            t = max(now, self.rx_free) + self.byte_s
            self.rx_free = t
            if self.a.echo:
                self.send_at(t, bytes([byte]))
            if self.rx and t - self.rx[-1][0] > 0.5:   # 0.5 s between bytes: a new frame
                self.rx = []
            self.rx.append((t, byte))
            self.parse()

    def parse(self):
        while self.rx:
            b = [x[1] for x in self.rx]
            if b[0] != 0x55:
                self.rx.pop(0)
                continue
            if len(b) < 6:
                return
            if b[2] != (~b[1] & 0xFF) or b[5] > 64:
                self.rx.pop(0)
                continue
            n = 7 + b[5]
            if len(b) < n:
                return
            if (~sum(b[:n - 1]) & 0xFF) != b[n - 1]:
                self.rx.pop(0)
                continue
            end = self.rx[n - 1][0]
            del self.rx[:n]
            self.request(b[:n], end)

    def request(self, req, end):
        if req[1] != self.m.addr:
            self.note("other-meter", bytes(req).hex())
            return
        self.heard += 1
        if self.a.drop and self.heard % self.a.drop == 0:
            self.note("drop", bytes(req).hex())
            return
        ans = self.m.answer(req[3], req[4], req[6:-1])
        if ans is None:
            self.note("no-answer", bytes(req).hex())
            return
        due = end + (self.a.turnaround + self.jitter.uniform(0, self.a.jitter)) / 1000.0
        if not self.a.gateway:
            if end < self.busy_until:
                self.note("busy", bytes(req).hex())
                return
        glitch = bytes([self.a.glitch]) if self.a.glitch is not None else b""
        start = max(due, self.tx_free_after(due))
        self.busy_until = start + (len(glitch) + len(ans)) * self.byte_s
        self.note("answer", bytes(req).hex(), "due", "%.3f" % due)
        self.pending.append((start, glitch + ans))
        if self.a.dup:
            self.pending.append((self.busy_until + self.a.dup_gap / 1000.0, ans))
            self.busy_until += self.a.dup_gap / 1000.0 + len(ans) * self.byte_s

    def tx_free_after(self, t):
        # a gateway answers in turn: never before the previous answer has left
        last = 0.0
        for s, d in self.pending:
            last = max(last, s + len(d) * self.byte_s)
        return max(t, last)

    def flush_due(self, now):
        for s, d in list(self.pending):
            if s <= now:
                self.pending.remove((s, d))
                self.send_at(s, d)
        while self.tx and self.tx[0][0] <= now:
            due, data = self.tx.pop(0)
            # paced: one byte each byte-time, never faster than the line
            t = max(due, self.tx_free)
            for i, byte in enumerate(data):
                wait = t + i * self.byte_s - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                try:
                    os.write(self.fd, bytes([byte]))
                except OSError:
                    pass
            self.tx_free = t + len(data) * self.byte_s

    def next_due(self):
        cand = [s for s, _ in self.pending] + [d for d, _ in self.tx[:1]]
        return min(cand) if cand else None

    def run(self):
        while True:
            now = time.monotonic()
            self.flush_due(now)
            nd = self.next_due()
            timeout = None if nd is None else max(0.0, nd - time.monotonic())
            r, _, _ = select.select([self.fd], [], [], timeout)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                if data:
                    self.heard_bytes(data, time.monotonic())
                else:
                    time.sleep(0.01)        # slave not open right now


def serve(a):
    meter = Meter(a.addr, a.flash, a.seed)
    if a.expect:
        with open(a.expect, "w") as f:
            json.dump({"read": meter.expect_read(), "archive": meter.records}, f)
    master, slave = os.openpty()
    tty.setraw(slave)
    path = os.ttyname(slave)
    if a.link:
        tmp = a.link + ".tmp"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(path, tmp)
        os.rename(tmp, a.link)
    print(path, flush=True)
    # the slave stays open here too, so a reader closing it never hangs the master up
    Line(master, meter, a).run()


# ---- checking what a reader printed ----------------------------------------------------------
def same(exp, got, path, diffs):
    if isinstance(exp, dict):
        if not isinstance(got, dict):
            diffs.append("%s: expected an object, got %r" % (path, got))
            return
        for k, v in exp.items():
            if k not in got:
                diffs.append("%s.%s: missing" % (path, k))
            else:
                same(v, got[k], "%s.%s" % (path, k), diffs)
    elif isinstance(exp, list):
        if not isinstance(got, list) or len(got) != len(exp):
            diffs.append("%s: expected %r, got %r" % (path, exp, got))
            return
        for i, (e, g) in enumerate(zip(exp, got)):
            same(e, g, "%s[%d]" % (path, i), diffs)
    elif isinstance(exp, float) and not isinstance(got, bool) and isinstance(got, (int, float)):
        # every table value is exact at the decimals a reader prints; 1e-6 tells any slip
        if abs(exp - got) > 1e-6:
            diffs.append("%s: expected %r, got %r" % (path, exp, got))
    elif exp != got:
        diffs.append("%s: expected %r, got %r" % (path, exp, got))


def check(a):
    with open(a.check[1]) as f:
        ref = json.load(f)
    lines = [json.loads(x) for x in sys.stdin.read().splitlines() if x.strip()]
    good = [x for x in lines if "error" not in x]
    diffs = []
    if a.check[0] == "read":
        want = [ref["read"]]
    else:
        kinds = a.kind or ["hour", "day", "month"]
        want = []
        for k in ("hour", "day", "month"):
            if k in kinds:
                recs = ref["archive"][k]
                want += recs[-a.last:] if a.last else recs
    if a.prefix:
        # a failed run: what it printed before failing must be the start of what is due
        want = want[:len(good)]
    if len(good) != len(want):
        diffs.append("%d records printed, %d expected" % (len(good), len(want)))
    for i, (e, g) in enumerate(zip(want, good)):
        same(e, g, "line%d" % (i + 1), diffs)
    for d in diffs[:20]:
        print("tem106meter: " + d, file=sys.stderr)
    return 1 if diffs else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--link")
    p.add_argument("--expect")
    p.add_argument("--addr", type=int, default=1)
    p.add_argument("--flash", type=int, choices=(512, 1024), default=1024)
    p.add_argument("--seed", type=int, default=106)
    p.add_argument("--baud", type=int, default=9600)
    p.add_argument("--turnaround", type=float, default=0.0)
    p.add_argument("--jitter", type=float, default=0.0)
    p.add_argument("--echo", action="store_true")
    p.add_argument("--gateway", action="store_true")
    p.add_argument("--glitch", type=lambda s: int(s, 16))
    p.add_argument("--drop", type=int, default=0)
    p.add_argument("--dup", action="store_true")
    p.add_argument("--dup-gap", type=float, default=0.0)
    p.add_argument("--log")
    p.add_argument("--check", nargs=2, metavar=("read|archive", "EXPECT"))
    p.add_argument("--last", type=int, default=0)
    p.add_argument("--kind", action="append")
    p.add_argument("--prefix", action="store_true")
    a = p.parse_args()
    if a.check:
        return check(a)
    serve(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
