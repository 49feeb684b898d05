#!/usr/bin/env bats
# udpmsg between two hosts: network namespaces joined by a veth pair with the ESP report's
# addresses, the board side 11.11.11.111 and the PC (the access point) 11.11.11.11/24.
# The board is tests/tools/espboard, a real UDP peer behaving like the published firmware;
# loss comes from tests/tools/udprelay (this kernel has no sch_netem for tc).

bats_require_minimum_version 1.5.0
load helpers

load netns

setup() {
	fk_setup
	[ "$(id -u)" -eq 0 ] || skip "network namespaces need root"
	fk_netns_up
}

teardown() {
	fk_teardown
	fk_netns_down
}

# caught_term PID: the process has its SIGTERM handler in place.
caught_term() {
	local k v m=
	while read -r k v; do [ "$k" != SigCgt: ] || m=$v; done < "/proc/$1/status"
	[ -n "$m" ] && (( (16#$m >> 14) & 1 ))
}
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

# raw NS HOST PORT HEX: one datagram of exactly these bytes, for what udpmsg itself refuses.
raw() {
	ip netns exec "$1" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(bytes.fromhex(sys.argv[3]), (sys.argv[1], int(sys.argv[2])))' "$2" "$3" "$4"
}

# listen_on NS [OPTIONS]: udpmsg listen there, output in $FK_TMP/listen.out; sets LISTEN_PID.
listen_on() {
	local ns=$1
	shift
	fk_bg ip netns exec "$ns" udpmsg listen "$@" > "$FK_TMP/listen.out"
	LISTEN_PID=$FK_LAST_PID
	fk_wait_for 5 udp_bound "$ns" 2380
}

@test "a board's plain datagrams come out of listen as one JSON line each" {
	listen_on "$NS_PC"
	start_board
	echo "Hardware & Software Labs" >&"$BOARD_FD"
	echo "Olá, 11.11.11.11" >&"$BOARD_FD"
	fk_wait_for 5 has_lines "$FK_TMP/listen.out" 2
	run jq -c 'del(.time)' "$FK_TMP/listen.out"
	[ "${lines[0]}" = '{"from":"11.11.11.111:2380","text":"Hardware & Software Labs","bytes":24}' ]
	[ "${lines[1]}" = '{"from":"11.11.11.111:2380","text":"Olá, 11.11.11.11","bytes":17}' ]
	[ "${#lines[@]}" -eq 2 ]
	run jq -r .time "$FK_TMP/listen.out"
	[[ "${lines[0]}" =~ ^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{3}Z$ ]]
}

@test "send delivers each message as one bare datagram the board reads whole" {
	start_board
	long=$(printf 'x%.0s' {1..254})
	run --separate-stderr on_pc udpmsg send 11.11.11.111 hello "two words" "$(printf 'caf\351')" "$long"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	fk_wait_for 5 has_lines "$FK_TMP/board.out" 4
	run cat "$FK_TMP/board.out"
	[[ "${lines[0]}" =~ ^rx\ 11\.11\.11\.11:[0-9]+\ 5\ 68656c6c6f$ ]]
	[ "${lines[1]#* * }" = "9 $(hex 'two words')" ]
	[ "${lines[2]#* * }" = "4 636166e9" ]
	# 254 bytes fill the board's buffer but for its terminating NUL: no overrun.
	[ "${lines[3]#* * }" = "254 $(hex "$long")" ]
}

@test "a message over 254 bytes is refused, not cut, and the rest still goes" {
	start_board
	run --separate-stderr on_pc udpmsg send 11.11.11.111 "$(printf 'y%.0s' {1..255})" after
	[ "$status" -eq 1 ]
	[ "$stderr" = "udpmsg: message 1: 255 bytes, more than 254 (see --split)" ]
	fk_wait_for 5 has_lines "$FK_TMP/board.out" 1
	[ "$(cut -d' ' -f3- "$FK_TMP/board.out")" = "5 $(hex after)" ]
	# What the refusal prevents: 255 bytes leave no room for the firmware's NUL.
	raw "$NS_PC" 11.11.11.111 2380 "$(hex "$(printf 'y%.0s' {1..255})")"
	fk_wait_for 5 has_lines "$FK_TMP/board.out" 2
	[[ "$(sed -n 2p "$FK_TMP/board.out")" == *" overrun" ]]
	# Lines from stdin are numbered as lines.
	run --separate-stderr on_pc sh -c 'printf "ok\n%0300d\n" 0 | udpmsg send 11.11.11.111'
	[ "$status" -eq 1 ]
	[ "$stderr" = "udpmsg: line 2: 300 bytes, more than 254 (see --split)" ]
}

@test "--split cuts a long message into datagrams of at most 254 bytes, never inside a character" {
	start_board
	msg="a$(printf 'é%.0s' {1..300})"
	run on_pc udpmsg send --split 11.11.11.111 "$msg"
	[ "$status" -eq 0 ]
	fk_wait_for 5 has_lines "$FK_TMP/board.out" 3
	run cut -d' ' -f3 "$FK_TMP/board.out"
	[ "${lines[*]}" = "253 254 94" ]
	[ "$(cut -d' ' -f4 "$FK_TMP/board.out" | tr -d '\n')" = "$(hex "$msg")" ]
	! grep -q overrun "$FK_TMP/board.out"
}

@test "a line of exactly 1 MiB is taken though its newline comes in a later read; 1 byte more is not" {
	start_board
	# The pause lets the reader hold all 1048576 bytes before the newline comes.
	run --separate-stderr on_pc sh -c '{ head -c 1048576 /dev/zero | tr "\0" x; sleep 0.5
		echo; echo after; } | udpmsg send --split 11.11.11.111'
	[ "$stderr" = "" ]
	[ "$status" -eq 0 ]
	run --separate-stderr on_pc sh -c '{ head -c 1048577 /dev/zero | tr "\0" x; sleep 0.5
		echo; echo after; } | udpmsg send --split 11.11.11.111'
	[ "$stderr" = "udpmsg: line 1: longer than 1048576 bytes" ]
	[ "$status" -eq 1 ]
}

@test "messages from stdin: one per line, empty lines skipped, other bytes kept as given" {
	start_board
	run on_pc sh -c 'printf "one\n\ntwo\r\nthree" | udpmsg send 11.11.11.111'
	[ "$status" -eq 0 ]
	fk_wait_for 5 has_lines "$FK_TMP/board.out" 3
	run cut -d' ' -f3- "$FK_TMP/board.out"
	[ "${lines[0]}" = "3 $(hex one)" ]
	[ "${lines[1]}" = "4 74776f0d" ]
	[ "${lines[2]}" = "5 $(hex three)" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "chat talks with the board both ways, on port 2380 like the firmware" {
	start_board
	mkfifo "$FK_TMP/chat.in"
	exec 7<>"$FK_TMP/chat.in"
	bg_from "$FK_TMP/chat.in" ip netns exec "$NS_PC" udpmsg chat 11.11.11.111 > "$FK_TMP/chat.out" 7>&-
	chat=$FK_LAST_PID
	fk_wait_for 5 udp_bound "$NS_PC" 2380
	echo "from the board" >&"$BOARD_FD"
	fk_wait_for 5 has_lines "$FK_TMP/chat.out" 1
	[ "$(jq -c 'del(.time)' "$FK_TMP/chat.out")" = '{"from":"11.11.11.111:2380","text":"from the board","bytes":14}' ]
	echo "from the PC" >&7
	fk_wait_for 5 has_lines "$FK_TMP/board.out" 1
	[ "$(cat "$FK_TMP/board.out")" = "rx 11.11.11.11:2380 11 $(hex 'from the PC')" ]
	echo "and again" >&"$BOARD_FD"
	fk_wait_for 5 has_lines "$FK_TMP/chat.out" 2
	[ "$(sed -n 2p "$FK_TMP/chat.out" | jq -r .text)" = "and again" ]
	# End of input ends the chat.
	exec 7>&-
	rc=0
	wait "$chat" || rc=$?
	[ "$rc" -eq 0 ]
}

@test "listen --reply answers each board datagram with a plain confirmation" {
	listen_on "$NS_PC" --reply ConfMsg
	start_board
	echo "hi" >&"$BOARD_FD"
	fk_wait_for 5 has_lines "$FK_TMP/board.out" 1
	[ "$(cat "$FK_TMP/board.out")" = "rx 11.11.11.11:2380 7 $(hex ConfMsg)" ]
	[ "$(jq -r .text "$FK_TMP/listen.out")" = "hi" ]
	run udpmsg listen --reply "$(printf 'r%.0s' {1..255})"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "udpmsg: --reply: 255 bytes, more than 254" ]
}

@test "listen reports binary, non-UTF-8, empty, oversized and malformed datagrams whole" {
	listen_on "$NS_PC"
	on_board udpmsg send 11.11.11.11 "$(printf 'caf\351')" "€𝄞"
	printf 'a\000b\001\377\n' | on_board udpmsg send 11.11.11.11
	raw "$NS_BOARD" 11.11.11.11 2380 "$(printf 'z%.0s' {1..1000} | od -An -v -tx1 | tr -d ' \n')"
	raw "$NS_BOARD" 11.11.11.11 2380 00554d44
	raw "$NS_BOARD" 11.11.11.11 2380 ""
	fk_wait_for 5 has_lines "$FK_TMP/listen.out" 6
	run jq -c '[.text, .hex, .bytes, .oversize, .error]' "$FK_TMP/listen.out"
	[ "${lines[0]}" = '["caf�","636166e9",4,null,null]' ]
	[ "${lines[1]}" = '["€𝄞",null,7,null,null]' ]
	[ "${lines[2]}" = '["a�b\u0001�","61006201ff",5,null,null]' ]
	[ "${lines[3]}" = "[\"$(printf 'z%.0s' {1..1000})\",null,1000,true,null]" ]
	[ "${lines[4]}" = '["�UMD","00554d44",4,null,"short confirmed-mode header"]' ]
	[ "${lines[5]}" = '["",null,0,null,null]' ]
	kill -0 "$LISTEN_PID"
}

@test "plain send refuses bytes a confirmed-mode receiver would take for a frame" {
	listen_on "$NS_BOARD"
	run --separate-stderr on_pc sh -c 'printf "\000UMx\n" | udpmsg send 11.11.11.111'
	[ "$status" -eq 1 ]
	[ "$stderr" = "udpmsg: line 1: starts with the confirmed-mode magic 00 55 4d (see --ack)" ]
	# In confirmed mode the same bytes are just a message.
	run on_pc sh -c 'printf "\000UMx\n" | udpmsg send --ack 11.11.11.111'
	[ "$status" -eq 0 ]
	fk_wait_for 5 has_lines "$FK_TMP/listen.out" 1
	[ "$(jq -c '[.id, .hex, .bytes]' "$FK_TMP/listen.out")" = '[1,"00554d78",4]' ]
}

@test "confirmed mode: each message confirmed, reported on both sides" {
	listen_on "$NS_BOARD"
	run --separate-stderr on_pc udpmsg send --ack 11.11.11.111 one two
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(jq -c '[.to, .id, .bytes, .confirmed, .attempts]' <<< "$output")" = \
	  "$(printf '%s\n' '["11.11.11.111:2380",1,3,true,1]' '["11.11.11.111:2380",2,3,true,1]')" ]
	[ "$(jq '.latency_ms >= 0' <<< "$output" | sort -u)" = true ]
	fk_wait_for 5 has_lines "$FK_TMP/listen.out" 2
	run jq -c '[.id, .text]' "$FK_TMP/listen.out"
	[ "${lines[*]}" = '[1,"one"] [2,"two"]' ]
	[[ "$(jq -r .from "$FK_TMP/listen.out" | head -n 1)" =~ ^11\.11\.11\.11:[0-9]+$ ]]
}

@test "confirmed mode: 1000 messages through 30 % loss both ways, each delivered exactly once" {
	listen_on "$NS_BOARD"
	fk_bg ip netns exec "$NS_BOARD" udprelay -l 11.11.11.111:2381 -t 11.11.11.111:2380 \
		--loss 30 --seed 7 2> "$FK_TMP/relay.err"
	relay=$FK_LAST_PID
	fk_wait_for 5 udp_bound "$NS_BOARD" 2381
	run --separate-stderr on_pc sh -c 'seq 1 1000 | udpmsg send --ack --timeout 20 --retries 30 \
		--window 64 -p 2381 11.11.11.111'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(jq -s 'map(select(.confirmed)) | length' <<< "$output")" -eq 1000 ]
	fk_wait_for 5 has_lines "$FK_TMP/listen.out" 1000
	diff <(jq -r .text "$FK_TMP/listen.out" | sort -n) <(seq 1 1000)
	[ "$(jq -r .id "$FK_TMP/listen.out" | sort -un | wc -l)" -eq 1000 ]
	# The loss was real: resends happened, and duplicates reached the listener and were dropped.
	[ "$(jq -s 'map(select(.attempts > 1)) | length' <<< "$output")" -ge 300 ]
	kill "$relay"
	fk_wait_for 5 grep -q passed "$FK_TMP/relay.err"
	read -r to_pass to_drop back_pass back_drop < <(awk '{print $4, $6, $9, $11}' "$FK_TMP/relay.err")
	[ "$to_pass" -gt 1000 ]
	[ $((to_drop * 100 / (to_pass + to_drop))) -ge 25 ]
	[ $((to_drop * 100 / (to_pass + to_drop))) -le 35 ]
	[ $((back_drop * 100 / (back_pass + back_drop))) -ge 25 ]
	[ $((back_drop * 100 / (back_pass + back_drop))) -le 35 ]
	[ "$(wc -l < "$FK_TMP/listen.out")" -eq 1000 ]
}

@test "confirmed mode: a peer that is gone is reported, status 4" {
	run --separate-stderr on_pc udpmsg send --ack --retries 2 --timeout 50 11.11.11.111 one two
	[ "$status" -eq 4 ]
	[ "$stderr" = "udpmsg: 11.11.11.111:2380: no answer: none of 2 messages confirmed" ]
	run jq -c '[.id, .confirmed, .attempts, .latency_ms]' <<< "$output"
	[ "${lines[*]}" = '[1,false,3,null] [2,false,3,null]' ]
}

@test "confirmed mode: a peer gone half way is a partial result, status 1" {
	listen_on "$NS_BOARD"
	mkfifo "$FK_TMP/send.in"
	exec 7<>"$FK_TMP/send.in"
	bg_from "$FK_TMP/send.in" ip netns exec "$NS_PC" udpmsg send --ack --retries 2 --timeout 50 \
		11.11.11.111 > "$FK_TMP/send.out" 2> "$FK_TMP/send.err" 7>&-
	sender=$FK_LAST_PID
	echo first >&7
	fk_wait_for 5 has_lines "$FK_TMP/send.out" 1
	kill "$LISTEN_PID"
	fk_wait_gone "$LISTEN_PID"
	echo second >&7
	exec 7>&-
	rc=0
	wait "$sender" || rc=$?
	[ "$rc" -eq 1 ]
	[ "$(cat "$FK_TMP/send.err")" = "udpmsg: 11.11.11.111:2380: 1 of 2 messages not confirmed" ]
	run jq -c '[.id, .line, .confirmed]' "$FK_TMP/send.out"
	[ "${lines[*]}" = '[1,1,true] [2,2,false]' ]
}

@test "chat --ack between two PC peers: confirmed both ways" {
	mkfifo "$FK_TMP/a.in" "$FK_TMP/b.in"
	exec 7<>"$FK_TMP/a.in" 8<>"$FK_TMP/b.in"
	bg_from "$FK_TMP/a.in" ip netns exec "$NS_PC" udpmsg chat --ack 11.11.11.111 \
		> "$FK_TMP/a.out" 7>&- 8>&-
	a=$FK_LAST_PID
	bg_from "$FK_TMP/b.in" ip netns exec "$NS_BOARD" udpmsg chat --ack 11.11.11.11 \
		> "$FK_TMP/b.out" 7>&- 8>&-
	b=$FK_LAST_PID
	fk_wait_for 5 udp_bound "$NS_PC" 2380
	fk_wait_for 5 udp_bound "$NS_BOARD" 2380
	echo ping >&7
	fk_wait_for 5 has_lines "$FK_TMP/a.out" 1
	fk_wait_for 5 has_lines "$FK_TMP/b.out" 1
	[ "$(jq -c '[.from, .id, .text]' "$FK_TMP/b.out")" = '["11.11.11.11:2380",1,"ping"]' ]
	[ "$(jq -c '[.to, .id, .confirmed]' "$FK_TMP/a.out")" = '["11.11.11.111:2380",1,true]' ]
	echo pong >&8
	fk_wait_for 5 has_lines "$FK_TMP/a.out" 2
	fk_wait_for 5 has_lines "$FK_TMP/b.out" 2
	[ "$(sed -n 2p "$FK_TMP/a.out" | jq -c '[.from, .id, .text]')" = '["11.11.11.111:2380",1,"pong"]' ]
	exec 7>&- 8>&-
	rc=0
	wait "$a" || rc=$?
	wait "$b" || rc=$((rc + $?))
	[ "$rc" -eq 0 ]
}

@test "signals: listen ends with 0, send stopped before its input ended with 15" {
	listen_on "$NS_PC"
	fk_wait_for 5 caught_term "$LISTEN_PID"
	kill -TERM "$LISTEN_PID"
	rc=0
	wait "$LISTEN_PID" || rc=$?
	[ "$rc" -eq 0 ]
	mkfifo "$FK_TMP/send.in"
	exec 7<>"$FK_TMP/send.in"
	bg_from "$FK_TMP/send.in" ip netns exec "$NS_PC" udpmsg send 11.11.11.111 7>&-
	sender=$FK_LAST_PID
	fk_wait_for 5 caught_term "$sender"
	kill -TERM "$sender"
	rc=0
	wait "$sender" || rc=$?
	[ "$rc" -eq 15 ] || { echo "rc=$rc"; false; }
}

send_until_status() {
	on_board udpmsg send 11.11.11.11 more
	test -s "$FK_TMP/status"
}

@test "a closed stdout ends listen quietly with status 0" {
	fk_bg ip netns exec "$NS_PC" bash -c 'udpmsg listen | head -n 1 > "$1"; echo "${PIPESTATUS[0]}" > "$2"' \
		_ "$FK_TMP/head.out" "$FK_TMP/status"
	fk_wait_for 5 udp_bound "$NS_PC" 2380
	on_board udpmsg send 11.11.11.11 one
	fk_wait_for 5 has_lines "$FK_TMP/head.out" 1
	# head may still be reading when a datagram comes: send until listen notices it is gone.
	fk_wait_for 5 send_until_status
	[ "$(cat "$FK_TMP/status")" = 0 ]
}

@test "a port in use or a foreign source address is status 6" {
	listen_on "$NS_PC"
	run --separate-stderr on_pc udpmsg listen
	[ "$status" -eq 6 ]
	[ "$stderr" = "udpmsg: 0.0.0.0:2380: Address already in use" ]
	run --separate-stderr on_pc udpmsg send -s 11.11.11.200 11.11.11.111 x
	[ "$status" -eq 6 ]
	[ "$stderr" = "udpmsg: 11.11.11.200:0: Cannot assign requested address" ]
}

@test "usage errors: options of another subcommand, tuning without --ack, missing host" {
	run --separate-stderr udpmsg listen --ack
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "udpmsg: --ack: not an option of listen" ]
	run --separate-stderr udpmsg send --retries 3 11.11.11.111 x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "udpmsg: --retries: needs --ack" ]
	run --separate-stderr udpmsg send -s 1.2.3.4 --split
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == "usage: udpmsg send "* ]]
	run --separate-stderr udpmsg chat 11.11.11.111 extra
	[ "$status" -eq 2 ]
	run --separate-stderr udpmsg send --ack --window 0 h
	[ "$status" -eq 2 ]
	[ "$stderr" = "udpmsg: --window: 0: too small (expected 1..1024)" ]
	run --separate-stderr udpmsg yell h
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "udpmsg: yell: unknown subcommand" ]
}

