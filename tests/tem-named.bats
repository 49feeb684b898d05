#!/usr/bin/env bats
# temread and temarchive against temsim: named values, meter names, UTC offsets and
# per-period deltas, expected values worked out from temsim(1) VALUES, not from the decoder.

bats_require_minimum_version 1.5.0
load helpers

setup() { fk_setup; }
teardown() { fk_teardown; }

# temsim(1): system 1 two_pipe, channels 1 and 2: t_n 70.5, 45.25; rashod_v 2.25, 2;
# rashod_m 2.125, 1.875.  System 2 hot_water_dead_end: no roles, no names.
@test "temread: named values beside the arrays, the meter's name, its clock with its offset" {
	fk_start_temsim -a 1 -a 2
	run --separate-stderr temread -d "$FK_TTY" -a 1=boiler-room -a '2=Котельная 2' \
		--tz Europe/Moscow
	[ "$status" -eq 0 ]
	[ "$(jq -c '.name' <<< "${lines[0]}")" = '"boiler-room"' ]
	[ "$(jq -c '.name' <<< "${lines[1]}")" = '"Котельная 2"' ]
	[ "$(jq -c '.systems[0] | [.t_supply_c, .t_return_c, .dt_c, .flow_supply_m3h,
		.flow_return_m3h, .flow_supply_th, .flow_return_th]' <<< "${lines[0]}")" = \
		'[70.5,45.25,25.25,2.25,2,2.125,1.875]' ]
	[ "$(jq -c '.systems[1] | keys | map(select(test("supply|return|dt_c"))) | length' \
		<<< "${lines[0]}")" = 0 ]
	# The default clock 2026-03-02 14:15:33; Moscow is UTC+3 all year.
	[ "$(jq -r .meter_clock <<< "${lines[0]}")" = 2026-03-02T14:15:33+03:00 ]
	# Without --tz and -a names: as before.
	run --separate-stderr temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.meter_clock + " " + (has("name") | tostring)' <<< "$output")" = \
		'2026-03-02T14:15:33 false' ]
}

@test "temread, temarchive: bad names and zones are usage errors" {
	run --separate-stderr temread -d /dev/null -a 1=
	[ "$status" -eq 2 ]
	[ "$stderr" = 'temread: -a: 1=: a name is 1..64 bytes of UTF-8 text' ]
	run --separate-stderr temread -d /dev/null -a "1=$(printf 'a\tb')"
	[ "$status" -eq 2 ]
	run --separate-stderr temarchive -d /dev/null --tz Nowhere/Atall
	[ "$status" -eq 2 ]
	[ "$stderr" = 'temarchive: --tz: Nowhere/Atall: not a time zone this system knows' ]
	run --separate-stderr temsim -a 1=x
	[ "$status" -eq 2 ]
}

# An integrator grows by rate x minutes / k (temsim(1)): per hour, system 1 energy
# 1.25 x 60 / 1000, mass 3.625 x 60 / 100, volume 3.75 x 60 / 100; system 2 (comma 3)
# 0.125 x 60 / 100, / 10, / 10.
delta() { awk -v r="$1" -v m="$2" -v k="$3" 'BEGIN { printf "%.10g", r * m / k }'; }

@test "temarchive: deltas from the previous period, named temperatures, name, offsets" {
	fk_start_temsim --hours 3 --days 2 --months 2
	run --separate-stderr temarchive -d "$FK_TTY" -a 1=boiler-room --tz Europe/Berlin
	[ "$status" -eq 0 ]
	all=$output
	h=$(grep '"kind":"hour"' <<< "$all")
	# The first record of each kind has no previous one in the run: no delta.
	[ "$(head -n 1 <<< "$h" | jq -c '[.systems[] | has("energy_delta_mwh")]')" = '[false,false]' ]
	want="[$(delta 1.25 60 1000),$(delta 3.75 60 100),$(delta 3.625 60 100),$(delta 0.125 60 100),$(delta 0.125 60 10),$(delta 0.125 60 10)]"
	[ "$want" = '[0.075,2.25,2.175,0.075,0.75,0.75]' ]
	run jq -c '[.systems[] | .energy_delta_mwh, .volume_delta_m3, .mass_delta_t]' <<< "$h"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[1]}" = "$want" ]
	[ "${lines[2]}" = "$want" ]
	d=$(grep '"kind":"day"' <<< "$all" | tail -n 1)
	[ "$(jq -c '.systems[0] | [.energy_delta_mwh, .volume_delta_m3, .mass_delta_t]' <<< "$d")" = \
		"[$(delta 1.25 1440 1000),$(delta 3.75 1440 100),$(delta 3.625 1440 100)]" ]
	# February 2026 has 28 days.
	m=$(grep '"kind":"month"' <<< "$all" | tail -n 1)
	[ "$(jq -c '[.period, .systems[0].energy_delta_mwh]' <<< "$m")" = \
		"[\"2026-02-01T00:00:00+01:00\",$(delta 1.25 $((28 * 1440)) 1000)]" ]
	# The newest hour covers 13:00 (N = 13 mod 8 = 5): mt = t_n + 0.25 x 5.
	last=$(tail -n 1 <<< "$h")
	[ "$(jq -c '[.name, .period, .written, .id, .systems[0].t_supply_c,
		.systems[0].t_return_c, .systems[0].dt_c]' <<< "$last")" = \
		'["boiler-room","2026-03-02T13:00:00+01:00","2026-03-02T14:00:00+01:00","1000001-hour-2026-03-02T13:00",71.75,46.5,25.25]' ]
}

@test "temarchive --decode: the same deltas and offsets from a dump" {
	fk_start_temsim --hours 3 --days 1 --months 1
	run --separate-stderr temarchive -d "$FK_TTY" --dump "$FK_TMP/dump" --tz UTC0
	[ "$status" -eq 0 ]
	live=$output
	[ "$(grep -c '"energy_delta_mwh":0.075' <<< "$live")" -eq 2 ]
	run --separate-stderr temarchive --decode "$FK_TMP/dump" --tz UTC0
	[ "$status" -eq 0 ]
	[ "$output" = "$live" ]
	[ "$(head -n 1 <<< "$output" | jq -r .period)" = 2026-03-02T11:00:00+00:00 ]
}
