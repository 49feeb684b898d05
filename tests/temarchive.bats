#!/usr/bin/env bats
# temarchive against temsim on a real pseudo-terminal: values, rings, selection, state, dump.
# Expected values follow temsim(1) VALUES (meter clock 2026-03-02T14:15:33, 48 hourly,
# 10 daily and 3 monthly records); they were cross-checked against all 61 default records.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	fk_setup
	LOG=$FK_TMP/sim.log
}
teardown() { fk_teardown; }

# temsim logging every request to $LOG (so tests can count what was read).
sim() {
	fk_start_temsim -v "$@" 2>>"$LOG"
}

requests() {
	grep -c '^temsim: request' "$LOG" || true
}

# temsim logs a request just after answering it: wait for the log to catch up, then
# insist on exactly n requests served so far.
requests_are() {
	fk_wait_for 5 sh -c "[ \$(grep -c '^temsim: request' '$LOG') -ge $1 ]" || true
	[ "$(requests)" -eq "$1" ]
}

arch() {
	run --separate-stderr temarchive -d "$FK_TTY" "$@"
}

# The value of a jq filter over every printed line, one result a line.
field() {
	printf '%s\n' "$output" | jq -r "$1"
}

# Wait until temsim has handled a signal (it logs one line per signal).
signals_seen() {
	grep -c '^temsim: \(clock advanced\|archive erased\)' "$LOG" || true
}

sim_signal() {
	local want=$(($(signals_seen) + 1))
	kill "-$1" "$FK_SIM_PID"
	fk_wait_for 5 sh -c "[ \$(grep -c '^temsim: \(clock advanced\|archive erased\)' '$LOG') -ge $want ]"
}

NEWEST_HOUR='{"id":"1000001-hour-2026-03-02T13:00","serial":1000001,"address":1,"kind":"hour","period":"2026-03-02T13:00:00","written":"2026-03-02T14:00:00","checksum":"ok","energy_total_mwh":8151.3,"time_on_s":194623200,"systems":[{"n":1,"type":"two_pipe","comma":4,"energy_mwh":4066.65,"mass_t":118084.85,"volume_m3":122149.5,"t_ch":[1,2],"t_c":[71.75,46.5],"p_ch":[1,2],"p_mpa":[0.625,0.375],"t_supply_c":71.75,"t_return_c":46.5,"dt_c":25.25,"time_ok_s":194420520,"time_flow_low_s":135120,"time_flow_high_s":0,"time_dt_low_s":67560,"time_fault_s":0,"errors":[]},{"n":2,"type":"hot_water_dead_end","comma":3,"energy_mwh":4084.65,"mass_t":41446.5,"volume_m3":41456.5,"t_ch":[3,4],"t_c":[56.25,10],"p_ch":[3],"p_mpa":[0.5],"time_ok_s":194217840,"time_flow_low_s":270240,"time_flow_high_s":0,"time_dt_low_s":135120,"time_fault_s":0,"errors":[]}],"volume_extra_m3":[0,0]}'
HOUR_0300='{"id":"1000001-hour-2026-03-02T03:00","serial":1000001,"address":1,"kind":"hour","period":"2026-03-02T03:00:00","written":"2026-03-02T04:00:00","checksum":"ok","energy_total_mwh":8149.8,"time_on_s":194587200,"systems":[{"n":1,"type":"two_pipe","comma":4,"energy_mwh":4065.9,"mass_t":118063.1,"volume_m3":122127,"t_ch":[1,2],"t_c":[71.25,46],"p_ch":[1,2],"p_mpa":[0.625,0.375],"t_supply_c":71.25,"t_return_c":46,"dt_c":25.25,"time_ok_s":194384520,"time_flow_low_s":135120,"time_flow_high_s":0,"time_dt_low_s":67560,"time_fault_s":0,"errors":["dt_low"]},{"n":2,"type":"hot_water_dead_end","comma":3,"energy_mwh":4083.9,"mass_t":41439,"volume_m3":41449,"t_ch":[3,4],"t_c":[55.75,9.5],"p_ch":[3],"p_mpa":[0.5],"time_ok_s":194181840,"time_flow_low_s":270240,"time_flow_high_s":0,"time_dt_low_s":135120,"time_fault_s":0,"errors":[]}],"volume_extra_m3":[0,0]}'
NEWEST_DAY='{"id":"1000001-day-2026-03-01T00:00","serial":1000001,"address":1,"kind":"day","period":"2026-03-01T00:00:00","written":"2026-03-02T00:00:00","checksum":"ok","energy_total_mwh":8149.2,"time_on_s":194572800,"systems":[{"n":1,"type":"two_pipe","comma":4,"energy_mwh":4065.6,"mass_t":118054.4,"volume_m3":122118,"t_ch":[1,2],"t_c":[70.75,45.5],"p_ch":[1,2],"p_mpa":[0.625,0.375],"t_supply_c":70.75,"t_return_c":45.5,"dt_c":25.25,"time_ok_s":194370120,"time_flow_low_s":135120,"time_flow_high_s":0,"time_dt_low_s":67560,"time_fault_s":0,"errors":["dt_low"]},{"n":2,"type":"hot_water_dead_end","comma":3,"energy_mwh":4083.6,"mass_t":41436,"volume_m3":41446,"t_ch":[3,4],"t_c":[55.25,9],"p_ch":[3],"p_mpa":[0.5],"time_ok_s":194167440,"time_flow_low_s":270240,"time_flow_high_s":0,"time_dt_low_s":135120,"time_fault_s":0,"errors":[]}],"volume_extra_m3":[0,0]}'
OLDEST_MONTH='{"id":"1000001-month-2025-12-01T00:00","serial":1000001,"address":1,"kind":"month","period":"2025-12-01T00:00:00","written":"2026-01-01T00:00:00","checksum":"ok","energy_total_mwh":7933.2,"time_on_s":189388800,"systems":[{"n":1,"type":"two_pipe","comma":4,"energy_mwh":3957.6,"mass_t":114922.4,"volume_m3":118878,"t_ch":[1,2],"t_c":[71.5,46.25],"p_ch":[1,2],"p_mpa":[0.625,0.375],"t_supply_c":71.5,"t_return_c":46.25,"dt_c":25.25,"time_ok_s":189191520,"time_flow_low_s":131520,"time_flow_high_s":0,"time_dt_low_s":65760,"time_fault_s":0,"errors":["dt_low"]},{"n":2,"type":"hot_water_dead_end","comma":3,"energy_mwh":3975.6,"mass_t":40356,"volume_m3":40366,"t_ch":[3,4],"t_c":[56,9.75],"p_ch":[3],"p_mpa":[0.5],"time_ok_s":188994240,"time_flow_low_s":263040,"time_flow_high_s":0,"time_dt_low_s":131520,"time_fault_s":0,"errors":[]}],"volume_extra_m3":[0,0]}'