@test "pipe: mosquitto_sub -t esp/out | udpmsg send 11.11.11.111" {
	cat > "$FK_TMP/mosquitto.conf" <<-EOF
		listener 1883 127.0.0.1
		allow_anonymous true
		log_dest file $FK_TMP/mosquitto.log
		log_type all
		user root
	EOF
	fk_bg ip netns exec "$NS_PC" mosquitto -c "$FK_TMP/mosquitto.conf"
	fk_wait_for 10 sh -c "ip netns exec $NS_PC ss -Htln 'sport = :1883' | grep -q ."
	start_board
	fk_bg ip netns exec "$NS_PC" sh -c 'mosquitto_sub -h 127.0.0.1 -t esp/out | udpmsg send 11.11.11.111'
	fk_wait_for 10 grep -q "SUBSCRIBE" "$FK_TMP/mosquitto.log"
	on_pc mosquitto_pub -h 127.0.0.1 -t esp/out -m "t_c=21.5"
	on_pc mosquitto_pub -h 127.0.0.1 -t esp/out -m "second"
	fk_wait_for 5 has_lines "$FK_TMP/board.out" 2
	run cut -d' ' -f3- "$FK_TMP/board.out"
	[ "${lines[0]}" = "8 $(hex t_c=21.5)" ]
	[ "${lines[1]}" = "6 $(hex second)" ]
}

