#!/bin/bash
# One temread of one meter from temsim pacing its bytes at 9600 baud (10 bits a byte, as a UART):
# bytes exchanged, wall time, and the wire-time lower bound for those bytes; ratio wall / bound.
# The bound counts only bytes on the line; the rest is turnaround and our own overhead.
# Then the same meter answering 200 ms after each request: the extra wall time against
# requests x turnaround (1.00 = the turnaround is all it costs).
# BENCH_RUNS=n repeats each read n times (default 3) and reports the best and the median.
set -eu
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-temread.XXXXXX")
sim_pid=
stop_sim() {
	if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
	sim_pid=
}
cleanup() {
	stop_sim
	rm -rf "$tmp"
}
trap cleanup EXIT

baud=9600
turn=200
runs=${BENCH_RUNS:-3}

# measure NAME TEMSIM-OPTIONS...: sets best, median (ms wall), link (best ms on the line),
# requests and bytes per read
measure() {
	local name=$1 t0 sorted times=()
	shift
	rm -f "$tmp/tty" "$tmp/stats"
	temsim --pace -b "$baud" --link "$tmp/tty" --stats "$tmp/stats" "$@" > /dev/null &
	sim_pid=$!
	for _ in $(seq 250); do [ -L "$tmp/tty" ] && break; sleep 0.02; done
	[ -L "$tmp/tty" ] || { echo "temsim did not start" >&2; exit 1; }
	links=()
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		temread -d "$tmp/tty" -b "$baud" --trace > "$tmp/out" 2> "$tmp/trace"
		times+=($(( ($(date +%s%N) - t0) / 1000000 )))
		jq -e '.serial == 1000001' "$tmp/out" > /dev/null ||
			{ echo "temread gave a wrong reading ($name)" >&2; exit 1; }
		# on the line: first request sent to last answer taken, from the trace's times
		links+=("$(awk '{ split(substr($1, 12, 12), t, ":"); ms = (t[1] * 3600 + t[2] * 60 + t[3]) * 1000
			if (NR == 1) first = ms; last = ms } END { printf "%d", last - first }' "$tmp/trace")")
	done
	link=$(printf '%s\n' "${links[@]}" | sort -n | head -n 1)
	stop_sim
	read -r _ requests _ rx _ tx < "$tmp/stats"
	requests=$((requests / runs))
	bytes=$(( (rx + tx) / runs ))
	sorted=$(printf '%s\n' "${times[@]}" | sort -n)
	best=$(head -n 1 <<<"$sorted")
	median=$(sed -n "$(( (runs + 1) / 2 ))p" <<<"$sorted")
}

measure prompt
awk -v req="$requests" -v b="$bytes" -v baud="$baud" -v best="$best" -v med="$median" -v n="$runs" \
    -v link="$link" 'BEGIN {
	bound = b * 10 / baud * 1000
	printf "temread, 1 meter at %d baud (paced): %d requests, %d bytes exchanged a read\n", baud, req, b
	printf "  wire-time lower bound %.0f ms; wall time best %d ms, median %d ms of %d\n", bound, best, med, n
	printf "  ratio wall/bound: best %.2f, median %.2f (1.00 = the line never idle)\n", best / bound, med / bound
	printf "  on the line (first request to last answer, --trace): best %d ms, ratio %.2f\n", link, link / bound
}'
p_best=$best p_median=$median p_requests=$requests p_link=$link
measure turnaround --turnaround "$turn"
[ "$requests" -eq "$p_requests" ] || { echo "turnaround changed the requests: $p_requests -> $requests" >&2; exit 1; }
awk -v req="$requests" -v t="$turn" -v pb="$p_best" -v pm="$p_median" -v best="$best" -v med="$median" \
    -v pl="$p_link" -v link="$link" 'BEGIN {
	cost = req * t
	printf "temread, the same meter answering %d ms after each request:\n", t
	printf "  wall time best %d ms, median %d ms; requests x turnaround = %d x %d = %d ms\n", best, med, req, t, cost
	printf "  extra over prompt: best %d ms, median %d ms; ratio extra/(requests x turnaround): best %.2f, median %.2f\n",
	    best - pb, med - pm, (best - pb) / cost, (med - pm) / cost
	printf "  on the line: %d ms, %d more than prompt; ratio %.2f\n", link, link - pl, (link - pl) / cost
}'