@test "records of each kind carry the documented values exactly" {
	sim
	arch -k hour --last 1
	[ "$status" -eq 0 ]
	[ "$output" = "$NEWEST_HOUR" ]
	[ -z "$stderr" ]
	arch -k hour --from 2026-03-02T03:00 --to 2026-03-02T04:00
	[ "$status" -eq 0 ]
	[ "$output" = "$HOUR_0300" ]
	arch -k day --last 1
	[ "$output" = "$NEWEST_DAY" ]
	arch -k month
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | head -n 1)" = "$OLDEST_MONTH" ]
	[ "$(field .period | tr '\n' ' ')" = "2025-12-01T00:00:00 2026-01-01T00:00:00 2026-02-01T00:00:00 " ]
}

@test "a whole run prints every record once, kind by kind, oldest first" {
	sim
	arch
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 61 ]
	[ "$(field .kind | uniq -c | awk '{print $1 $2}' | tr '\n' ' ')" = "48hour 10day 3month " ]
	[ "$(field 'select(.kind == "hour") | .period' | head -n 1)" = 2026-02-28T14:00:00 ]
	[ "$(field .id | sort -u | wc -l)" -eq 61 ]
	# within a kind the periods rise
	[ "$(field 'select(.kind == "hour") | .period' | sort -c && echo sorted)" = sorted ]
	[ "$(field 'select(.kind == "day") | .period' | sort -c && echo sorted)" = sorted ]
	[ "$(field '.systems[0].errors[]' | sort | uniq -c | awk '{print $1, $2}')" = "15 dt_low" ]
}

@test "a ring that has wrapped is read across its end, oldest first" {
	sim --hours 1730		# 1728 slots: the newest two sit in slots 0 and 1
	arch -k hour --last 4 --dump "$FK_TMP/dump"
	[ "$status" -eq 0 ]
	[ "$(field .period | tr '\n' ' ')" = "2026-03-02T10:00:00 2026-03-02T11:00:00 2026-03-02T12:00:00 2026-03-02T13:00:00 " ]
	[ "$(grep '^rec' "$FK_TMP/dump" | cut -d' ' -f3 | tr '\n' ' ')" = "0A1D00 0A1E80 000000 000180 " ]
	arch -k hour
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1728 ]
	[ "$(field .period | sed -n '1p;$p' | tr '\n' ' ')" = "2025-12-20T14:00:00 2026-03-02T13:00:00 " ]
	[ "$(field .period | sort -c && echo sorted)" = sorted ]
}

@test "an empty archive prints nothing and reads one header per ring" {
	sim --hours 0 --days 0 --months 0
	arch
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	# serial and FLASH_TYPE, the pointers, then the pointer's slot of each ring
	requests_are 5
}

@test "512 KiB flash: rings at their own places, monthly ring up to 0x7F800" {
	sim --flash 512 --months 130 --days 400
	arch -k month --dump "$FK_TMP/dump"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 128 ]
	[ "$(field .period | sed -n '1p;$p' | tr '\n' ' ')" = "2015-07-01T00:00:00 2026-02-01T00:00:00 " ]
	# the last slot lies past the source's 0x7EFFF end
	grep -q '^rec 1 07F680 ' "$FK_TMP/dump"
	grep -q '^rec 1 073800 ' "$FK_TMP/dump"
	arch -k day
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 368 ]
	[ "$(field .period | tail -n 1)" = 2026-03-01T00:00:00 ]
	[ "$(field .period | sort -c && echo sorted)" = sorted ]
}

