#!/bin/bash
# mqpub against mosquitto_pub -l on one private mosquitto at its default settings (as users run
# it: 20 unfinished messages per client at MQTT 3.1.1), same run, same input: lines per second at
# QoS 0, 1 and 2 (60000 lines), messages delivered, and mqpub's peak RSS for ten times the input.
# Prints figures and ratios; asserts nothing on time.
set -u
N=${MQPUB_BENCH_LINES:-60000}
ROUNDS=${MQPUB_BENCH_ROUNDS:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mqbench.XXXXXX")
broker=
cleanup() {
	[ -n "$broker" ] && kill "$broker" 2>/dev/null && wait "$broker" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
{
	echo "listener $port 127.0.0.1"
	echo "allow_anonymous true"
	echo "persistence false"
	[ "$(id -u)" -eq 0 ] && echo "user root"
} > "$tmp/mosquitto.conf"
mosquitto -c "$tmp/mosquitto.conf" 2> "$tmp/mosquitto.log" &
broker=$!
for _ in $(seq 250); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.02
done

python3 - "$N" "$tmp" <<'PY'
import json, sys
n, d = int(sys.argv[1]), sys.argv[2]
with open(d + "/in", "w") as f, open(d + "/in10", "w") as g:
    for i in range(10 * n):
        line = json.dumps({"serial": 1000 + i % 7, "seq": i, "energy_kwh": 12345.6 + i,
                           "t_c": 23.5, "time": "2026-11-21T10:59:55Z"}) + "\n"
        if i < n:
            f.write(line)
        g.write(line)
PY

now_ns() { date +%s%N; }

# run_one TOOL QOS: one timed run with a subscriber counting; prints "ns delivered".
run_one() {
	local tool=$1 qos=$2 t0 t1 got
	# MQTT 5 with a large receive maximum: the broker's default queue limits for a slow
	# subscriber do not drop what the publishers delivered.
	timeout 120 mosquitto_sub -h 127.0.0.1 -p "$port" -q 1 -t 'bench/#' -t bench-sync -v \
		-V mqttv5 -D connect receive-maximum 65535 \
		> "$tmp/sub" 2>/dev/null &
	local sub=$!
	for _ in $(seq 250); do
		mosquitto_pub -h 127.0.0.1 -p "$port" -t bench-sync -m x 2>/dev/null
		grep -q '^bench-sync' "$tmp/sub" && break
		sleep 0.02
	done
	t0=$(now_ns)
	if [ "$tool" = mqpub ]; then
		mqpub -h 127.0.0.1 -p "$port" -q "$qos" -t bench/x < "$tmp/in" || echo "mqpub failed: $?" >&2
	else
		mosquitto_pub -h 127.0.0.1 -p "$port" -q "$qos" -t bench/x -l < "$tmp/in" ||
			echo "mosquitto_pub failed: $?" >&2
	fi
	t1=$(now_ns)
	# Everything the broker took is with the subscriber once a marker sent now arrives.
	mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t bench-sync -m "end-$t1"
	for _ in $(seq 1500); do
		grep -q "^bench-sync end-$t1\$" "$tmp/sub" && break
		sleep 0.02
	done
	# At QoS 0 the publisher may be gone while the broker still reads what it wrote, so the
	# marker can overtake: count until nothing more comes for a second.
	got=-1
	while [ "$got" -ne "$(grep -c '^bench/x ' "$tmp/sub")" ]; do
		got=$(grep -c '^bench/x ' "$tmp/sub")
		sleep 1
	done
	got=$(grep -c '^bench/x ' "$tmp/sub")
	kill "$sub" 2>/dev/null
	wait "$sub" 2>/dev/null
	echo "$((t1 - t0)) $got"
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

echo "mqpub: $N JSON lines to mosquitto $(mosquitto -h 2>/dev/null | sed -n 's/^mosquitto version \([^ ]*\).*/\1/p') on 127.0.0.1:$port, median of $ROUNDS alternating rounds"
for qos in 0 1 2; do
	: > "$tmp/t.mosquitto_pub"
	: > "$tmp/t.mqpub"
	for _ in $(seq "$ROUNDS"); do
		for tool in mosquitto_pub mqpub; do
			read -r ns got < <(run_one "$tool" "$qos")
			echo "$ns" >> "$tmp/t.$tool"
			echo "$got" > "$tmp/got.$tool"
		done
	done
	ref=$(median < "$tmp/t.mosquitto_pub")
	ours=$(median < "$tmp/t.mqpub")
	awk -v q="$qos" -v n="$N" -v r="$ref" -v o="$ours" -v gr="$(cat "$tmp/got.mosquitto_pub")" \
		-v go="$(cat "$tmp/got.mqpub")" 'BEGIN {
		printf "QoS %s: mosquitto_pub -l %.0f lines/s, mqpub %.0f lines/s, ratio %.2f", q, n / (r / 1e9), n / (o / 1e9), r / o
		printf " (delivered in the last round: mosquitto_pub %d/%d, mqpub %d/%d)\n", gr, n, go, n
	}'
done

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
r1=$(rss sh -c "exec mqpub -h 127.0.0.1 -p $port -q 1 -t bench/x < $tmp/in")
r10=$(rss sh -c "exec mqpub -h 127.0.0.1 -p $port -q 1 -t bench/x < $tmp/in10")
rm=$(rss sh -c "exec mosquitto_pub -h 127.0.0.1 -p $port -q 1 -t bench/x -l < $tmp/in")
awk -v a="$r1" -v b="$r10" -v m="$rm" -v n="$N" 'BEGIN {
	printf "peak RSS at QoS 1: mqpub %.1f MiB for %d lines, %.1f MiB for %d lines (x%.2f); mosquitto_pub -l %.1f MiB for %d lines\n", a / 1024, n, b / 1024, 10 * n, b / a, m / 1024, n
}'
