#!/usr/bin/env bats
# scripts/esp-messenger between a board-like peer and a real broker, in network namespaces
# with the ESP report's addresses: the board 11.11.11.111, the gateway PC 11.11.11.11.

bats_require_minimum_version 1.5.0
load helpers
load netns

setup() {
	fk_setup
	[ "$(id -u)" -eq 0 ] || skip "network namespaces need root"
	fk_netns_up
	{
		echo "listener 1883 127.0.0.1"
		echo "allow_anonymous true"
		echo "log_dest file $FK_TMP/broker.log"
		echo "log_type subscribe"
		echo "user root"
	} > "$FK_TMP/broker.conf"
	fk_bg ip netns exec "$NS_PC" mosquitto -c "$FK_TMP/broker.conf"
	fk_wait_for 10 on_pc bash -c 'exec 3<>/dev/tcp/127.0.0.1/1883'
	start_board
	fk_bg ip netns exec "$NS_PC" mosquitto_sub -h 127.0.0.1 -i watcher -q 1 -t 'esp/#' -v \
		> "$FK_TMP/sub.out"
	fk_wait_for 10 grep -q 'watcher 1 esp/#' "$FK_TMP/broker.log"
}

teardown() {
	fk_teardown
	fk_netns_down
}

start_bridge() {
	FK_LOG=stderr fk_bg ip netns exec "$NS_PC" "$FK_TOP/scripts/esp-messenger" \
		-h 127.0.0.1 11.11.11.111 2> "$FK_TMP/bridge.err"
	BRIDGE_PID=$FK_LAST_PID
	fk_wait_for 10 udp_bound "$NS_PC" 2380
	fk_wait_for 10 grep -q ' 1 esp/out' "$FK_TMP/broker.log"
}

sub_has() { grep -q -- "$1" "$FK_TMP/sub.out"; }
board_got() { grep -q " $(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n')\$" "$FK_TMP/board.out"; }

@test "a message from the board reaches a subscriber; one published to esp/out reaches the board" {
	start_bridge
	echo "hello from the board" >&"$BOARD_FD"
	fk_wait_for 10 sub_has '"text":"hello from the board"'
	run grep '"text":"hello from the board"' "$FK_TMP/sub.out"
	[[ "$output" == 'esp/11.11.11.111:2380 {"time":"'*'","from":"11.11.11.111:2380","text":"hello from the board","bytes":20}' ]]

	on_pc mosquitto_pub -h 127.0.0.1 -q 1 -t esp/out -m 'hello board'
	fk_wait_for 10 board_got 'hello board'
	grep -Eq '^rx 11\.11\.11\.11:[0-9]+ 11 ' "$FK_TMP/board.out"
}

@test "a side that dies is restarted and the bridge keeps working" {
	start_bridge
	pid=$(ip netns pids "$NS_PC" | xargs -r ps -o pid=,args= -p | awk '$2 ~ /(^|\/)udpmsg$/ && $3 == "listen" {print $1}')
	[ -n "$pid" ]
	kill -KILL "$pid"
	fk_wait_for 10 grep -q 'inbound side ended' "$FK_TMP/bridge.err"
	fk_wait_for 10 udp_bound "$NS_PC" 2380
	echo "after restart" >&"$BOARD_FD"
	fk_wait_for 10 sub_has '"text":"after restart"'
}

@test "SIGTERM stops both sides and leaves nothing running" {
	start_bridge
	kill -TERM "$BRIDGE_PID"
	fk_wait_gone "$BRIDGE_PID" 10
	fk_wait_for 10 sh -c "! ip netns pids $NS_PC | xargs -r ps -o args= -p | grep -v ' -i watcher ' | grep -Eq '^[^ ]*(udpmsg|mqpub|mosquitto_sub) '"
}

@test "esp-messenger without a board address is a usage error" {
	run --separate-stderr "$FK_TOP/scripts/esp-messenger" -h 127.0.0.1
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "esp-messenger: board address missing (argument or esp_board)" ]
}