@test "1 MiB flash: the monthly ring starts at 0xE7000" {
	sim
	arch -k month --dump "$FK_TMP/dump"
	[ "$status" -eq 0 ]
	[ "$(grep '^rec' "$FK_TMP/dump" | cut -d' ' -f3 | tr '\n' ' ')" = "0E7000 0E7180 0E7300 " ]
	grep -q '^ram 1 04F4 00204800002A2F00002E7480$' "$FK_TMP/dump"
}

@test "--last reads only the records it prints" {
	sim
	arch -k hour --last 3
	[ "$status" -eq 0 ]
	[ "$(field .period | tr '\n' ' ')" = "2026-03-02T11:00:00 2026-03-02T12:00:00 2026-03-02T13:00:00 " ]
	# ID, pointers, configuration, and 7 pieces per record (64, 63, 64, 63, 64, 63, 3:
	# consecutive reads of one length could not be told apart from a repeated answer)
	requests_are 24
	[ "$(grep -cE 'read flash 0x[0-9A-F]+ (63|64):' "$LOG")" -eq 18 ]
	[ "$(grep -cE 'read flash 0x[0-9A-F]+ 3:' "$LOG")" -eq 3 ]
}

@test "--from and --to select by period, half open, with a few header probes" {
	sim
	arch -k hour --from 2026-03-01 --to 2026-03-02
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 24 ]
	[ "$(field .period | sed -n '1p;$p' | tr '\n' ' ')" = "2026-03-01T00:00:00 2026-03-01T23:00:00 " ]
	# 3 RAM reads, 24 x 7 record pieces, and a binary search (not 48 headers)
	fk_wait_for 5 sh -c "[ \$(grep -c '^temsim: request' '$LOG') -ge 171 ]"
	n=$(requests)
	[ "$n" -le $((3 + 168 + 14)) ]
	: > "$LOG"
	arch --from 2026-03-02T12:30 --last 5
	[ "$(field .id | tr '\n' ' ')" = "1000001-hour-2026-03-02T13:00 " ]
	arch --from 2030-01-01
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "incremental: a second run prints nothing; after new records, only those" {
	sim
	arch --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 61 ]
	grep -qx 'serial=1000001 address=1 kind=hour slot=47 period=2026-03-02T13:00:00' "$FK_TMP/state"
	grep -qx 'serial=1000001 address=1 kind=day slot=9 period=2026-03-01T00:00:00' "$FK_TMP/state"
	grep -qx 'serial=1000001 address=1 kind=month slot=2 period=2026-02-01T00:00:00' "$FK_TMP/state"
	# ID, pointers, the pointer's slot of each ring, configuration, 61 x 7 pieces
	requests_are 433
	arch --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	# ID, pointers, and one header per ring confirming nothing moved
	requests_are 438

	sim_signal USR1			# 15:00: one hourly record
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$(field .id)" = "1000001-hour-2026-03-02T14:00" ]
	# the cron case, the fast way: pointers, that record's 7 pieces
	requests_are 446
	for i in 1 2 3 4 5 6 7 8 9 10; do sim_signal USR1; done	# to 2026-03-03T01:00
	arch --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$(field .id | tr '\n' ' ')" = "1000001-hour-2026-03-02T15:00 1000001-hour-2026-03-02T16:00 1000001-hour-2026-03-02T17:00 1000001-hour-2026-03-02T18:00 1000001-hour-2026-03-02T19:00 1000001-hour-2026-03-02T20:00 1000001-hour-2026-03-02T21:00 1000001-hour-2026-03-02T22:00 1000001-hour-2026-03-02T23:00 1000001-hour-2026-03-03T00:00 1000001-day-2026-03-02T00:00 " ]
	arch --state "$FK_TMP/state"
	[ -z "$output" ]
}

@test "interrupted: the device vanishes mid-read; the next run resumes after the last line printed" {
	sim --vanish-after 40
	arch --state "$FK_TMP/state"
	[ "$status" -eq 7 ]
	[ "$stderr" = "temarchive: $FK_TTY: read: Input/output error" ]
	first=$output
	n=$(printf '%s\n' "$first" | wc -l)
	[ "$n" -ge 1 ]
	[ "$n" -lt 48 ]
	last=$(printf '%s\n' "$first" | tail -n 1 | jq -r .period)
	grep -qx "serial=1000001 address=1 kind=hour slot=$((n - 1)) period=$last" "$FK_TMP/state"
	fk_wait_gone "$FK_SIM_PID"
	sim
	arch --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq $((61 - n)) ]
	# together: every record exactly once
	[ "$(printf '%s\n%s\n' "$first" "$output" | jq -r .id | sort | uniq | wc -l)" -eq 61 ]
}

