#!/usr/bin/env bats
# Nothing lost: volumes past the 65535 message ids, the broker absent at start, a link cut
# mid-stream (a real TCP proxy killed and restarted), SIGTERM, kill -9, a full spool.
# Everything is counted by a real mosquitto_sub on a real mosquitto.

bats_require_minimum_version 1.5.0
load helpers
load mqpub_helpers

setup() { fk_setup; }
# spool_offline N PREFIX: N lines for PREFIX/{serial} spooled while no broker listens on $port
# (set here): exit 9, one segment, its path in $seg.
spool_offline() {
	port=$(fk_free_port)
	mq_lines "$1" "$FK_TMP/in1"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t "$2/{serial}" \
		--spool "$FK_TMP/spool" --drain-timeout 0.2 < "$FK_TMP/in1"
	[ "$status" -eq 9 ]
	seg=$(ls "$FK_TMP"/spool/*.seg)
}

teardown() {
	[ -n "${MQ_DISK:-}" ] && umount "$MQ_DISK" 2>/dev/null
	fk_teardown
}

# 70000 messages: past the 65535 packet ids, so ids are used again while the run goes on, and
# past mqpub's in-memory ring of 16384.  The counting subscriber, on a loaded machine, can fall
# more than its 65535 in flight plus the broker's default queue of 1000 behind them, and the
# broker then drops them for it ("Outgoing messages are being dropped"): for these two the
# subscriber's queue is unbounded.
# max_queued_messages only limits what waits to go out to a subscriber; what mqpub faces (20
# unfinished messages at 3.1.1) stays the default.
big_broker() { fk_start_broker "max_queued_messages 0"; }

@test "70000 lines at QoS 1 all arrive, in order, and mqpub exits 0" {
	big_broker
	mq_lines 70000 "$FK_TMP/in"
	mq_sub "$FK_TMP/sub" 'big/#'
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 -t 'big/{serial}' < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 60 mq_count_ge "$FK_TMP/sub" 70000
	mq_seq_check "$FK_TMP/sub" 0 69999
}

@test "70000 lines at QoS 2 all arrive exactly once, in order, and mqpub exits 0" {
	big_broker
	mq_lines 70000 "$FK_TMP/in"
	mq_sub "$FK_TMP/sub" 'big/#'
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 2 -V 5 -t 'big/{serial}' < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 60 mq_count_ge "$FK_TMP/sub" 70000
	mq_seq_check "$FK_TMP/sub" 0 69999
}

@test "broker absent at start: spooled, exit 9; the next run delivers the spool first, in order" {
	port=$(fk_free_port)
	mq_lines 1000 "$FK_TMP/in1"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t 'sp/{serial}' \
		--spool "$FK_TMP/spool" --drain-timeout 1 < "$FK_TMP/in1"
	[ "$status" -eq 9 ]
	[ "$stderr" = "mqpub: 127.0.0.1:$port: Connection refused; retrying
mqpub: 1000 messages not acknowledged within 1 s; kept in spool $FK_TMP/spool" ]
	ls "$FK_TMP"/spool/*.seg
	FK_BROKER_PORT_WANT=$port fk_start_broker
	mq_sub "$FK_TMP/sub" 'sp/#'
	mq_lines 10 "$FK_TMP/in2" 1000
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t 'sp/{serial}' \
		--spool "$FK_TMP/spool" < "$FK_TMP/in2"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 1010
	mq_seq_check "$FK_TMP/sub" 0 1009
	# Delivered and acknowledged: the spool is empty again.
	[ -z "$(ls "$FK_TMP/spool")" ] || [ "$(ls "$FK_TMP/spool")" = lock ]
}

@test "QoS 0 lines read while the broker is out of reach are sent once it is back" {
	fk_start_broker
	mq_sub "$FK_TMP/sub" 'q0/#'
	proxy=$(fk_free_port)
	mq_lines 2000 "$FK_TMP/in"
	mq_bg "$FK_TMP/in" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$proxy" -q 0 -t 'q0/{serial}'
	pid=$FK_LAST_PID
	fk_wait_for 10 grep -q retrying "$FK_TMP/err"
	mq_proxy "$proxy"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(cat "$FK_TMP/err")" = "mqpub: 127.0.0.1:$proxy: Connection refused; retrying" ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 2000
	mq_seq_check "$FK_TMP/sub" 0 1999
}

@test "without --spool an unreachable broker means lost messages and exit 4, said plainly" {
	port=$(fk_free_port)
	mq_lines 3 "$FK_TMP/in"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t x --drain-timeout 0.5 < "$FK_TMP/in"
	[ "$status" -eq 4 ]
	[ "$stderr" = "mqpub: 127.0.0.1:$port: Connection refused; retrying
mqpub: 3 messages not acknowledged within 0.5 s; lost (no --spool)" ]
}

@test "a TCP proxy killed mid-stream and restarted: every message arrives (QoS 1)" {
	fk_start_broker
	proxy=$(fk_free_port)
	mq_proxy "$proxy"
	mq_lines 30000 "$FK_TMP/in"
	mq_sub "$FK_TMP/sub" 'px/#'
	mq_bg "$FK_TMP/in" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$proxy" -q 1 -t 'px/{serial}'
	pid=$FK_LAST_PID
	fk_wait_for 30 mq_count_ge "$FK_TMP/sub" 5000
	mq_proxy_kill
	# Down long enough that reconnection attempts are refused too.
	fk_wait_for 10 grep -q 'retrying' "$FK_TMP/err"
	mq_proxy "$proxy"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	# One report for the outage, however many attempts it took.
	[[ "$(cat "$FK_TMP/err")" == "mqpub: 127.0.0.1:$proxy: connection lost"*"; retrying" ]]
	[ "$(wc -l < "$FK_TMP/err")" -eq 1 ]
	fk_wait_for 30 mq_count_ge "$FK_TMP/sub" 30000
	mq_seq_check "$FK_TMP/sub" 0 29999 dups
}

@test "SIGTERM mid-stream: exit 15, and after a rerun every line read has arrived" {
	fk_start_broker
	mq_lines 150000 "$FK_TMP/in"
	mq_sub "$FK_TMP/sub" 'st/#'
	mq_bg "$FK_TMP/in" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 \
		-t 'st/{serial}' --spool "$FK_TMP/spool"
	pid=$FK_LAST_PID
	fk_wait_for 30 mq_count_ge "$FK_TMP/sub" 10000
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 15 ]
	err=$(cat "$FK_TMP/err")
	[[ "$err" =~ ^"mqpub: stopped by signal after line "([0-9]+)"; "([0-9]+)" messages not acknowledged; kept in spool $FK_TMP/spool"$ ]]
	read_to=${BASH_REMATCH[1]}
	kept=${BASH_REMATCH[2]}
	[ "$read_to" -lt 150000 ]
	[ "$kept" -gt 0 ]
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 -t 'st/{serial}' \
		--spool "$FK_TMP/spool" < /dev/null
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 30 mq_count_ge "$FK_TMP/sub" "$read_to"
	mq_seq_check "$FK_TMP/sub" 0 $((read_to - 1)) dups
}

@test "the spool is bounded: exit 10 when full, and what it holds is delivered later" {
	port=$(fk_free_port)
	mq_lines 2000 "$FK_TMP/in"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t 'full/{serial}' \
		--spool "$FK_TMP/spool" --spool-max 65536 < "$FK_TMP/in"
	[ "$status" -eq 10 ]
	[[ "$stderr" =~ ^"mqpub: 127.0.0.1:$port: Connection refused; retrying
mqpub: "([0-9]+)" messages not acknowledged; kept in spool $FK_TMP/spool
mqpub: $FK_TMP/spool: spool full (limit 65536 bytes); input not consumed from line "([0-9]+)$ ]]
	from=${BASH_REMATCH[2]}
	[ "${BASH_REMATCH[1]}" -eq $((from - 1)) ]
	[ "$from" -gt 100 ]
	[ "$from" -lt 2000 ]
	[ "$(cat "$FK_TMP"/spool/*.seg | wc -c)" -le 65536 ]
	# With the broker back, a full spool drains first and new input follows.
	FK_BROKER_PORT_WANT=$port fk_start_broker
	mq_sub "$FK_TMP/sub" 'full/#'
	mq_lines 100 "$FK_TMP/more" 5000
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t 'full/{serial}' \
		--spool "$FK_TMP/spool" --spool-max 65536 < "$FK_TMP/more"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" $((from - 1 + 100))
	mq_got "$FK_TMP/sub" | head -n $((from - 1)) > "$FK_TMP/first"
	mq_got "$FK_TMP/sub" | tail -n +"$from" > "$FK_TMP/then"
	mq_seq_check "$FK_TMP/first" 0 $((from - 2))
	mq_seq_check "$FK_TMP/then" 5000 5099
}

@test "kill -9 while spooling leaves a spool the next run reads without damage" {
	port=$(fk_free_port)
	# A steady stream, so segments are being written when the kill comes (at 1 MB, about
	# 18000 records). At most 60000 lines: the counting subscriber's window is 65535 messages,
	# and a backlog beyond it would let the flush marker of mq_drain_spool overtake messages
	# the broker still queues for it (counted too early).
	mkfifo "$FK_TMP/stream"
	fk_bg sh -c 'exec python3 -c "$0" > "$1"' '
import json, sys, time
for i in range(60000):
    sys.stdout.write(json.dumps({"serial": 1000 + i % 7, "seq": i}) + "\n")
    if i % 1000 == 999:
        sys.stdout.flush(); time.sleep(0.02)
' "$FK_TMP/stream"
	mq_bg "$FK_TMP/stream" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$port" -q 1 -t 'k/{serial}' \
		--spool "$FK_TMP/spool"
	pid=$FK_LAST_PID
	fk_wait_for 30 sh -c "ls '$FK_TMP'/spool/*.seg >/dev/null 2>&1"
	fk_wait_for 30 sh -c "[ \$(cat '$FK_TMP'/spool/*.seg 2>/dev/null | wc -c) -gt 1000000 ]"
	kill -9 "$pid"
	# reaped: gone, and its lock on the spool with it, before the next run opens the spool
	wait "$pid" || true
	mq_drain_spool "$port" "$FK_TMP/spool" k
	n=$(mq_got "$FK_TMP/sub" | wc -l)
	[ "$n" -gt 10000 ]
	# What the spool held is a gapless beginning of the stream, each line once, in order.
	mq_seq_check "$FK_TMP/sub" 0 $((n - 1))
}

@test "one spool, one run: a second mqpub on the same spool exits 12" {
	port=$(fk_free_port)
	mkfifo "$FK_TMP/fifo"
	mq_bg "$FK_TMP/fifo" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$port" -t x --spool "$FK_TMP/spool"
	exec 7> "$FK_TMP/fifo"
	fk_wait_for 10 test -e "$FK_TMP/spool/lock"
	fk_wait_for 10 grep -q retrying "$FK_TMP/err"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -t x --spool "$FK_TMP/spool" < /dev/null
	exec 7>&-
	[ "$status" -eq 12 ]
	[ "$stderr" = "mqpub: $FK_TMP/spool: in use by another mqpub" ]
}

@test "a path that closes each connection at once: mqpub backs off without spinning" {
	# A TCP proxy whose broker is down accepts each connection and closes it at once.
	FK_BROKER_PORT=$(fk_free_port)
	proxy=$(fk_free_port)
	mq_proxy "$proxy"
	mkfifo "$FK_TMP/fifo"
	mq_bg "$FK_TMP/fifo" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$proxy" -q 1 -t cpu/x \
		--drain-timeout 1
	pid=$FK_LAST_PID
	exec 7> "$FK_TMP/fifo"
	echo '{"n":1}' >&7
	fk_wait_for 10 grep -q retrying "$FK_TMP/err"
	t0=$(mq_cpu_ticks "$pid")
	sleep 3		# no wait for an event: the span the CPU time is measured over
	t1=$(mq_cpu_ticks "$pid")
	# Spinning takes all 300 ticks of those 3 s; waiting for the next attempt next to none.
	[ $((t1 - t0)) -lt 30 ]
	# Input is still read meanwhile.
	echo '{"n":2}' >&7
	exec 7>&-
	fk_wait_gone "$pid" 10
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 4 ]
	[ "$(cat "$FK_TMP/err")" = "mqpub: 127.0.0.1:$proxy: connection lost; retrying
mqpub: 2 messages not acknowledged within 1 s; lost (no --spool)" ]
}

@test "new input never joins an older damaged segment: it arrives, the damage is reported" {
	spool_offline 10 dm
	[ "$seg" = "$FK_TMP/spool/0000000000000000.seg" ]
	# One byte of the last record flipped, as a failing flash sector would.
	printf X | dd of="$seg" bs=1 seek=$(($(stat -c %s "$seg") - 5)) conv=notrunc status=none
	mq_lines 20 "$FK_TMP/in2" 10
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t 'dm/{serial}' \
		--spool "$FK_TMP/spool" --drain-timeout 0.2 < "$FK_TMP/in2"
	[ "$status" -eq 9 ]
	FK_BROKER_PORT_WANT=$port fk_start_broker
	mq_sub "$FK_TMP/sub" 'dm/#'
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t 'dm/{serial}' \
		--spool "$FK_TMP/spool" < /dev/null
	[ "$status" -eq 1 ]
	[ "$stderr" = "mqpub: $seg: record 10 damaged; 1 records dropped" ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 29
	mq_got "$FK_TMP/sub" | head -n 9 > "$FK_TMP/first"
	mq_got "$FK_TMP/sub" | tail -n +10 > "$FK_TMP/then"
	mq_seq_check "$FK_TMP/first" 0 8
	mq_seq_check "$FK_TMP/then" 10 29
}

@test "a line larger than --spool-max is reported and skipped, not waited for" {
	fk_start_broker
	mq_sub "$FK_TMP/sub" 'huge/#'
	python3 -c 'import json; print(json.dumps({"serial": 1, "pad": "x" * 62000}))' > "$FK_TMP/in"
	echo '{"serial":2}' >> "$FK_TMP/in"
	run --separate-stderr timeout 20 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 \
		-t 'huge/{serial}' --spool "$FK_TMP/spool" --spool-max 65536 --drain-timeout 10 \
		< "$FK_TMP/in"
	[ "$status" -eq 1 ]
	[ "$stderr" = 'mqpub: line 1: larger than --spool-max' ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 1
	run mq_got "$FK_TMP/sub"
	[ "$output" = 'huge/2 {"serial":2}' ]
}

@test "SIGTERM while the spool is full and the broker hangs: exit 15, and where input stops" {
	fk_start_broker
	# Stopped, it still completes TCP handshakes but never answers: connected, no CONNACK.
	kill -STOP "$FK_BROKER_PID"
	mq_lines 2000 "$FK_TMP/in"
	mq_bg "$FK_TMP/in" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 \
		-t 'hang/{serial}' --spool "$FK_TMP/spool" --spool-max 65536
	pid=$FK_LAST_PID
	fk_wait_for 10 mq_read_whole "$pid" "$FK_TMP/in"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	kill -CONT "$FK_BROKER_PID"
	[ "$rc" -eq 15 ]
	err=$(cat "$FK_TMP/err")
	[[ "$err" =~ ^"mqpub: stopped by signal after line "([0-9]+)"; "([0-9]+)" messages not acknowledged; kept in spool $FK_TMP/spool
mqpub: $FK_TMP/spool: spool full (limit 65536 bytes); input not consumed from line "([0-9]+)$ ]]
	line=${BASH_REMATCH[1]}
	kept=${BASH_REMATCH[2]}
	[ "${BASH_REMATCH[3]}" -eq "$line" ]
	[ "$kept" -eq $((line - 1)) ]
	[ "$line" -gt 100 ]
	[ "$line" -lt 2000 ]
	# What was kept is delivered by the next run.
	mq_sub "$FK_TMP/sub" 'hang/#'
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 -t 'hang/{serial}' \
		--spool "$FK_TMP/spool" < /dev/null
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" "$kept"
	mq_seq_check "$FK_TMP/sub" 0 $((kept - 1))
}

@test "a full disk under the spool: input stops where nothing more fits, exit 10; all kept arrives" {
	# A real small file system: a 256 KiB tmpfs, far below --spool-max.
	MQ_DISK=$FK_TMP/disk
	mkdir "$MQ_DISK"
	mount -t tmpfs -o size=256k tmpfs "$MQ_DISK"
	port=$(fk_free_port)
	mq_lines 20000 "$FK_TMP/in"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t 'disk/{serial}' \
		--spool "$MQ_DISK/spool" --drain-timeout 2 < "$FK_TMP/in"
	echo "$stderr"
	[ "$status" -eq 10 ]
	[[ "$stderr" =~ "mqpub: "([0-9]+)" messages not acknowledged; kept in spool $MQ_DISK/spool
mqpub: $MQ_DISK/spool: no room left on its file system ("[0-9]+" bytes free); input not consumed from line "([0-9]+)$ ]]
	kept=${BASH_REMATCH[1]}
	from=${BASH_REMATCH[2]}
	[ "$kept" -eq $((from - 1)) ]
	[ "$from" -gt 100 ]
	[ "$from" -lt 20000 ]
	run ! grep -q lost <<< "$stderr"
	# The next run delivers exactly what was reported kept: kept + not read = input.
	mq_drain_spool "$port" "$MQ_DISK/spool" disk
	mq_seq_check "$FK_TMP/sub" 0 $((from - 2))
	[ $(( $(mq_got "$FK_TMP/sub" | wc -l) + 20000 - (from - 1) )) -eq 20000 ]
}

@test "a segment whose header is damaged: set aside, how many messages it held is said, exit 1" {
	spool_offline 1000 dh
	# One byte of the header's count flipped.
	printf X | dd of="$seg" bs=1 seek=20 conv=notrunc status=none
	FK_BROKER_PORT_WANT=$port fk_start_broker
	mq_sub "$FK_TMP/sub" 'dh/#'
	mq_lines 5 "$FK_TMP/in2" 2000
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t 'dh/{serial}' \
		--spool "$FK_TMP/spool" < "$FK_TMP/in2"
	[ "$status" -eq 1 ]
	[ "$stderr" = "mqpub: $FK_TMP/spool/0000000000000000.seg: not an intact spool segment (1000 messages not sent); renamed 0000000000000000.seg.bad" ]
	[ -f "$seg.bad" ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 5
	mq_seq_check "$FK_TMP/sub" 2000 2004
}
