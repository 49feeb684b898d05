#!/bin/bash
# udpmsg over a veth pair between two network namespaces (the ESP report's addresses):
# messages per second in plain and confirmed mode, and the confirmed-mode latency
# distribution at 0 % and 30 % loss (tests/tools/udprelay, fixed seed).
# The reference for plain mode is espboard, a bare sendto() per line: the floor of the work.
set -eu

if [ "$(id -u)" -ne 0 ]; then
	echo "udpmsg bench: skipped (network namespaces need root)"
	exit 0
fi

N_PLAIN=${N_PLAIN:-200000}
N_ACK=${N_ACK:-100000}
N_LAT=${N_LAT:-1000}
tmp=$(mktemp -d)
pids=()
# shellcheck source=tests/netns.bash
. "$(dirname "$0")/../netns.bash"

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	fk_netns_down
	rm -rf "$tmp"
}
trap cleanup EXIT

fk_netns_up
pc=$NS_PC
board=$NS_BOARD

now() { date +%s.%N; }
bound() { [ -n "$(ip netns exec "$1" ss -Hunl "sport = :$2")" ]; }
wait_bound() {
	for _ in $(seq 1 250); do
		bound "$1" "$2" && return 0
		sleep 0.02
	done
	echo "udpmsg bench: nothing bound to $1:$2" >&2
	exit 1
}
# Lines in FILE once it stops growing (bounded: 5 s).
settled() {
	local last=-1 n
	for _ in $(seq 1 50); do
		n=$(wc -l < "$1")
		[ "$n" -eq "$last" ] && break
		last=$n
		sleep 0.1
	done
	echo "$n"
}
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
pct() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print v[i] }'; }

listen_in() {
	ip netns exec "$1" udpmsg listen > "$2" &
	pids+=($!)
	wait_bound "$1" 2380
}

stop_last() {
	local p=${pids[-1]}
	kill "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	unset 'pids[-1]'
}

# Plain: board -> PC, udpmsg send against espboard's bare loop, same lines, same path.
seq 1 "$N_PLAIN" > "$tmp/lines"
listen_in "$pc" "$tmp/plain.out"
t0=$(now)
ip netns exec "$board" udpmsg send 11.11.11.11 < "$tmp/lines"
t_udp=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
got_udp=$(settled "$tmp/plain.out")
stop_last

listen_in "$pc" "$tmp/ref.out"
t0=$(now)
ip netns exec "$board" espboard -e < "$tmp/lines" > /dev/null
t_ref=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
got_ref=$(settled "$tmp/ref.out")
stop_last

plain=$(rate "$N_PLAIN" "$t_udp")
refr=$(rate "$N_PLAIN" "$t_ref")
echo "plain: $N_PLAIN messages sent in ${t_udp}s: $plain msg/s; listener printed $got_udp"
echo "reference (espboard, bare sendto per line): $refr msg/s; listener printed $got_ref"
echo "ratio plain/reference: $(ratio "$plain" "$refr")"

# Confirmed, no loss: PC -> board, default window and a wide one.
for w in 16 64; do
	listen_in "$board" "$tmp/ack$w.listen"
	t0=$(now)
	head -n "$N_ACK" "$tmp/lines" |
		ip netns exec "$pc" udpmsg send --ack --window "$w" 11.11.11.111 > "$tmp/ack$w.out"
	t=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
	ok=$(grep -c '"confirmed":true' "$tmp/ack$w.out" || true)
	r=$(rate "$N_ACK" "$t")
	echo "confirmed, window $w: $N_ACK messages in ${t}s: $r msg/s ($ok confirmed); ratio confirmed/plain $(ratio "$r" "$plain")"
	stop_last
done

# Latency through the relay at 0 % and 30 % loss both ways, default timeout and retries.
for loss in 0 30; do
	listen_in "$board" "$tmp/lat$loss.listen"
	ip netns exec "$board" udprelay -l 11.11.11.111:2381 -t 11.11.11.111:2380 \
		--loss "$loss" --seed 7 2> /dev/null &
	pids+=($!)
	wait_bound "$board" 2381
	t0=$(now)
	head -n "$N_LAT" "$tmp/lines" |
		ip netns exec "$pc" udpmsg send --ack --window 64 -p 2381 11.11.11.111 > "$tmp/lat$loss.out" || true
	t=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
	jq -r 'select(.confirmed) | .latency_ms' "$tmp/lat$loss.out" > "$tmp/lat$loss.ms"
	ok=$(wc -l < "$tmp/lat$loss.ms")
	printf 'confirmed latency at %2d %% loss: p50 %s ms, p90 %s ms, p99 %s ms, max %s ms (%s of %s confirmed, %s msg/s)\n' \
		"$loss" "$(pct "$tmp/lat$loss.ms" 50)" "$(pct "$tmp/lat$loss.ms" 90)" \
		"$(pct "$tmp/lat$loss.ms" 99)" "$(pct "$tmp/lat$loss.ms" 100)" "$ok" "$N_LAT" "$(rate "$N_LAT" "$t")"
	stop_last
	stop_last
done
echo "ratio p50 latency 30 %/0 %: $(ratio "$(pct "$tmp/lat30.ms" 50)" "$(pct "$tmp/lat0.ms" 50)")"