@test "stopped by SIGTERM: status 15, state at the last line printed" {
	sim --pace
	temarchive -d "$FK_TTY" --state "$FK_TMP/state" > "$FK_TMP/out" 2> "$FK_TMP/err" &
	pid=$!
	fk_wait_for 20 sh -c "[ \$(wc -l < '$FK_TMP/out') -ge 2 ]"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 15 ]
	[ ! -s "$FK_TMP/err" ]
	n=$(wc -l < "$FK_TMP/out")
	[ "$n" -lt 61 ]
	last=$(tail -n 1 "$FK_TMP/out" | jq -r .period)
	grep -qx "serial=1000001 address=1 kind=hour slot=$((n - 1)) period=$last" "$FK_TMP/state"
}

@test "--taken-fd after SIGTERM: a count that comes within 5 s is kept, a reader that never closes is left after 5 s" {
	sim --pace
	mkfifo "$FK_TMP/taken"
	# the reader's end held open here for the whole test, as by a wrapping shell
	exec 4<> "$FK_TMP/taken"
	temarchive -d "$FK_TTY" --state "$FK_TMP/state" --taken-fd 3 3< "$FK_TMP/taken" 4>&- \
		> "$FK_TMP/out" 2> "$FK_TMP/err" &
	pid=$!
	fk_wait_for 20 sh -c "[ \$(wc -l < '$FK_TMP/out') -ge 3 ]"
	echo 1 >&4
	start=$(date +%s%N)
	kill -TERM "$pid"
	# the count of a reader that was still busy when the stop came
	sleep 1
	echo 3 >&4
	rc=0
	wait "$pid" || rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	exec 4>&-
	[ "$rc" -eq 15 ]
	third=$(sed -n 3p "$FK_TMP/out" | jq -r .period)
	grep -qx "serial=1000001 address=1 kind=hour slot=2 period=$third" "$FK_TMP/state"
	[ "$ms" -ge 4500 ] || { echo "took $ms ms"; false; }
	[ "$ms" -lt 9000 ] || { echo "took $ms ms"; false; }
	# a record printed after the third (a loaded machine) is said to be read again
	n=$(wc -l < "$FK_TMP/out")
	want=
	[ "$n" -eq 3 ] || want="temarchive: $((n - 3)) of $n records printed not held by the reader; the next run reads them again"
	[ "$(cat "$FK_TMP/err")" = "$want" ]
}

@test "SIGTERM while a silent meter is being retried: stops at once, status 15, no false 'no answer'" {
	fk_start_temsim -v --silent 1 2> "$FK_TMP/sim.log"
	temarchive -d "$FK_TTY" --timeout 3000 --retries 3 --state "$FK_TMP/state" \
		> "$FK_TMP/out" 2> "$FK_TMP/err" &
	pid=$!
	# the request has reached the meter: temarchive now waits up to 3 x 3 s for an answer
	fk_wait_for 10 grep -q . "$FK_TMP/sim.log"
	start=$(date +%s%N)
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$rc" -eq 15 ]
	[ "$ms" -lt 1500 ] || { echo "took $ms ms"; false; }
	[ ! -s "$FK_TMP/err" ] || { cat "$FK_TMP/err"; false; }
	[ ! -s "$FK_TMP/out" ]
}

@test "a reader that goes away ends the run quietly; the state counts only what was written" {
	sim --pace			# slow enough that head is gone long before the end
	run --separate-stderr bash -c "set -o pipefail; temarchive -d '$FK_TTY' --state '$FK_TMP/state' | head -n 2"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 2 ]
	slot=$(sed -n 's/^serial=1000001 address=1 kind=hour slot=\([0-9]*\) .*/\1/p' "$FK_TMP/state")
	[ "$slot" -ge 1 ]
	[ "$slot" -lt 47 ]
	[ "$(grep -c kind= "$FK_TMP/state")" -eq 1 ]
}

@test "a corrupt or foreign state file is an error, never a full re-read" {
	sim
	echo '{"offset": 12}' > "$FK_TMP/state"
	arch --state "$FK_TMP/state"
	[ "$status" -eq 11 ]
	[ -z "$output" ]
	[ "$stderr" = "temarchive: $FK_TMP/state: corrupt state file: not a temarchive state file" ]
	[ "$(cat "$FK_TMP/state")" = '{"offset": 12}' ]
	arch -k month --state "$FK_TMP/good"
	sed 's/slot=2/slot=1/' "$FK_TMP/good" > "$FK_TMP/state"
	arch --state "$FK_TMP/state"
	[ "$status" -eq 11 ]
	# after the entry, the meter line; the checksum is line 4
	[ "$stderr" = "temarchive: $FK_TMP/state: corrupt state file: line 4: checksum mismatch" ]
	head -n 2 "$FK_TMP/good" > "$FK_TMP/state"
	arch --state "$FK_TMP/state"
	[ "$status" -eq 11 ]
	[ "$stderr" = "temarchive: $FK_TMP/state: corrupt state file: no checksum line (truncated)" ]
	: > "$FK_TMP/state"
	arch --state "$FK_TMP/state"
	[ "$status" -eq 11 ]
	[ "$stderr" = "temarchive: $FK_TMP/state: corrupt state file: empty file" ]
	arch --state "$FK_TMP/nodir/state"
	[ "$status" -eq 11 ]
	[ "$stderr" = "temarchive: $FK_TMP/nodir/state: cannot save state there: No such file or directory" ]
	requests_are 25		# only the run that made the good file read the meter
}

