#!/usr/bin/env bats
# scripts/heat-plot: archive records -> a gnuplot chart; the file is checked, and for SVG the
# bars and points it draws, against what temsim(1) documents for its archive.

bats_require_minimum_version 1.5.0
load helpers

setup() { fk_setup; }
teardown() { fk_teardown; }

# svg_facts FILE: "W H bars equal-heights supply-points return-points supply-above"
# from gnuplot's SVG: bars are the filled polygons of the energy colour, points the
# <use> of the supply (pt 7) and return (pt 5) symbols; each also has one in the key.
svg_facts() {
	python3 - "$1" <<'PY'
import re, sys
svg = open(sys.argv[1], encoding="utf-8").read()
w, h = re.search(r'<svg\s+width="(\d+)" height="(\d+)"', svg).groups()
bars = [list(map(float, re.findall(r"[\d.]+", p)))
        for p in re.findall(r"<polygon fill = 'rgb\(148,   0, 211\)'[^>]*points = '([^']*)'", svg)]
heights = [round(b[1] - b[5], 1) for b in bars[1:]]       # the first is the key's
def pts(n):
    return [tuple(map(float, m)) for m in
            re.findall(r"<use xlink:href='#gpPt%d' transform='translate\(([\d.]+),([\d.]+)\)" % n, svg)]
sup, ret = pts(6), pts(4)
key_y = max((y for x, y in sup), default=None)
above = all(s[1] < r[1] for s, r in zip(sorted(sup), sorted(ret)) if s[1] != key_y)
print(w, h, len(bars) - 1, len(set(heights)) == 1, max(len(sup) - 1, 0), max(len(ret) - 1, 0), above)
PY
}

@test "make demo writes a chart of its archive and says where" {
	bin=$(dirname "$(command -v temread)")
	run --separate-stderr env FK_BIN="$bin" FK_DEMO_OUT="$FK_TMP/out" "$FK_TOP/scripts/demo"
	[ "$status" -eq 0 ]
	[[ "$output" == *"supply/return temperatures: $FK_TMP/out/demo-heat.svg"* ]]
	[ -s "$FK_TMP/out/demo-heat.svg" ]
	# The demo's meter 1 has 3 hourly records, a fourth after an hour: 4 points a line.
	# The second run delivers only the new record, so its bar comes from the rise of
	# energy_mwh; temsim's rate is constant, so every bar is as high (0.075 MWh).
	run svg_facts "$FK_TMP/out/demo-heat.svg"
	[ "$output" = '800 480 3 True 4 4 True' ]
}

@test "PNG and SVG of the size asked, a bar per period with a known delta" {
	fk_start_temsim --hours 24 --days 2 --months 1
	temarchive -d "$FK_TTY" > "$FK_TMP/arch"
	run --separate-stderr heat-plot -s 640x400 -o "$FK_TMP/c.png" < "$FK_TMP/arch"
	[ "$status" -eq 0 ]
	[ "$stderr" = "heat-plot: $FK_TMP/c.png: 24 hour records, system 1" ]
	run python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read()
print(d[:8] == b"\x89PNG\r\n\x1a\n", d[12:16].decode(), *struct.unpack(">II", d[16:24]), len(d) > 5000)' \
		"$FK_TMP/c.png"
	[ "$output" = 'True IHDR 640 400 True' ]
	run --separate-stderr heat-plot -o "$FK_TMP/c.svg" < "$FK_TMP/arch"
	[ "$status" -eq 0 ]
	# 24 records: 23 deltas (the first has no record before it), 24 points a line.
	run svg_facts "$FK_TMP/c.svg"
	[ "$output" = '800 480 23 True 24 24 True' ]
	# Daily: 2 records, 1 delta.
	run --separate-stderr heat-plot -k day -o "$FK_TMP/d.svg" < "$FK_TMP/arch"
	[ "$status" -eq 0 ]
	run svg_facts "$FK_TMP/d.svg"
	[ "$output" = '800 480 1 True 2 2 True' ]
}

@test "without deltas the rise of energy_mwh, but not across a missing period; duplicates once" {
	fk_start_temsim --hours 24 --days 1 --months 1
	temarchive -d "$FK_TTY" -k hour | jq -c 'del(.systems[].energy_delta_mwh)' > "$FK_TMP/arch"
	# Record 12 left out, record 5 twice.
	{ sed -n '1,11p;13,24p' "$FK_TMP/arch"; sed -n 5p "$FK_TMP/arch"; } > "$FK_TMP/gap"
	run --separate-stderr heat-plot -o "$FK_TMP/g.svg" < "$FK_TMP/gap"
	[ "$status" -eq 0 ]
	[ "$stderr" = "heat-plot: $FK_TMP/g.svg: 23 hour records, system 1" ]
	run svg_facts "$FK_TMP/g.svg"
	[ "$output" = '800 480 21 True 23 23 True' ]
}

@test "nothing to draw, several meters, bad options" {
	printf '%s\n' '{"kind":"hour"}' 'not json at all' > "$FK_TMP/none"
	run --separate-stderr heat-plot -o "$FK_TMP/x.svg" < "$FK_TMP/none"
	[ "$status" -eq 1 ]
	[[ "$stderr" == 'heat-plot: stdin: '* ]]
	[ ! -e "$FK_TMP/x.svg" ]
	fk_start_temsim -a 1 -a 2 --hours 3 --days 1 --months 1
	temarchive -d "$FK_TTY" -a 1 -a 2 -k hour > "$FK_TMP/two"
	run --separate-stderr heat-plot -o "$FK_TMP/x.svg" < "$FK_TMP/two"
	[ "$status" -eq 1 ]
	[ "$stderr" = 'heat-plot: stdin: records of several meters (1000001, 1000002): choose one with -m' ]
	run --separate-stderr heat-plot -m 1000002 -n 2 -o "$FK_TMP/x.svg" < "$FK_TMP/two"
	[ "$status" -eq 0 ]
	# System 2 (hot_water_dead_end) has no named temperatures: bars only.
	run svg_facts "$FK_TMP/x.svg"
	[ "$output" = '800 480 2 True 0 0 True' ]
	run --separate-stderr heat-plot -o x.pdf < /dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr heat-plot -k week -o x.svg < /dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr heat-plot -s 10x10 -o x.svg < /dev/null
	[ "$status" -eq 2 ]
}
