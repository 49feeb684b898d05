#!/bin/bash
# temarchive benchmarks against temsim on a pseudo-terminal:
#  1. a full hourly-archive read at a paced 9600 baud: efficiency = wire-time lower bound / wall time
#  2. requests and bytes of an hourly cron run that finds one new record (the fast way), and
#     of the run once a day that also reads serial and setup again
#  3. --decode throughput on a dump of a full 1 MiB flash, in records/s
# BENCH_FLASH=512|1024 picks the flash for (1) (default 512: 864 records, about 7.5 minutes;
# 1024 takes about 15); BENCH_HOURS=n reads n records instead of a full ring;
# BENCH_SKIP_FULL=1 runs (2) alone, without the long full reads of (1) and (3).
set -eu
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-temarchive.XXXXXX")
sim_pid=
cleanup() {
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

now() { date +%s.%N; }

# start_sim ARGS...: temsim on $tmp/tty, its counters to $tmp/stats on exit.
start_sim() {
	rm -f "$tmp/tty" "$tmp/stats"
	temsim --link "$tmp/tty" --stats "$tmp/stats" "$@" > /dev/null &
	sim_pid=$!
	for _ in $(seq 250); do [ -L "$tmp/tty" ] && return 0; sleep 0.02; done
	echo "temsim did not start" >&2
	exit 1
}

stop_sim() {
	kill "$sim_pid"
	wait "$sim_pid" || true
	sim_pid=
}

# stat NAME: a counter from the stats file
stat() { sed -n "s/.*$1 \([0-9]*\).*/\1/p" "$tmp/stats"; }

flash=${BENCH_FLASH:-512}
ring=$([ "$flash" = 1024 ] && echo 1728 || echo 864)
hours=${BENCH_HOURS:-$ring}
skip_full=${BENCH_SKIP_FULL:-0}

if [ "$skip_full" = 1 ]; then
	echo "1. full hourly archive: skipped (BENCH_SKIP_FULL=1)"
else
echo "1. full hourly archive at 9600 baud, paced: $hours records, ${flash} KiB flash"
start_sim --pace -b 9600 --flash "$flash" --hours "$hours"
t0=$(now)
n=$(temarchive -d "$tmp/tty" -b 9600 -k hour | wc -l)
t1=$(now)
stop_sim
awk -v n="$n" -v want="$hours" -v t0="$t0" -v t1="$t1" -v rq="$(stat requests)" \
    -v rx="$(stat bytes_rx)" -v tx="$(stat bytes_tx)" 'BEGIN {
	wall = t1 - t0; wire = (rx + tx) * 10 / 9600
	printf "   records %d (of %d), requests %d, bytes %d (to meter %d, from meter %d)\n", n, want, rq, rx + tx, rx, tx
	printf "   wire-time lower bound %.1f s, wall %.1f s, efficiency %.3f (target >= 0.9)\n", wire, wall, wire / wall
	printf "   %.2f records/s; the line alone allows %.2f\n", n / wall, n / wire
	if (n != want) exit 1
}'
fi

# cron_run CLOCK HOURS LABEL REQUESTS BYTES: one paced --state run against the meter at
# CLOCK with HOURS records, which must find one new record; its figures against the targets.
cron_run() {
	start_sim --pace -b 9600 --clock "$1" --hours "$2"
	t0=$(now)
	n=$(temarchive -d "$tmp/tty" -k hour --state "$tmp/state" | wc -l)
	t1=$(now)
	stop_sim
	awk -v n="$n" -v t0="$t0" -v t1="$t1" -v rq="$(stat requests)" -v rx="$(stat bytes_rx)" \
	    -v tx="$(stat bytes_tx)" -v what="$3" -v target_rq="$4" -v target_b="$5" 'BEGIN {
		printf "   %s: records %d, requests %d (target %d), bytes %d (target %d), ratio %.2f\n",
		    what, n, rq, target_rq, rx + tx, target_b, (rx + tx) / target_b
		printf "      wall %.2f s at 9600 baud, the bytes alone take %.2f s\n", t1 - t0, (rx + tx) * 10 / 9600
		if (n != 1) exit 1
	}'
}

echo "2. hourly cron run that finds one new record (-k hour --state)"
start_sim --hours 48
temarchive -d "$tmp/tty" -k hour --state "$tmp/state" > /dev/null	# setup read 14:00
stop_sim
# Requests and answers: RAM read 10 + (7 + n), flash read 12 + (7 + n) bytes.
ptr=$((10 + 19)) rec=$((6 * (12 + 71))) id=$((10 + 31)) setup=$((10 + 35))
# the meter one hour later (as temsim after SIGUSR1): pointers and the record's 6 pieces
cron_run 2026-03-02T15:00:00 49 "hourly, the fast way" 7 $((ptr + rec))
# to 13:00 the next day unmeasured; then the record written 24 h after the setup was read
start_sim --clock 2026-03-03T13:00:00 --hours 71
temarchive -d "$tmp/tty" -k hour --state "$tmp/state" > /dev/null
stop_sim
cron_run 2026-03-03T14:00:00 72 "once a day, serial and setup again" 9 \
    $((ptr + rec + id + setup))

if [ "$skip_full" = 1 ]; then
	echo "3. --decode of a full 1 MiB dump: skipped (BENCH_SKIP_FULL=1)"
	exit 0
fi
echo "3. --decode of a full 1 MiB dump"
start_sim --hours 1728 --days 736 --months 256
temarchive -d "$tmp/tty" --dump "$tmp/dump" > "$tmp/live"
stop_sim
recs=$(wc -l < "$tmp/live")
rounds=5
t0=$(now)
for _ in $(seq "$rounds"); do temarchive --decode "$tmp/dump" > "$tmp/decoded"; done
t1=$(now)
cmp -s "$tmp/live" "$tmp/decoded" || { echo "   decoded lines differ from the live run" >&2; exit 1; }
awk -v recs="$recs" -v r="$rounds" -v t0="$t0" -v t1="$t1" -v size="$(wc -c < "$tmp/dump")" 'BEGIN {
	rate = recs * r / (t1 - t0)
	printf "   %d records, dump %.1f MB: %.0f records/s (%.1f MB/s of dump), %.0fx the 9600-baud read rate\n",
	    recs, size / 1e6, rate, size * r / (t1 - t0) / 1e6, rate / (9600 / 10 / 498)
}'
