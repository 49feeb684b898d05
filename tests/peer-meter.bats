#!/usr/bin/env bats
# temread and temarchive against an independent meter: tests/peers/tem106meter.py, written from
# the protocol document alone (none of fieldkit's code or address constants), on a real pty,
# behaving like meters behind RS-485 adapters and gateways.  Expected values come from that
# emulator's own table, scaled by the document's rules, never from fieldkit's output.  Every
# run must print exactly those values with status 0, or fail with a clear error and a non-zero
# status (what it printed before failing being the start of what is due): wrong values with
# status 0 is the bug of issue 11.

bats_require_minimum_version 1.5.0
load helpers

setup() { fk_setup; }
teardown() { fk_teardown; }

METER="$FK_TOP/tests/peers/tem106meter.py"

# peer must|may PROG 'meter options' 'PROG options' ['checker options']
# must: the timeout covers the turnaround, the run has to succeed with the meter's values.
peer() {
	local want=$1 prog=$2 mopts=$3 popts=$4 copts=${5:-} kind=read n=$RANDOM
	[ "$prog" = temarchive ] && kind=archive
	local tty=$FK_TMP/tty-$n exp=$FK_TMP/expect-$n
	# shellcheck disable=SC2086
	fk_bg python3 "$METER" --link "$tty" --expect "$exp" --log "$FK_TMP/meter-$n.log" $mopts > /dev/null
	fk_wait_for 20 test -L "$tty"
	fk_wait_for 5 test -s "$exp"
	# shellcheck disable=SC2086
	run --separate-stderr "$prog" -d "$tty" $popts
	kill "$FK_LAST_PID"
	# shellcheck disable=SC2154 # set by run --separate-stderr
	local out=$output st=$status err=$stderr
	echo "# meter $mopts / $prog $popts: status $st, ${err:0:160}" >&3
	if [ "$st" -eq 0 ]; then
		# shellcheck disable=SC2086
		run python3 "$METER" --check "$kind" "$exp" $copts <<< "$out"
		echo "$output"
		[ "$status" -eq 0 ]
		return
	fi
	[ "$want" = may ] || { echo "$err"; false; }
	# a clear error: the device named, a link status, not a crash
	[[ "$err" =~ $prog:\ $tty:\  ]]
	[[ "$st" =~ ^[1345]$ ]]
	# shellcheck disable=SC2086
	run python3 "$METER" --check "$kind" "$exp" $copts --prefix <<< "$out"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "peer meter: a prompt meter's values, read and archive, exactly as the document scales them" {
	peer must temread "" ""
	peer must temarchive "" "-k hour -k month --last 2" "--kind hour --kind month --last 2"
}

@test "peer meter: the checker sees a wrong value (the oracle can fail)" {
	local tty=$FK_TMP/tty exp=$FK_TMP/expect
	fk_bg python3 "$METER" --link "$tty" --expect "$exp" > /dev/null
	fk_wait_for 20 test -L "$tty"
	run --separate-stderr temread -d "$tty"
	[ "$status" -eq 0 ]
	# the scaled energy of system 1 one digit off at its last printed decimal
	local bad=${output/1235.33995/1235.33996}
	[ "$bad" != "$output" ]
	run python3 "$METER" --check read "$exp" <<< "$bad"
	[ "$status" -eq 1 ]
	[[ "$output" =~ energy_mwh ]]
}

@test "peer meter: temread, timeouts longer than the turnaround give the meter's values" {
	peer must temread "--echo" ""
	peer must temread "--echo --gateway --turnaround 300" "--timeout 1500"
	peer must temread "--glitch ff --turnaround 150" ""
}

@test "peer meter: temread, timeouts shorter than the turnaround: an error or the values, never others" {
	peer may temread "--echo --turnaround 600" "--timeout 400"
	peer may temread "--gateway --turnaround 900" "--timeout 400 --retries 2"
	peer may temread "--echo --gateway --glitch 00 --turnaround 1500" "--timeout 1000 --retries 2"
}

@test "peer meter: temarchive records on late, echoing and buffering lines" {
	peer must temarchive "--echo --gateway --turnaround 300" "-k day --last 1 --timeout 1500" \
		"--kind day --last 1"
	peer may temarchive "--echo --turnaround 600" "-k hour --last 1 --timeout 400" "--kind hour --last 1"
	peer may temarchive "--gateway --turnaround 900" "-k day --last 1 --timeout 500 --retries 2" \
		"--kind day --last 1"
}

# A gateway that sends every answer twice: the copy of one 64-byte read's answer arrives while
# the next 64-byte read (same CGRP/CMD/LEN, another address) waits.  Found by this peer: temread
# took it (energy 1235.33995 printed as 105699.7239, status 0).  Now the copy is known by its
# bytes and the read asked again with another length, so the values come out right.
@test "peer meter: a gateway answering every request twice: an error or the values, never others" {
	peer must temread "--gateway --dup --dup-gap 50" "--retries 1"
	peer must temarchive "--gateway --dup --dup-gap 50" "-k hour --last 1 --retries 1" "--kind hour --last 1"
}

@test "peer meter: a meter ignoring every third request, and one late by a random amount" {
	peer must temread "--drop 3" "--timeout 800"
	peer may temread "--gateway --echo --turnaround 100 --jitter 400" "--timeout 300 --retries 3"
}