@test "two runs cannot share a state file at once" {
	sim
	run --separate-stderr flock "$FK_TMP/state.lock" temarchive -d "$FK_TTY" --state "$FK_TMP/state"
	[ "$status" -eq 12 ]
	[ -z "$output" ]
	[ "$stderr" = "temarchive: $FK_TMP/state: in use by another run" ]
	[ ! -e "$FK_TMP/state" ]
	arch -k month --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
}

@test "an archive reset is reported and only records after the last delivered follow" {
	sim
	arch --state "$FK_TMP/state"
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 61 ]
	sim_signal USR2			# erased, pointers at the ring starts
	sim_signal USR1
	sim_signal USR1
	arch --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$(field .id | tr '\n' ' ')" = "1000001-hour-2026-03-02T14:00 1000001-hour-2026-03-02T15:00 " ]
	[ "$stderr" = "temarchive: $FK_TTY: meter 1: hour archive no longer holds the record delivered last (2026-03-02T13:00:00, slot 47): reset or overwritten; reading the records after it
temarchive: $FK_TTY: meter 1: day archive no longer holds the record delivered last (2026-03-01T00:00:00, slot 9): reset or overwritten; reading the records after it
temarchive: $FK_TTY: meter 1: month archive no longer holds the record delivered last (2026-02-01T00:00:00, slot 2): reset or overwritten; reading the records after it" ]
	grep -qx 'serial=1000001 address=1 kind=hour slot=1 period=2026-03-02T15:00:00' "$FK_TMP/state"
	arch --state "$FK_TMP/state" -k hour
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "a ring overwritten past the last delivered record: everything still there follows" {
	sim
	arch -k hour --state "$FK_TMP/state"
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 48 ]
	kill "$FK_SIM_PID"
	fk_wait_gone "$FK_SIM_PID"
	# three months unread: the ring went round past slot 47
	sim --clock 2026-06-01T00:30:00 --hours 3000
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1728 ]
	[ "$(field .period | sed -n '1p;$p' | tr '\n' ' ')" = "2026-03-21T00:00:00 2026-05-31T23:00:00 " ]
	[ "$stderr" = "temarchive: $FK_TTY: meter 1: hour archive no longer holds the record delivered last (2026-03-02T13:00:00, slot 47): reset or overwritten; reading the records after it" ]
	grep -qx 'serial=1000001 address=1 kind=hour slot=1271 period=2026-05-31T23:00:00' "$FK_TMP/state"
}

@test "a meter clock set back: nothing newer than the state is an error, not a re-read" {
	sim
	arch -k hour --state "$FK_TMP/state"
	kill "$FK_SIM_PID"
	fk_wait_gone "$FK_SIM_PID"
	sim --clock 2026-03-01T10:30:00
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "temarchive: $FK_TTY: meter 1: hour archive no longer holds the record delivered last (2026-03-02T13:00:00, slot 47): reset or overwritten; reading the records after it
temarchive: $FK_TTY: meter 1: hour archive holds nothing after 2026-03-02T13:00:00, the record delivered last: meter clock set back? remove its state entry to read it again" ]
	grep -qx 'serial=1000001 address=1 kind=hour slot=47 period=2026-03-02T13:00:00' "$FK_TMP/state"
}

@test "a meter swapped for another on the same address is read as a new meter" {
	sim
	arch -k month --state "$FK_TMP/state"
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
	kill "$FK_SIM_PID"
	fk_wait_gone "$FK_SIM_PID"
	echo '{"serial": 4711}' > "$FK_TMP/image.json"
	sim --image "$FK_TMP/image.json"
	arch -k month --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$(field .id | tr '\n' ' ')" = "4711-month-2025-12-01T00:00 4711-month-2026-01-01T00:00 4711-month-2026-02-01T00:00 " ]
	[ "$stderr" = "temarchive: $FK_TTY: meter 1: serial 4711 answers where 1000001 did: meter replaced? reading its archive as a new meter's" ]
	grep -qx 'serial=1000001 address=1 kind=month slot=2 period=2026-02-01T00:00:00' "$FK_TMP/state"
	grep -qx 'serial=4711 address=1 kind=month slot=2 period=2026-02-01T00:00:00' "$FK_TMP/state"
}

# Restart temsim with other options (the same log).
resim() {
	kill "$FK_SIM_PID"
	fk_wait_gone "$FK_SIM_PID"
	sim "$@"
}

# What temsim was asked since the log was last emptied, one request a line.
asked() {
	grep '^temsim: request' "$LOG" | cut -d' ' -f4- | sed 's/: answered$//'
}