@test "pipe: udpmsg listen | mqpub -t 'esp/{from}'" {
	command -v mqpub > /dev/null || skip "mqpub is not built in this tree"
	cat > "$FK_TMP/mosquitto.conf" <<-EOF
		listener 1883 127.0.0.1
		allow_anonymous true
		log_dest file $FK_TMP/mosquitto.log
		log_type all
		user root
	EOF
	fk_bg ip netns exec "$NS_PC" mosquitto -c "$FK_TMP/mosquitto.conf"
	fk_wait_for 10 sh -c "ip netns exec $NS_PC ss -Htln 'sport = :1883' | grep -q ."
	fk_bg ip netns exec "$NS_PC" mosquitto_sub -h 127.0.0.1 -t 'esp/#' -v -C 1 > "$FK_TMP/sub.out"
	fk_wait_for 10 grep -q "SUBSCRIBE" "$FK_TMP/mosquitto.log"
	fk_bg ip netns exec "$NS_PC" sh -c "udpmsg listen | mqpub -h 127.0.0.1 -t 'esp/{from}'"
	fk_wait_for 5 udp_bound "$NS_PC" 2380
	start_board
	echo "Hardware & Software Labs" >&"$BOARD_FD"
	fk_wait_for 10 has_lines "$FK_TMP/sub.out" 1
	[[ "$(cat "$FK_TMP/sub.out")" == "esp/11.11.11.111"*'"text":"Hardware & Software Labs"'* ]]
}

@test "a stop ends send while its input never pauses (yes | udpmsg send): status 15" {
	# stdin always readable: Linux's ppoll() then returns it ready and leaves the signal
	# pending, so only a wait that takes pending signals itself lets the stop in.  Niced: the
	# flood would take a CPU from the tests beside it for as long as this one waits.
	nice -n 10 yes hello |
		nice -n 10 ip netns exec "$NS_PC" udpmsg send 11.11.11.111 > /dev/null 2> "$FK_TMP/err" &
	FK_PIDS+=($!)
	local p
	fk_wait_for 10 pgrep -f 'udpmsg send 11.11.11.111'
	p=$(pgrep -f 'udpmsg send 11.11.11.111')
	fk_wait_for 5 caught_term "$p"
	kill -TERM "$p"
	fk_wait_gone "$p" 10
	rc=0
	wait "${FK_PIDS[-1]}" || rc=$?
	[ "$rc" -eq 15 ] || { echo "rc=$rc"; false; }
}
