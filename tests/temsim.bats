#!/usr/bin/env bats
# temsim seen from the line: raw TEM-106 frames on its pseudo-terminal, archive, signals, faults.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	fk_setup
	# A bare-bones master for the raw frames: no temread logic in between.
	cat > "$FK_TMP/tem.py" <<-'EOF'
	import os, select, sys, termios, time, tty
	fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
	tty.setraw(fd)
	termios.tcflush(fd, termios.TCIFLUSH)
	def frame(b):
	    return b + bytes([~sum(b) & 0xFF])
	def req(a, g, c, data):
	    return frame(bytes([0x55, a, a ^ 0xFF, g, c, len(data)]) + data)
	def whole(b):             # a complete answer frame is in b (echo and noise may precede it)
	    for i in range(len(b) - 5):
	        if b[i] == 0xAA and b[i + 1] ^ b[i + 2] == 0xFF and len(b) >= i + 7 + b[i + 5]:
	            return True
	    return False
	def collect(first=1.5):
	    out = b""
	    while not whole(out) and select.select([fd], [], [], 0.6 if out else first)[0]:
	        try:
	            b = os.read(fd, 4096)
	        except OSError:
	            break
	        if not b:
	            break
	        out += b
	    return out
	cmd, args = sys.argv[2], sys.argv[3:]
	if cmd == "ask":          # ask ADDR CGRP CMD [DATA...] (hex): everything that comes back
	    a, g, c = (int(x, 16) for x in args[:3])
	    os.write(fd, req(a, g, c, bytes(int(x, 16) for x in args[3:])))
	    print(collect().hex(" ").upper())
	elif cmd == "flash":      # flash ADDR N: N bytes from meter 1's flash, in 64-byte reads
	    at, n, got = int(args[0], 16), int(args[1]), b""
	    while len(got) < n:
	        k = min(64, n - len(got))
	        os.write(fd, req(1, 0x0F, 0x03, bytes([k]) + (at + len(got)).to_bytes(4, "big")))
	        ans = collect()
	        assert ans[:6] == bytes([0xAA, 1, 0xFE, 0x0F, 0x03, k]) and len(ans) == k + 7, ans.hex()
	        got += ans[6:6 + k]
	    print(got.hex(" ").upper())
	elif cmd == "split":      # split GAP_S: a RAM read sent in two parts GAP_S apart
	    r = req(1, 0x0F, 0x01, bytes([0x04, 0x82, 0x06]))
	    os.write(fd, r[:8])
	    time.sleep(float(args[0]))  # the gap under test, not a wait for anything
	    os.write(fd, r[8:])
	    print(collect().hex(" ").upper())
	elif cmd == "timed":      # timed ADDR CGRP CMD [DATA...]: reads that brought bytes, ms to each
	    a, g, c = (int(x, 16) for x in args[:3])
	    r = req(a, g, c, bytes(int(x, 16) for x in args[3:]))
	    t0, out, reads = time.monotonic(), b"", []
	    os.write(fd, r)
	    while not whole(out[len(r):]) and select.select([fd], [], [], 5)[0]:
	        b = os.read(fd, 4096)
	        out += b
	        reads.append((round((time.monotonic() - t0) * 1000), b.hex(" ").upper()))
	    for ms, b in reads:
	        print(ms, b)
	elif cmd == "queue":      # queue SECONDS REQ...: REQ = ADDR:HEX:N RAM reads sent back to back;
	    for q in args[1:]:    # the answers' data seen within SECONDS, one a line
	        a, at, n = q.split(":")
	        os.write(fd, req(int(a, 16), 0x0F, 0x01, int(at, 16).to_bytes(2, "big") + bytes([int(n)])))
	    out, end = b"", time.monotonic() + float(args[0])
	    while time.monotonic() < end and select.select([fd], [], [], max(0, end - time.monotonic()))[0]:
	        out += os.read(fd, 4096)
	    i = 0
	    while i + 6 < len(out):
	        if out[i] == 0xAA and out[i + 1] ^ out[i + 2] == 0xFF and i + 7 + out[i + 5] <= len(out):
	            print(out[i + 6:i + 6 + out[i + 5]].hex(" ").upper())
	            i += 7 + out[i + 5]
	        else:
	            i += 1
	EOF
}
teardown() { fk_teardown; }

tem() { python3 "$FK_TMP/tem.py" "$FK_TTY" "$@"; }

