#!/usr/bin/env bats
# atchat against modemsim on a real pseudo-terminal: query mode (-c), the JSON transcript,
# secrets (\q), errors, signals.

bats_require_minimum_version 1.5.0
load helpers

setup() { fk_setup; }
teardown() { fk_teardown; }

# The JSON line for one command, by its position among the command lines.
cmdline() {
	jq -c "select(has(\"command\"))" <<<"$output" | sed -n "${1}p"
}

@test "query: +CSQ, +CREG, +CGREG, +CEREG, +CPIN and +COPS parsed" {
	fk_start_modemsim
	run --separate-stderr atchat -d "$FK_MODEM" -c AT+CSQ -c 'AT+CREG?' -c 'AT+CGREG?' \
		-c 'AT+CEREG?' -c 'AT+CPIN?' -c 'AT+COPS?'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(jq -c 'select(has("command")) | del(.time, .elapsed_ms)' <<<"$output")" = \
'{"command":"AT+CSQ","response":["+CSQ: 17,99"],"rssi_dbm":-79,"ber":null,"result":"OK","status":"ok"}
{"command":"AT+CREG?","response":["+CREG: 0,1"],"reg_state":"registered_home","reg_stat":1,"result":"OK","status":"ok"}
{"command":"AT+CGREG?","response":["+CGREG: 0,1"],"reg_state":"registered_home","reg_stat":1,"result":"OK","status":"ok"}
{"command":"AT+CEREG?","response":["+CEREG: 0,1"],"reg_state":"registered_home","reg_stat":1,"result":"OK","status":"ok"}
{"command":"AT+CPIN?","response":["+CPIN: READY"],"sim_state":"ready","result":"OK","status":"ok"}
{"command":"AT+COPS?","response":["+COPS: 0,0,\"fieldkit\",2"],"cops_mode":0,"operator":"fieldkit","operator_format":0,"act":2,"result":"OK","status":"ok"}' ]
	# Every line carries a UTC time and the elapsed milliseconds.
	[ "$(jq -r 'select(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z$")) | .elapsed_ms | type' <<<"$output" | sort -u)" = number ]
}

@test "query: other answers parse to their names, unknown signal to null" {
	fk_start_modemsim --no-echo --pin 1234 --answer 'AT+CSQ=+CSQ: 99,99' \
		--answer 'AT+CREG?=+CREG: 2,5,"1A2B","01C3D4E5",2' --answer 'AT+CGREG?=+CGREG: 0,3' \
		--answer 'AT+CEREG?=+CEREG: 0,2' --answer 'AT+COPS?=+COPS: 0'
	run --separate-stderr atchat -d "$FK_MODEM" -c AT+CSQ -c 'AT+CREG?' -c 'AT+CGREG?' \
		-c 'AT+CEREG?' -c 'AT+CPIN?' -c 'AT+COPS?'
	[ "$status" -eq 0 ]
	[ "$(cmdline 1 | jq -c '[.rssi_dbm, .ber]')" = '[null,null]' ]
	[ "$(cmdline 2 | jq -c '[.reg_state, .lac, .cell_id, .act]')" = '["registered_roaming","1A2B","01C3D4E5",2]' ]
	[ "$(cmdline 3 | jq -r .reg_state)" = denied ]
	[ "$(cmdline 4 | jq -r .reg_state)" = searching ]
	[ "$(cmdline 5 | jq -r .sim_state)" = sim_pin ]
	[ "$(cmdline 6 | jq -c '[.cops_mode, .operator]')" = '[0,null]' ]
}

@test "query: ERROR and +CME ERROR exit 1, later commands still run" {
	fk_start_modemsim --answer 'AT+CPIN?=+CME ERROR: 10'
	run --separate-stderr atchat -d "$FK_MODEM" -c AT+BOGUS -c 'AT+CPIN?' -c AT+CSQ
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	[ "$(cmdline 1 | jq -c '[.result, .status, .response]')" = '["ERROR","error",[]]' ]
	[ "$(cmdline 2 | jq -c '[.result, .status, .cme_error]')" = '["+CME ERROR: 10","error",10]' ]
	[ "$(cmdline 3 | jq -r .status)" = ok ]
	# A single failing command is enough.
	run atchat -d "$FK_MODEM" -c 'AT+CPIN?'
	[ "$status" -eq 1 ]
	run atchat -d "$FK_MODEM" -c AT -c AT+CSQ
	[ "$status" -eq 0 ]
}