HOUR48_PIECES='meter 1 read flash 0x00004800 64
meter 1 read flash 0x00004840 63
meter 1 read flash 0x0000487F 64
meter 1 read flash 0x000048BF 63
meter 1 read flash 0x000048FE 64
meter 1 read flash 0x0000493E 63
meter 1 read flash 0x0000497D 3'

@test "fast way: an hourly cron run reads the pointers and the new record, nothing else" {
	sim
	arch -k hour --state "$FK_TMP/state"
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 48 ]
	grep -qx 'meter address=1 serial=1000001 flash=1F25 setup=02040800000000030400000000030C00000000030400000000070F07 setup_at=2026-03-02T14:00:00 hour=194623200/8151300/040300000000' "$FK_TMP/state"
	requests_are 340
	: > "$LOG"
	sim_signal USR1			# 15:00: one hourly record, in slot 48
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fast=$output
	requests_are 8
	[ "$(asked)" = "meter 1 read ram 0x04F4 12
$HOUR48_PIECES" ]
	grep -qx 'serial=1000001 address=1 kind=hour slot=48 period=2026-03-02T14:00:00' "$FK_TMP/state"
	grep -qx 'meter address=1 serial=1000001 flash=1F25 setup=02040800000000030400000000030C00000000030400000000070F07 setup_at=2026-03-02T14:00:00 hour=194626800/8151450/040300000000' "$FK_TMP/state"
	# the line is the one the full way prints
	arch -k hour --last 1
	[ "$fast" = "$output" ]
	[ "$(field .id)" = 1000001-hour-2026-03-02T14:00 ]
}

