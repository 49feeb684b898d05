#!/usr/bin/env bats
# The link on slow and buffering lines: meters late by 0..1500 ms, with and without an echoing
# adapter, behind a gateway that answers every request in turn, and --timeout shorter and
# longer than the turnaround.  Every run prints exactly what a prompt meter gives, or fails
# with a clear error and a non-zero status: never other values.  The reference is a prompt
# run against the same simulated meter (a comparison of the same meter, prompt vs late).

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	export REF_DIR="$BATS_FILE_TMPDIR"
	local d tty pid
	d=$(mktemp -d "${BATS_TMPDIR:-/tmp}/fk-ref.XXXXXX")
	tty=$d/tty
	temsim --link "$tty" > /dev/null &
	pid=$!
	fk_wait_for 5 test -L "$tty"
	temread -d "$tty" | jq -c 'del(.read_at)' > "$REF_DIR/temread"
	temarchive -d "$tty" -k hour -k day --last 2 | jq -c 'del(.read_at)' > "$REF_DIR/temarchive"
	kill "$pid"
	wait "$pid" || true
	rm -rf "$d"
}

setup() { fk_setup; }
teardown() { fk_teardown; }

# sweep must|may PROG 'temsim options' 'PROG options': one run on a late line, judged.
# must: the timeout covers the turnaround, the run has to succeed.
sweep() {
	local want=$1 prog=$2 sim=$3 opts=$4 ref
	ref=$(cat "$REF_DIR/$prog")
	[ -n "$ref" ]
	FK_TTY=$FK_TMP/tty-$RANDOM
	# shellcheck disable=SC2086
	fk_start_temsim $sim
	# shellcheck disable=SC2086
	run --separate-stderr "$prog" -d "$FK_TTY" $opts
	kill "$FK_SIM_PID"
	local got
	got=$(printf '%s\n' "$output" | jq -c 'select(has("error") | not) | del(.read_at)')
	echo "# temsim $sim / $prog $opts: status $status, $(printf '%s' "$got" | grep -c .) values, ${stderr:0:200}" >&3
	if [ "$status" -eq 0 ]; then
		[ "$got" = "$ref" ]
		return
	fi
	[ "$want" = may ] || { echo "$stderr"; false; }
	# a clear error: the device named, a link status, not a crash
	[[ "$stderr" =~ $prog:\ $FK_TTY:\  ]]
	[[ "$status" =~ ^[1345]$ ]]
	# whatever was printed before the error is the prompt meter's, line for line
	if [ -n "$got" ]; then
		[ "$(printf '%s\n' "$ref" | head -n "$(printf '%s\n' "$got" | wc -l)")" = "$got" ]
	fi
}

@test "temread: timeouts longer than the turnaround give the prompt meter's values" {
	sweep must temread "--echo" ""
	sweep must temread "--gateway --turnaround 300" ""
	sweep must temread "--echo --turnaround 600" "--timeout 2500"
	sweep must temread "--echo --gateway --glitch ff --turnaround 1500" "--timeout 2200"
}

@test "temread: timeouts shorter than the turnaround: an error or the same values, never others" {
	sweep may temread "--echo --turnaround 600" "--timeout 400"
	sweep may temread "--turnaround 900" "--timeout 400"
	sweep may temread "--gateway --turnaround 900" "--timeout 700"
	sweep may temread "--echo --gateway --glitch 00 --turnaround 1200" "--timeout 1000"
	sweep may temread "--echo --gateway --turnaround 1500" "--timeout 400 --retries 5"
}

@test "temarchive: the same for archive records" {
	sweep must temarchive "--echo --gateway --turnaround 600" "-k hour -k day --last 2 --timeout 1300"
	sweep may temarchive "--echo --turnaround 600" "-k hour -k day --last 2 --timeout 400"
	sweep may temarchive "--gateway --turnaround 900" "-k hour -k day --last 2 --timeout 500"
	sweep may temarchive "--echo --gateway --turnaround 1500" "-k hour -k day --last 2 --timeout 1000"
}

# stop_mid_read PROG N STATUS STDERR: PROG waits for answer N, due in 60 s; SIGTERM must end it
# at once, with STATUS and STDERR, printing nothing for the meter it was cut off from.
stop_mid_read() {
	"$1" -d "$FK_TTY" --timeout 60000 --retries 1 > "$FK_TMP/out" 2> "$FK_TMP/err" &
	local pid=$! rc=0
	# the request has reached the meter: PROG is in its wait
	fk_wait_for 20 grep -q "request $2:" "$FK_TMP/sim.log"
	kill -TERM "$pid"
	# a bounded wait for the end, far below the 60 s the read would otherwise take
	fk_wait_gone "$pid" 15
	wait "$pid" || rc=$?
	[ "$rc" -eq "$3" ]
	[ ! -s "$FK_TMP/out" ]
	[ "$(cat "$FK_TMP/err")" = "$4" ]
}

@test "SIGTERM during a long read ends the wait at once, not at the turnaround" {
	fk_start_temsim -v --turnaround 60000 2> "$FK_TMP/sim.log"
	stop_mid_read temarchive 1 15 ""
	stop_mid_read temread 2 15 "temread: stopped by SIGTERM"
}