@test "query: URCs before and in the middle of an answer get their own lines" {
	fk_start_modemsim --answer 'AT+COPS?=^BOOT:1,0,0\n+COPS: 0,0,"fieldkit",2\n^RSSI:14\n^MODE:5,4' \
		--urc '^DSFLOWRPT:0000001A,00000000' --urc-interval 30
	run --separate-stderr atchat -d "$FK_MODEM" -c 'AT+COPS?' -c AT+CSQ
	[ "$status" -eq 0 ]
	[ "$(cmdline 1 | jq -c '[.response, .operator, .result]')" = '[["+COPS: 0,0,\"fieldkit\",2"],"fieldkit","OK"]' ]
	[ "$(cmdline 2 | jq -c .response)" = '["+CSQ: 17,99"]' ]
	[ "$(jq -c 'select(has("urc") and (.urc | test("DSFLOW") | not)) | del(.time)' <<<"$output")" = \
'{"urc":"^BOOT:1,0,0"}
{"urc":"^RSSI:14","rssi_dbm":-85}
{"urc":"^MODE:5,4"}' ]
	# The URC lines come before the command line they interrupted.
	[ "$(jq -r 'if has("urc") then .urc else .command end' <<<"$output" | grep -v DSFLOW | head -n 4 | tr '\n' ' ')" = \
		'^BOOT:1,0,0 ^RSSI:14 ^MODE:5,4 AT+COPS? ' ]
}

@test "query: a registration URC just before the answer is not the answer, either way round" {
	# On the wire a URC right before the answer is just an earlier line of it, as modemsim sends here.
	fk_start_modemsim --answer 'AT+CREG?=+CREG: 2\n+CREG: 2,1,"00C3","0000C4F1",2' \
		--answer 'AT+CGREG?=+CGREG: 1\n+CGREG: 0,2'
	run --separate-stderr atchat -d "$FK_MODEM" -c 'AT+CREG?' -c 'AT+CGREG?'
	[ "$status" -eq 0 ]
	[ "$(cmdline 1 | jq -c '[.response, .reg_state, .lac, .cell_id, .act]')" = \
		'[["+CREG: 2,1,\"00C3\",\"0000C4F1\",2"],"registered_home","00C3","0000C4F1",2]' ]
	[ "$(cmdline 2 | jq -c '[.response, .reg_state]')" = '[["+CGREG: 0,2"],"searching"]' ]
	# The URCs are reported as what they are, before the command they interrupted.
	[ "$(jq -c 'select(has("urc")) | del(.time)' <<<"$output")" = \
'{"urc":"+CREG: 2","reg_state":"searching","reg_stat":2}
{"urc":"+CGREG: 1","reg_state":"registered_home","reg_stat":1}' ]
}

@test "query: \\q keeps the PIN out of the transcript and the log" {
	fk_start_modemsim --pin 4711 --log "$FK_TMP/modem.log"
	SIM_PIN=4711 run --separate-stderr atchat -v -s -S -E -d "$FK_MODEM" \
		-c 'AT+CPIN="$SIM_PIN"\q' -c 'AT+CPIN?'
	[ "$status" -eq 0 ]
	grep -qx 'AT+CPIN="4711"' "$FK_TMP/modem.log"
	[ "$(cmdline 1 | jq -c '[.command, .secret, .response, .result]')" = '["AT+CPIN=??????",true,[],"OK"]' ]
	[ "$(cmdline 2 | jq -r .sim_state)" = ready ]
	[[ "$stderr" == *"send (??????^M)"* ]]
	[[ "$output$stderr" != *4711* ]]
	# From a root-only file, not the command line; a wrong PIN is an error.
	printf 'AT+CPIN=1234\\q\n' > "$FK_TMP/pin.at"
	chmod 600 "$FK_TMP/pin.at"
	run --separate-stderr atchat -d "$FK_MODEM" -c @"$FK_TMP/pin.at"
	[ "$status" -eq 1 ]
	[ "$(cmdline 1 | jq -c '[.command, .cme_error]')" = '["AT+CPIN=??????",3]' ]
	[[ "$output" != *1234* ]]
}

@test "script: \\q keeps a password out of the transcript, -v log and echo" {
	fk_start_modemsim --log "$FK_TMP/modem.log"
	PASS=hello2u2 run --separate-stderr atchat -e -v -s -S -E -d "$FK_MODEM" -t 2 \
		'' AT OK 'AT+CPIN="$PASS"\q' ERROR ''
	[ "$status" -eq 0 ]
	grep -qx 'AT+CPIN="hello2u2"' "$FK_TMP/modem.log"
	[ "$(jq -c 'select(.event == "send" and .secret)' <<<"$output" | jq -r .send)" = '??????' ]
	# The modem's echo of the secret string is masked too.
	[[ "$(jq -r 'select(.step == 5) | .received' <<<"$output")" == *'??????'*'ERROR'* ]]
	[[ "$stderr" == *"send (??????)"* ]]
	[[ "$output$stderr" != *hello2u2* ]]
}

@test "query: a silent modem is no answer (4), a slow one a timeout (3)" {
	fk_start_modemsim --silent --urc '^RSSI:14' --urc-interval 50 --log "$FK_TMP/modem.log"
	run --separate-stderr atchat -d "$FK_MODEM" -t 0.5 -c AT -c AT+CSQ
	[ "$status" -eq 4 ]
	[ "$stderr" = "atchat: $FK_MODEM: AT: no answer" ]
	[ "$(cmdline 1 | jq -c '[.result, .status]')" = '[null,"no_answer"]' ]
	[ "$(jq -c 'select(has("urc"))' <<<"$output" | wc -l)" -ge 3 ]
	# The run stops there: the second command is never sent.
	[ "$(cat "$FK_TMP/modem.log")" = AT ]
	kill "$FK_MODEM_PID"
	fk_wait_gone "$FK_MODEM_PID"
	fk_start_modemsim --byte-delay 40
	run --separate-stderr atchat -d "$FK_MODEM" -t 0.3 -c AT+CSQ
	[ "$status" -eq 3 ]
	[ "$stderr" = "atchat: $FK_MODEM: AT+CSQ: answer did not finish in time" ]
	[ "$(cmdline 1 | jq -r .status)" = timeout ]
	# Slow but within the time: fine.
	run atchat -d "$FK_MODEM" -t 5 -c AT
	[ "$status" -eq 0 ]
}

@test "query: BUSY and NO CARRIER are call failures (14), CONNECT succeeds" {
	fk_start_modemsim --dial busy
	run --separate-stderr atchat -d "$FK_MODEM" -c 'ATD*99#'
	[ "$status" -eq 14 ]
	[ "$(cmdline 1 | jq -c '[.result, .status]')" = '["BUSY","call_failed"]' ]
	kill "$FK_MODEM_PID"
	fk_wait_gone "$FK_MODEM_PID"
	fk_start_modemsim
	run --separate-stderr atchat -d "$FK_MODEM" -c 'ATD*99#'
	[ "$status" -eq 0 ]
	[ "$(cmdline 1 | jq -c '[.result, .status]')" = '["CONNECT 115200","ok"]' ]
}

@test "a missing device: 6 in query mode, 2 (chat's I/O error) for a script" {
	run --separate-stderr atchat -d "$FK_TMP/nope" -c AT
	[ "$status" -eq 6 ]
	[ "$stderr" = "atchat: $FK_TMP/nope: No such file or directory" ]
	[ -z "$output" ]
	run --separate-stderr atchat -d "$FK_TMP/nope" '' AT OK
	[ "$status" -eq 2 ]
	[ "$stderr" = "atchat: $FK_TMP/nope: No such file or directory" ]
	touch "$FK_TMP/file"
	run --separate-stderr atchat -d "$FK_TMP/file" -c AT
	[ "$status" -eq 6 ]
	[ "$stderr" = "atchat: $FK_TMP/file: not a serial line (terminal)" ]
}

@test "a device in use by another atchat: 12" {
	fk_start_modemsim --silent --log "$FK_TMP/modem.log"
	fk_bg atchat -S -d "$FK_MODEM" -t 20 '' AT OK
	fk_wait_for 5 grep -qx AT "$FK_TMP/modem.log"
	run --separate-stderr atchat -d "$FK_MODEM" -c AT
	[ "$status" -eq 12 ]
	[ "$stderr" = "atchat: $FK_MODEM: in use by another program" ]
}

@test "usage errors exit 2 with the reason and the usage" {
	run --separate-stderr atchat -c AT
	[ "$status" -eq 2 ]
	[[ "$stderr" == "atchat: -c needs -d"$'\n'"usage: atchat "* ]]
	run --separate-stderr atchat -d /dev/null -c AT '' AT
	[ "$status" -eq 2 ]
	[[ "$stderr" == "atchat: -c and a script exclude each other"$'\n'* ]]
	run --separate-stderr atchat -f x '' AT
	[[ "$stderr" == "atchat: -f and a script on the command line exclude each other"$'\n'* ]]
	run --separate-stderr atchat -d /dev/null -r x -c AT
	[[ "$stderr" == "atchat: -c does not take -e, -V, -r, -T, -U or --json"$'\n'* ]]
	run --separate-stderr atchat -b 9600 '' AT
	[[ "$stderr" == "atchat: -b needs -d"$'\n'* ]]
	run --separate-stderr atchat
	[ "$status" -eq 2 ]
	[[ "$stderr" == "atchat: no script, -f or -c given"$'\n'* ]]
	run --separate-stderr atchat -t soon '' AT
	[ "$status" -eq 2 ]
	[ "$stderr" = "atchat: -t: soon: invalid (expected 0.01..86400)" ]
	run --separate-stderr atchat -d /dev/null -b 1234 -c AT
	[ "$status" -eq 2 ]
	[ "$stderr" = "atchat: -b: 1234: not a supported baud rate" ]
	[ -z "$output" ]
}

@test "bad script values are chat's exit 1" {
	fk_start_modemsim
	run --separate-stderr atchat -S -d "$FK_MODEM" TIMEOUT soon OK
	[ "$status" -eq 1 ]
	[ "$stderr" = "atchat: TIMEOUT soon: invalid" ]
	run --separate-stderr atchat -S -d "$FK_MODEM" '' "@$FK_TMP/none"
	[ "$status" -eq 1 ]
	[ "$stderr" = "atchat: $FK_TMP/none: No such file or directory" ]
	[ "$(jq -r 'select(.event == "end") | [.exit_status, .result] | @tsv' <<<"$output")" = "1	bad_script" ]
}

@test "the transcript: every step, on stdout with -d or in --json FILE" {
	fk_start_modemsim
	run --separate-stderr atchat -S -d "$FK_MODEM" -t 2 ABORT BUSY SAY 'dialling\n' '' AT OK 'ATD*99#' CONNECT
	[ "$status" -eq 0 ]
	[ "$stderr" = "$(printf 'dialling\n\r')" ]
	[ "$(jq -c 'del(.time, .elapsed_ms, .received)' <<<"$output")" = \
'{"step":1,"event":"set","keyword":"ABORT","value":"BUSY"}
{"step":2,"event":"say","say":"dialling\n\r"}
{"step":3,"event":"expect","expect":"","result":"matched","timeout_ms":2000}
{"step":4,"event":"send","send":"AT\r"}
{"step":5,"event":"expect","expect":"OK","result":"matched","timeout_ms":2000}
{"step":6,"event":"send","send":"ATD*99#\r"}
{"step":7,"event":"expect","expect":"CONNECT","result":"matched","timeout_ms":2000}
{"event":"end","exit_status":0,"result":"ok"}' ]
	# On stdin/stdout the modem has stdout; the transcript goes to the file.
	run --separate-stderr sh -c 'exec atchat -S --json "$1/t.json" -t 2 "" AT OK "" <"$2" >"$2"' sh "$FK_TMP" "$FK_MODEM"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(jq -r .event "$FK_TMP/t.json" | tr '\n' ' ')" = 'expect send expect send end ' ]
}

@test "-v -s logs the conversation on stderr as chat does" {
	fk_start_modemsim --no-echo
	run --separate-stderr atchat -v -s -S -d "$FK_MODEM" -t 2 ABORT BUSY '' AT OK ''
	[ "$status" -eq 0 ]
	[ "$stderr" = "$(printf 'abort on (BUSY)\nsend (AT^M)\nexpect (OK)\n^M\nOK\n -- got it\n\nsend (^M)')" ]
}

@test "-E puts environment variables into the script" {
	fk_start_modemsim --log "$FK_TMP/modem.log"
	APN=internet run atchat -S -E -d "$FK_MODEM" -t 2 '' 'AT+CGDCONT=1,"IP","$APN"' OK ''
	[ "$status" -eq 0 ]
	grep -qx 'AT+CGDCONT=1,"IP","internet"' "$FK_TMP/modem.log"
	# Without -E the text is sent as it stands.
	APN=internet run atchat -S -d "$FK_MODEM" -t 2 '' 'AT+CGDCONT=1,"IP","$APN"' OK ''
	grep -qx 'AT+CGDCONT=1,"IP","$APN"' "$FK_TMP/modem.log"
}

@test "SIGTERM: a script ends with 2, a query with 15, the line settings restored" {
	fk_start_modemsim --silent --log "$FK_TMP/modem.log"
	before=$(stty -F "$FK_MODEM" -g)
	atchat -S -d "$FK_MODEM" -t 30 '' AT OK >"$FK_TMP/out" 2>"$FK_TMP/err" &
	pid=$!
	fk_wait_for 5 grep -qx AT "$FK_TMP/modem.log"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 2 ]
	[ "$(cat "$FK_TMP/err")" = "atchat: stopped by SIGTERM" ]
	[ "$(jq -r 'select(.event == "end") | .exit_status' "$FK_TMP/out")" = 2 ]
	[ "$(stty -F "$FK_MODEM" -g)" = "$before" ]
	: > "$FK_TMP/modem.log"
	atchat -d "$FK_MODEM" -t 30 -c AT >"$FK_TMP/out" 2>"$FK_TMP/err" &
	pid=$!
	fk_wait_for 5 grep -qx AT "$FK_TMP/modem.log"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 15 ]
	[ "$(cat "$FK_TMP/err")" = "atchat: stopped by SIGTERM" ]
	[ "$(stty -F "$FK_MODEM" -g)" = "$before" ]
}

@test "SIGTERM in a wait for an answer due in 10 minutes ends it promptly, status 15" {
	fk_start_modemsim --silent --log "$FK_TMP/modem.log"
	atchat -d "$FK_MODEM" -t 600 -c AT >"$FK_TMP/out" 2>"$FK_TMP/err" &
	pid=$!
	fk_wait_for 5 grep -qx AT "$FK_TMP/modem.log"
	kill -TERM "$pid"
	# generous for a loaded machine, far below the 600 s the wait would take
	fk_wait_gone "$pid" 15
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 15 ]
	[ "$(cat "$FK_TMP/err")" = "atchat: stopped by SIGTERM" ]
}