@test "fast way: a meter swapped on the same address is told even when the ring positions coincide" {
	sim
	arch -k hour --state "$FK_TMP/state"
	# temsim's meters differ only where the image says: this one has less energy
	echo '{"serial": 4711, "systems": [{"energy0": 11000}]}' > "$FK_TMP/image.json"
	resim --image "$FK_TMP/image.json" --clock 2026-03-02T15:15:33 --hours 49
	: > "$LOG"
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$stderr" = "temarchive: $FK_TTY: meter 1: serial 4711 answers where 1000001 did: meter replaced? reading its archive as a new meter's" ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 49 ]
	[ "$(field .id | sed -n '1p;$p' | tr '\n' ' ')" = "4711-hour-2026-02-28T14:00 4711-hour-2026-03-02T14:00 " ]
	# the fast way read the pointers and slot 48, then the full way began with the serial
	[ "$(asked | head -n 9)" = "meter 1 read ram 0x04F4 12
$HOUR48_PIECES
meter 1 read ram 0x0152 24" ]
	grep -qx 'serial=1000001 address=1 kind=hour slot=47 period=2026-03-02T13:00:00' "$FK_TMP/state"
	grep -qx 'serial=4711 address=1 kind=hour slot=48 period=2026-03-02T14:00:00' "$FK_TMP/state"
	grep -q '^meter address=1 serial=4711 ' "$FK_TMP/state"
	[ "$(grep -c '^meter ' "$FK_TMP/state")" -eq 1 ]
}

@test "fast way: a swapped meter with more energy is told by its time powered" {
	sim
	arch -k hour --state "$FK_TMP/state"
	# a year on, the same ring positions: energy grew, but the meter cannot have
	# been on for a year without writing a record an hour
	echo '{"serial": 4712}' > "$FK_TMP/image.json"
	resim --image "$FK_TMP/image.json" --clock 2027-03-02T15:15:33 --hours 49
	arch -k hour --state "$FK_TMP/state" --trace
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 49 ]
	[ "$(field .id | tail -n 1)" = 4712-hour-2027-03-02T14:00 ]
	[ "$(grep -v '^[0-9-]*T[0-9:.]*Z ' <<< "$stderr")" = "temarchive: $FK_TTY: meter 1: hour record at 0x004800 does not follow the one delivered last: time powered grew more than the periods allow; reading the full way
temarchive: $FK_TTY: meter 1: serial 4712 answers where 1000001 did: meter replaced? reading its archive as a new meter's" ]
}

@test "fast way: an archive reset and refilled to the same ring position is still told" {
	sim
	arch -k hour --state "$FK_TMP/state"
	sim_signal USR2
	for _ in $(seq 49); do sim_signal USR1; done	# slots 0..48 again, pointer at 49
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$stderr" = "temarchive: $FK_TTY: meter 1: hour archive no longer holds the record delivered last (2026-03-02T13:00:00, slot 47): reset or overwritten; reading the records after it" ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 49 ]
	[ "$(field .period | sed -n '1p;$p' | tr '\n' ' ')" = "2026-03-02T14:00:00 2026-03-04T14:00:00 " ]
	grep -qx 'serial=1000001 address=1 kind=hour slot=48 period=2026-03-04T14:00:00' "$FK_TMP/state"
}

@test "fast way: a changed comma is a reconfigured meter: the setup is read again" {
	sim
	arch -k hour --state "$FK_TMP/state"
	echo '{"systems": [{"comma": 5}, {}]}' > "$FK_TMP/image.json"
	resim --image "$FK_TMP/image.json" --clock 2026-03-02T15:15:33 --hours 49
	: > "$LOG"
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(field '.id, .systems[0].comma' | tr '\n' ' ')" = "1000001-hour-2026-03-02T14:00 5 " ]
	# pointers and the record the fast way; serial, the record again and the setup the full way
	requests_are 17
	grep -q ' setup_at=2026-03-02T15:00:00 hour=[0-9]*/[0-9]*/050300000000$' "$FK_TMP/state"
}

@test "fast way: the stored setup decodes records written up to a day after it was read" {
	sim
	arch -k hour --state "$FK_TMP/state"
	# system 2 loses temperature channel 4; the records alone do not show it
	echo '{"systems": [{}, {"t_ch": [3]}]}' > "$FK_TMP/image.json"
	resim --image "$FK_TMP/image.json" --clock 2026-03-03T14:15:33 --hours 72
	: > "$LOG"
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# written 2026-03-02T15:00 .. 2026-03-03T13:00 with the setup read at 14:00 the day
	# before; the record written at 2026-03-03T14:00 after reading it again
	[ "$(field '.systems[1].t_ch | length' | uniq -c | awk '{print $1 "x" $2}' | tr '\n' ' ')" = "23x2 1x1 " ]
	requests_are $((1 + 24 * 7 + 2))
	[ "$(asked | sed -n '170,171p')" = "meter 1 read ram 0x0152 24
meter 1 read ram 0x0000 28" ]
	grep -q '^meter address=1 serial=1000001 flash=1F25 setup=02040800000000030400000000030400000000030400000000070707 setup_at=2026-03-03T14:00:00 ' "$FK_TMP/state"
}

@test "fast way: a meter with the old one's very numbers is told by its serial at the daily check" {
	sim
	arch -k hour --state "$FK_TMP/state"
	# every temsim meter has the same time powered: only the serial tells this one
	echo '{"serial": 4711}' > "$FK_TMP/image.json"
	resim --image "$FK_TMP/image.json" --clock 2026-03-03T14:15:33 --hours 72
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	# taken for the old meter until the record written a day after the setup was read
	[ "$(field .serial | uniq -c | awk '{print $1 "x" $2}' | tr '\n' ' ')" = "23x1000001 72x4711 " ]
	[ "$stderr" = "temarchive: $FK_TTY: meter 1: serial 4711 answers where 1000001 did: meter replaced? reading its archive as a new meter's" ]
}

@test "a version 1 state file still loads: the full way once, then the fast way" {
	sim
	printf 'temarchive-state 1\nserial=1000001 address=1 kind=hour slot=47 period=2026-03-02T13:00:00\ncrc32 E6EA6064\n' > "$FK_TMP/state"
	sim_signal USR1
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(field .id)" = 1000001-hour-2026-03-02T14:00 ]
	requests_are 10			# serial, pointers, setup, the record
	[ "$(head -n 1 "$FK_TMP/state")" = "temarchive-state 2" ]
	grep -q '^meter address=1 serial=1000001 .* hour=' "$FK_TMP/state"
	sim_signal USR1
	arch -k hour --state "$FK_TMP/state"
	[ "$(field .id)" = 1000001-hour-2026-03-02T15:00 ]
	requests_are 18
	printf 'temarchive-state 3\ncrc32 00000000\n' > "$FK_TMP/state"
	arch -k hour --state "$FK_TMP/state"
	[ "$status" -eq 11 ]
	[ "$stderr" = "temarchive: $FK_TMP/state: corrupt state file: version 3 not supported (want 1 or 2)" ]
}

@test "--decode of a --dump prints identical lines without a device" {
	sim --hours 100
	temarchive -d "$FK_TTY" --dump "$FK_TMP/dump" > "$FK_TMP/live"
	[ "$(wc -l < "$FK_TMP/live")" -eq 113 ]
	temarchive -d "$FK_TTY" --state "$FK_TMP/state" > /dev/null
	sim_signal USR1
	temarchive -d "$FK_TTY" --state "$FK_TMP/state" --dump "$FK_TMP/dump2" > "$FK_TMP/live2"
	[ "$(wc -l < "$FK_TMP/live2")" -eq 1 ]
	kill "$FK_SIM_PID"
	fk_wait_gone "$FK_SIM_PID"
	run --separate-stderr temarchive --decode "$FK_TMP/dump"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$FK_TMP/live")" ]
	run --separate-stderr temarchive --decode "$FK_TMP/dump2" --strict
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$FK_TMP/live2")" ]
	# damage is named by line
	sed '3s/\(.\)$/g/' "$FK_TMP/dump" > "$FK_TMP/bad"
	run --separate-stderr temarchive --decode "$FK_TMP/bad"
	[ "$status" -eq 5 ]
	[ "$stderr" = "temarchive: $FK_TMP/bad: line 3: bad hex digit" ]
	run --separate-stderr temarchive --decode "$FK_TMP/state"
	[ "$status" -eq 5 ]
	[ "$stderr" = "temarchive: $FK_TMP/state: not a temarchive dump" ]
	grep -v '^ram 1 0000 ' "$FK_TMP/dump" > "$FK_TMP/bad"
	run --separate-stderr temarchive --decode "$FK_TMP/bad"
	[ "$status" -eq 5 ]
	[ "$stderr" = "temarchive: $FK_TMP/bad: line 5: record without its meter's configuration" ]
	run --separate-stderr temarchive --decode "$FK_TMP/none"
	[ "$status" -eq 6 ]
	[ "$stderr" = "temarchive: $FK_TMP/none: No such file or directory" ]
}