# Hex bytes with their checksum appended (NOT of the low byte of the sum).
cs() {
	local s=0 b
	for b in "$@"; do s=$((s + 16#$b)); done
	printf '%s %02X\n' "$*" $((~s & 0xFF))
}

@test "prints the device path, links it, serves until SIGTERM, removes the link" {
	fk_bg temsim --link "$FK_TMP/tty" > "$FK_TMP/out"
	pid=$FK_LAST_PID
	fk_wait_for 5 test -s "$FK_TMP/out"
	path=$(cat "$FK_TMP/out")
	[[ "$path" == /dev/pts/* ]]
	[ -c "$path" ]
	[ "$(readlink "$FK_TMP/tty")" = "$path" ]
	kill -TERM "$pid"
	rc=0; wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -e "$FK_TMP/tty" ]
}

@test "identify and timer RAM reads, with the adapter's echo" {
	fk_start_temsim --echo
	run tem ask 01 00 00
	[ "$output" = "55 01 FE 00 00 00 AB $(cs AA 01 FE 00 00 07 D2 C5 CC D1 31 30 36)" ]
	run tem ask 01 0F 01 04 82 06
	[ "$output" = "$(cs 55 01 FE 0F 01 03 04 82 06) $(cs AA 01 FE 0F 01 06 33 15 14 02 03 26)" ]
	# comma at 0x02FA, then lvolume of system 1 (a float fraction 0.25 = 3E 80 00 00)
	run tem ask 01 0F 01 02 FA 0A
	[ "$output" = "$(cs 55 01 FE 0F 01 03 02 FA 0A) $(cs AA 01 FE 0F 01 0A 04 03 00 00 00 00 3E 80 00 00)" ]
	# past the 2 KiB: zeros
	run tem ask 01 0F 01 07 FE 04
	[ "${output#* * * * * * * * * * }" = "$(cs AA 01 FE 0F 01 04 00 00 00 00)" ]
}

@test "each address is its own meter; others stay silent" {
	fk_start_temsim -a 1 -a 5
	run tem ask 05 0F 01 01 52 04
	[ "$output" = "$(cs AA 05 FA 0F 01 04 00 0F 42 45)" ]	# 1000005
	run tem ask 01 0F 01 01 72 01
	[ "$output" = "$(cs AA 01 FE 0F 01 01 01)" ]		# net_num
	run tem ask 02 00 00
	[ -z "$output" ]
}

@test "archive pointers and records as temsim(1) documents them" {
	fk_start_temsim
	run tem ask 01 0F 01 04 F4 0C
	[ "$output" = "$(cs AA 01 FE 0F 01 0C 00 20 48 00 00 2A 2F 00 00 2E 74 80)" ]
	# newest hourly: slot 47 at 47 * 384 = 0x4680, written 14:00 covering 13:00
	run tem flash 4680 384
	set -- $output
	[ "$#" -eq 384 ]
	[ "$1 $2 $3 $4" = "14 02 03 26" ]
	shift 373
	[ "$1 $2 $3 $4" = "13 02 03 26" ]
	run tem flash 4680 384
	sum=0
	for b in $output; do sum=$((sum + 16#$b)); done
	last=${output##* }
	sum=$((sum - 16#$last))
	[ "$(printf '%02X' $((~sum & 0xFF)))" = "$last" ]
	# the slot after it is erased
	run tem flash 4800 4
	[ "$output" = "FF FF FF FF" ]
	# newest daily and monthly records
	run tem flash A2D80 4
	[ "$output" = "00 02 03 26" ]
	run tem flash E7300 4
	[ "$output" = "00 01 03 26" ]
	# flash beyond 1 MiB reads erased
	run tem flash FFFFE 4
	[ "$output" = "FF FF FF FF" ]
}

@test "an empty archive and a wrapped 512 KiB one" {
	fk_start_temsim --hours 0 --days 0 --months 0
	run tem ask 01 0F 01 04 F4 0C
	[ "$output" = "$(cs AA 01 FE 0F 01 0C 00 20 00 00 00 2A 20 00 00 2E 70 00)" ]
	run tem flash 0 8
	[ "$output" = "FF FF FF FF FF FF FF FF" ]
	kill "$FK_SIM_PID"
	fk_wait_gone "$FK_SIM_PID"
	fk_start_temsim --flash 512 --hours 870 --months 130
	run tem ask 01 0F 01 01 68 02
	[ "$output" = "$(cs AA 01 FE 0F 01 02 1F 24)" ]
	# 870 records in 864 slots: the next is slot 6; 130 in 128: slot 2
	run tem ask 01 0F 01 04 F4 0C
	[ "$output" = "$(cs AA 01 FE 0F 01 0C 00 20 09 00 00 25 1F 00 00 27 3B 00)" ]
	run tem flash 780 4
	[ "$output" = "14 02 03 26" ]
	run tem flash 80000 4
	[ "$output" = "FF FF FF FF" ]
}

@test "SIGUSR1 writes the next records, SIGUSR2 erases the archive" {
	fk_start_temsim --clock 2026-03-31T23:10:00
	kill -USR1 "$FK_SIM_PID"
	fk_wait_for 5 sh -c "python3 '$FK_TMP/tem.py' '$FK_TTY' ask 01 0F 01 04 82 06 | grep -q ' 00 00 00 01 04 26 '"
	# hourly slot 48, daily slot 10, monthly slot 3 written at 2026-04-01 00:00
	run tem ask 01 0F 01 04 F4 0C
	[ "$output" = "$(cs AA 01 FE 0F 01 0C 00 20 49 80 00 2A 30 80 00 2E 76 00)" ]
	run tem flash 4800 4
	[ "$output" = "00 01 04 26" ]
	run tem flash A2F00 4
	[ "$output" = "00 01 04 26" ]
	run tem flash E7480 4
	[ "$output" = "00 01 04 26" ]
	kill -USR2 "$FK_SIM_PID"
	fk_wait_for 5 sh -c "python3 '$FK_TMP/tem.py' '$FK_TTY' ask 01 0F 01 04 F4 04 | grep -q '^AA 01 FE 0F 01 04 00 20 00 00 '"
	run tem flash 4800 4
	[ "$output" = "FF FF FF FF" ]
}

@test "noise, bad checksums and dropped requests" {
	fk_start_temsim --noise 5 --bad-cs 1 --drop 1
	run tem ask 01 00 00
	[ -z "$output" ]
	good=$(cs AA 01 FE 00 00 07 D2 C5 CC D1 31 30 36)
	run tem ask 01 00 00
	set -- $output
	[ "$#" -eq 19 ]
	[ "${output:15}" != "$good" ]
	[ "${output:15:38}" = "${good:0:38}" ]
	run tem ask 01 00 00
	[ "${output:15}" = "$good" ]
}

@test "a request cut by a gap over 0.5 s is discarded" {
	fk_start_temsim
	run tem split 0.1
	[ "$output" = "$(cs AA 01 FE 0F 01 06 33 15 14 02 03 26)" ]
	run tem split 0.8
	[ -z "$output" ]
}

@test "--vanish-after closes the line and exits" {
	fk_start_temsim --vanish-after 1
	run tem ask 01 00 00
	[ -n "$output" ]
	run tem ask 01 00 00
	[ -z "$output" ]
	fk_wait_gone "$FK_SIM_PID" 5
	[ ! -e "$FK_TTY" ]
}

@test "-v logs each request, --stats counts them on exit" {
	fk_start_temsim -v --stats "$FK_TMP/stats" 2> "$FK_TMP/log"
	tem ask 01 00 00 > /dev/null
	tem ask 09 00 00 > /dev/null
	tem ask 01 0F 01 00 00 00 > /dev/null
	tem ask 01 0F 03 40 00 0A 20 00 > /dev/null
	kill "$FK_SIM_PID"
	fk_wait_gone "$FK_SIM_PID"
	[ "$(cat "$FK_TMP/log")" = "temsim: request 1: meter 1 identify: answered
temsim: request 2: meter 9 identify: absent
temsim: request 3: meter 1 read ram 0x0000 0: refused
temsim: request 4: meter 1 read flash 0x000A2000 64: answered" ]
	# 7 + 7 + 10 + 12 bytes in; 14 + 71 out
	[ "$(cat "$FK_TMP/stats")" = "requests 4 bytes_rx 36 bytes_tx 85" ]
}

@test "--image sets values per meter" {
	cat > "$FK_TMP/img.json" <<-'EOF'
	{"clock": "2030-01-02T03:04:05",
	 "meters": {"2": {"serial": 4711, "model": "TEMC106"}}}
	EOF
	fk_start_temsim -a 1 -a 2 --image "$FK_TMP/img.json"
	run tem ask 02 00 00
	[ "$output" = "$(cs AA 02 FD 00 00 07 54 45 4D 43 31 30 36)" ]
	run tem ask 02 0F 01 01 52 04
	[ "$output" = "$(cs AA 02 FD 0F 01 04 00 00 12 67)" ]
	run tem ask 01 0F 01 01 52 04
	[ "$output" = "$(cs AA 01 FE 0F 01 04 00 0F 42 41)" ]
	run tem ask 01 0F 01 04 82 06
	[ "$output" = "$(cs AA 01 FE 0F 01 06 05 04 03 02 01 30)" ]
}

@test "bad options and images" {
	run --separate-stderr temsim --flash 700
	[ "$status" -eq 2 ]
	[ "$stderr" = "temsim: --flash: 700: expected 512 or 1024" ]
	run --separate-stderr temsim --clock 2019-12-31T00:00:00
	[ "$status" -eq 2 ]
	[ "$stderr" = "temsim: --clock: 2019-12-31T00:00:00: expected YYYY-MM-DDTHH:MM:SS, 2020..2099" ]
	run --separate-stderr temsim -a 3 -a 3
	[ "$status" -eq 2 ]
	[ "$stderr" = "temsim: -a: 3: given twice" ]
	run --separate-stderr temsim --noise 2000
	[ "$stderr" = "temsim: --noise: 2000: too large (expected 0..1024)" ]
	run --separate-stderr temsim --image "$FK_TMP/none.json"
	[ "$status" -eq 6 ]
	[ "$stderr" = "temsim: $FK_TMP/none.json: No such file or directory" ]
	echo '{"meters": {"1": {"systems": [{"comma": 300}]}}}' > "$FK_TMP/bad.json"
	run --separate-stderr temsim --image "$FK_TMP/bad.json"
	[ "$status" -eq 2 ]
	[ "$stderr" = "temsim: $FK_TMP/bad.json: meters.1.systems[0].comma: expected an integer 0..255" ]
	echo 'not json' > "$FK_TMP/bad.json"
	run --separate-stderr temsim --image "$FK_TMP/bad.json"
	[ "$stderr" = "temsim: $FK_TMP/bad.json: not a JSON object" ]
	run --separate-stderr temsim stray
	[ "$status" -eq 2 ]
	[[ "$stderr" == "usage: temsim "* ]]
	[ -z "$output" ]
}

# From "timed" output (ms since the request was written, then the bytes of one read): when the
# 10-byte echo was complete, and in how many reads.
echo_end() { awk '{ n += NF - 1; if (n >= 10) { print $1; exit } }'; }
echo_reads() { awk '{ n += NF - 1; if (n >= 10) { print NR; exit } }'; }

@test "--echo comes back byte by byte as the request crosses the line at -b" {
	fk_start_temsim --echo -b 1200
	# Timed from the write, not from the first byte read: a busy machine can only make the echo
	# later. A reader it holds up finds the bytes in fewer reads: one of three tries must show them.
	for try in 1 2 3; do
		run tem timed 01 0F 01 01 52 04
		[ "$status" -eq 0 ]
		echo "try $try: $output"
		reads=$(printf '%s\n' "$output" | echo_reads)
		last_echo=$(printf '%s\n' "$output" | echo_end)
		if [ "$reads" -ge 3 ]; then break; fi
	done
	# 10 request bytes at 1200 baud take 83 ms: they cannot all come back in one read
	[ "$reads" -ge 3 ]
	# the last echo byte comes back no sooner than 9 byte times (75 ms) after the write
	[ "$last_echo" -ge 75 ]
	[ "$(printf '%s\n' "$output" | cut -d' ' -f2- | tr '\n' ' ' | sed 's/ $//')" = \
		"$(cs 55 01 FE 0F 01 03 01 52 04) $(cs AA 01 FE 0F 01 04 00 0F 42 41)" ]
}

@test "--turnaround: the answer starts that long after the request's last byte" {
	fk_start_temsim --echo --turnaround 700
	run tem timed 01 0F 01 01 52 04
	[ "$status" -eq 0 ]
	echo "$output"
	ans=$(printf '%s\n' "$output" | grep AA | head -n 1 | cut -d' ' -f1)
	last_echo=$(printf '%s\n' "$output" | echo_end)
	[ "$((ans - last_echo))" -ge 690 ]
}

@test "a meter answers only the newest request; --gateway answers every one, in turn" {
	fk_start_temsim --turnaround 300
	# serial 1000001 (0x0152), comma and lvolume (0x02FA): the second replaces the first
	run tem queue 2 01:0152:4 01:02FA:2
	[ "$output" = "04 03" ]
	kill "$FK_SIM_PID"
	FK_TTY=$FK_TMP/tty2
	fk_start_temsim --gateway --turnaround 300
	run tem queue 3 01:0152:4 01:02FA:2 01:0152:2
	[ "$output" = "$(printf '00 0F 42 41\n04 03\n00 0F')" ]
}

@test "--glitch puts one 00 or FF byte before every answer" {
	fk_start_temsim --glitch ff --noise 2
	run tem ask 01 0F 01 01 52 04
	set -- $output
	[ "$3" = FF ]
	[ "${output#* * * }" = "$(cs AA 01 FE 0F 01 04 00 0F 42 41)" ]
	kill "$FK_SIM_PID"
	FK_TTY=$FK_TMP/tty2
	fk_start_temsim --glitch 00
	run tem ask 01 0F 01 01 52 04
	[ "$output" = "00 $(cs AA 01 FE 0F 01 04 00 0F 42 41)" ]
	run -2 temsim --glitch 7F
	[[ "$output" == *"--glitch: 7F: expected 00 or ff"* ]]
}