@test "a closed pipe ends quietly with 0; a full disk is an I/O error" {
	fk_start_modemsim --byte-delay 3 --log "$FK_TMP/modem.log"
	args=()
	for i in $(seq 20); do args+=(-c AT+CSQ); done
	run --separate-stderr bash -c 'atchat -d "$1" "${@:2}" | head -n 1; exit "${PIPESTATUS[0]}"' sh "$FK_MODEM" "${args[@]}"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(wc -l < "$FK_TMP/modem.log")" -lt 20 ]
	run --separate-stderr bash -c 'atchat -d "$1" -c AT >/dev/full' sh "$FK_MODEM"
	[ "$status" -eq 7 ]
	[ "$stderr" = "atchat: stdout: No space left on device" ]
	run --separate-stderr bash -c 'atchat -S -d "$1" "" AT OK >/dev/full' sh "$FK_MODEM"
	[ "$status" -eq 2 ]
	[ "$stderr" = "atchat: stdout: No space left on device" ]
}

@test "modemsim hands the line to --on-connect after CONNECT, then NO CARRIER" {
	fk_start_modemsim --on-connect 'printf "hello\r\n"; head -c 5 | tr "\r" "!"; printf "\r\n"'
	run --separate-stderr atchat -S -d "$FK_MODEM" -t 3 '' ATD CONNECT '' hello ping '!ping' '' 'NO CARRIER'
	[ "$status" -eq 0 ]
	[ "$(jq -r 'select(.expect == "!ping") | .received' <<<"$output")" = $'\r\n!ping' ]
	# Back in command mode afterwards.
	run atchat -d "$FK_MODEM" -c AT
	[ "$status" -eq 0 ]
}