@test "the record checksum is checked; --strict makes a mismatch an error" {
	sim --bad-record-cs
	arch -k hour --last 2
	[ "$status" -eq 0 ]
	[ "$(field .checksum | tr '\n' ' ')" = "ok mismatch " ]
	arch -k hour --last 2 --strict
	[ "$status" -eq 5 ]
	[ "$(field .checksum)" = ok ]
	[ "$stderr" = "temarchive: $FK_TTY: meter 1: hour record at 0x004680: record checksum mismatch" ]
}

@test "several meters: a silent one fails alone" {
	sim -a 1 -a 2 -a 3 --silent 2
	arch -a 1 -a 2 -a 3 -k month --timeout 100 --retries 2
	[ "$status" -eq 1 ]
	[ "$(field .id | tr '\n' ' ')" = "1000001-month-2025-12-01T00:00 1000001-month-2026-01-01T00:00 1000001-month-2026-02-01T00:00 1000003-month-2025-12-01T00:00 1000003-month-2026-01-01T00:00 1000003-month-2026-02-01T00:00 " ]
	[ "$stderr" = "temarchive: $FK_TTY: no answer from meter 2 after 2 tries" ]
	arch -a 2 --timeout 100 --retries 1
	[ "$status" -eq 4 ]
	[ "$stderr" = "temarchive: $FK_TTY: no answer from meter 2 after 1 try" ]
}

@test "an RS-485 echo and line noise do not change what is read" {
	sim --echo --noise 7
	arch -k hour --last 1
	[ "$status" -eq 0 ]
	[ "$output" = "$NEWEST_HOUR" ]
}

@test "odd meters: unknown FLASH_TYPE, a pointer off its ring" {
	echo '{"ram": {"0x0168": "12 34"}}' > "$FK_TMP/image.json"
	sim --image "$FK_TMP/image.json"
	arch
	[ "$status" -eq 5 ]
	[ -z "$output" ]
	[ "$stderr" = "temarchive: $FK_TTY: meter 1: unknown FLASH_TYPE 0x1234" ]
	kill "$FK_SIM_PID"
	fk_wait_gone "$FK_SIM_PID"
	echo '{"ram": {"0x04F4": "00 20 00 01"}}' > "$FK_TMP/image.json"
	sim --image "$FK_TMP/image.json"
	arch
	[ "$status" -eq 5 ]
	[ "$(field .kind | uniq -c | awk '{print $1 $2}' | tr '\n' ' ')" = "10day 3month " ]
	[ "$stderr" = "temarchive: $FK_TTY: meter 1: hour pointer 0x00200001 is not a slot of its ring" ]
}

@test "usage errors" {
	run --separate-stderr temarchive -d /dev/null --from 2026-03-02 --to 2026-03-01
	[ "$status" -eq 2 ]
	[[ "$stderr" == "temarchive: --from must be before --to"$'\n'"usage: temarchive "* ]]
	run --separate-stderr temarchive -d /dev/null -k week
	[ "$status" -eq 2 ]
	[ "$stderr" = "temarchive: -k: week: expected hour, day or month" ]
	run --separate-stderr temarchive -d /dev/null --from 2026-02-30
	[ "$status" -eq 2 ]
	[ "$stderr" = "temarchive: --from: 2026-02-30: no such day in that month" ]
	run --separate-stderr temarchive -d /dev/null --to yesterday
	[ "$status" -eq 2 ]
	[ "$stderr" = "temarchive: --to: yesterday: expected YYYY-MM-DD[THH[:MM[:SS]]] in meter local time" ]
	run --separate-stderr temarchive -d /dev/null --last 0
	[ "$status" -eq 2 ]
	[ "$stderr" = "temarchive: --last: 0: too small (expected 1..100000)" ]
	run --separate-stderr temarchive --decode x -d /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "temarchive: --decode reads a dump: it takes no device, meter or selection options"$'\n'"usage: "* ]]
	run --separate-stderr temarchive -k hour
	[ "$status" -eq 2 ]
	[[ "$stderr" == "temarchive: -d is required (or --decode)"$'\n'"usage: "* ]]
	run --separate-stderr temarchive -d "$FK_TMP/none"
	[ "$status" -eq 6 ]
	[ "$stderr" = "temarchive: $FK_TMP/none: No such file or directory" ]
}
