#!/usr/bin/env bats
# pppup on this machine: --print per profile, bad options and files, and the AT steps against
# modemsim on a real pseudo-terminal.  This kernel has no PPP, so the real pppd stops at
# "no kernel support" here; the real link is tested in a VM (tests/pppup-vm.bats).

bats_require_minimum_version 1.5.0
load helpers

setup() {
	fk_setup
	(umask 077 && printf 's3cret\n' > "$FK_TMP/pass" && printf '1234\n' > "$FK_TMP/pin")
}

teardown() { fk_teardown; }

# The print record with key $1 (at, pppd, file), from $output.
print_rec() { printf '%s\n' "$output" | jq -c "select(.event == \"print\" and has(\"$1\"))"; }
# pppd's argv from --print, one word a line.
pppd_words() { print_rec pppd | jq -r '.pppd[]'; }

# modem NAME [modemsim options]: a modem at $FK_TMP/NAME, commands logged to NAME.log
modem() {
	local name=$1
	shift
	fk_bg modemsim --link "$FK_TMP/$name" --log "$FK_TMP/$name.log" "$@"
	fk_wait_for 5 test -L "$FK_TMP/$name"
}

events() { printf '%s\n' "$output" | jq -r 'select(.event == "'"$1"'") | '"${2:-.event}"; }

no_ppp() {
	[ ! -e /dev/ppp ] || skip "this kernel has /dev/ppp: the no-kernel-support path cannot be shown"
}

usage_error() {
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "$1" ]
	[ "${stderr_lines[1]}" = "usage: pppup -d DATA_PORT [-c AT_PORT] [--apn APN] [--number NUMBER]" ]
}

@test "--print, 3GPP: the guide's profile, each auth choice refusing the others" {
	for auth in none pap chap any; do
		user=(--user web --password-file "$FK_TMP/pass")
		[ "$auth" = none ] && user=()
		run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --auth "$auth" "${user[@]}" --print
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		words=$(pppd_words | tr '\n' ' ')
		prof="115200 mru 1280 nodetach defaultroute usepeerdns novj"
		case $auth in
		none) want="$prof -pap -chap novjccomp" ;;
		pap) want="$prof -chap novjccomp" ;;
		chap) want="$prof -pap novjccomp" ;;
		any) want="$prof novjccomp" ;;
		esac
		[[ "$words" == *"/dev/ttyUSB0 $want noipdefault ipcp-accept-local ipcp-accept-remote connect-delay 5000 ipcp-max-failure 60 ipcp-max-configure 60 -am noauth lcp-echo-interval 10 lcp-echo-failure 4 connect "* ]] ||
			{ echo "$auth: $words"; false; }
		[ "$(pppd_words | head -n 1)" = "$(command -v pppd || echo /usr/sbin/pppd)" ]
		[ "$(print_rec at | jq -r '.at | join(" ")')" = 'AT ATE0 AT+CPIN? AT+CGREG? AT+CSQ AT+CGDCONT=1,"IP","internet"' ]
		[[ "$(pppd_words | grep -A1 -x connect | tail -n 1)" == *"/atchat -t 60 --json /"*"/pppup.XXXXXX/dial.json ABORT BUSY ABORT 'NO CARRIER' ABORT 'NO ANSWER' ABORT 'NO DIALTONE' ABORT ERROR '' AT OK 'ATD*99#' CONNECT" ]]
		if [ "$auth" = none ]; then
			[ "$(pppd_words | grep -cx file)" -eq 0 ]
			[ -z "$(print_rec file)" ]
		else
			[[ "$(pppd_words | tail -n 2 | head -n 1)" == file ]]
			[ "$(pppd_words | tail -n 1)" = "$(print_rec file | jq -r .file)" ]
			[ "$(print_rec file | jq -r .mode)" = 0600 ]
			[ "$(print_rec file | jq -r .content)" = "$(printf 'user "web"\npassword "********"')" ]
		fi
	done
}

@test "--print, 3GPP2: the CDMA profile, #777, ^PPPCFG with the password masked" {
	for auth in none pap chap any; do
		user=(--user card --password-file "$FK_TMP/pass")
		[ "$auth" = none ] && user=()
		run --separate-stderr pppup -d /dev/ttyUSB0 -c /dev/ttyUSB2 --network 3gpp2 --auth "$auth" "${user[@]}" --print
		[ "$status" -eq 0 ]
		words=$(pppd_words | tr '\n' ' ')
		case $auth in
		none) want="crtscts -pap -chap nodetach" ;;
		pap) want="crtscts -chap nodetach" ;;
		chap) want="crtscts -pap nodetach" ;;
		any) want="crtscts nodetach" ;;
		esac
		[[ "$words" == *"/dev/ttyUSB0 115200 $want modem noipdefault defaultroute usepeerdns noauth lcp-echo-interval 10 lcp-echo-failure 4 connect "*"'ATD#777' CONNECT"* ]] ||
			{ echo "$auth: $words"; false; }
		[ "$(print_rec at | jq -r .at_port)" = /dev/ttyUSB2 ]
		if [ "$auth" = none ]; then
			[ "$(print_rec at | jq -r '.at | join(" ")')" = 'AT ATE0 AT+CPIN? AT+CREG? AT+CSQ' ]
		else
			[ "$(print_rec at | jq -r '.at[-1]')" = 'AT^PPPCFG="card","********"' ]
		fi
	done
}

@test "--print never shows a secret; without a password file pppd looks in its secrets files" {
	(umask 077 && printf '4321\n' > "$FK_TMP/pin")
	run pppup -d /dev/ttyUSB0 --network 3gpp2 --user card --password-file "$FK_TMP/pass" \
		--pin-file "$FK_TMP/pin" --print
	[ "$status" -eq 0 ]
	[[ "$output" != *s3cret* ]]
	[[ "$output" != *4321* ]]
	[ "$(print_rec at | jq -r '.at[3]')" = 'AT+CPIN="****"' ]
	run pppup -d /dev/ttyUSB0 --apn internet --user web --print
	[ "$status" -eq 0 ]
	[ "$(print_rec file | jq -r .content)" = 'user "web"' ]
	! pppd_words | grep -qx -e -pap -e -chap	# --user alone: --auth any
}

@test "--print: extra pppd options come last, --number and --pppd as given" {
	printf '#!/bin/sh\nexit 0\n' > "$FK_TMP/mypppd"
	chmod +x "$FK_TMP/mypppd"
	run pppup -d /dev/ttyUSB1 --apn 'iot.example' --number '*99***1#' --pppd "$FK_TMP/mypppd" \
		--print -- debug lcp-echo-interval 2
	[ "$status" -eq 0 ]
	[ "$(pppd_words | head -n 1)" = "$FK_TMP/mypppd" ]
	[ "$(pppd_words | tail -n 3 | tr '\n' ' ')" = "debug lcp-echo-interval 2 " ]
	[[ "$(pppd_words | tr '\n' ' ')" == *"'ATD*99***1#' CONNECT lock debug"* ]]
	[ "$(print_rec at | jq -r '.at[-1]')" = 'AT+CGDCONT=1,"IP","iot.example"' ]
}

@test "conflicting or missing options are usage errors" {
	run --separate-stderr pppup --apn internet --print
	usage_error "pppup: -d DATA_PORT is required"
	run --separate-stderr pppup -d /dev/ttyUSB0 --print
	usage_error "pppup: --apn is required with --network 3gpp"
	run --separate-stderr pppup -d /dev/ttyUSB0 --network 3gpp2 --apn internet --print
	usage_error "pppup: --apn is not used with --network 3gpp2"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --auth pap --print
	usage_error "pppup: --auth pap needs --user"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --auth none --user web --print
	usage_error "pppup: --user and --password-file need --auth pap, chap or any"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --max-fails 3 --print
	usage_error "pppup: --max-fails needs --persist"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --network 4g --print
	usage_error "pppup: --network: 4g: unknown choice"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --auth mschap --print
	usage_error "pppup: --auth: mschap: unknown choice"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --number '*99#;reboot' --print
	usage_error "pppup: --number: *99#;reboot: digits, *, #, + and , only"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn 'in"ternet' --print
	usage_error "pppup: --apn: cannot be sent in an AT command"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet debug --print
	usage_error "pppup: debug: pppd options go after --"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --max-fails x --persist --print
	[ "$status" -eq 2 ]
	[ "$stderr" = "pppup: --max-fails: x: invalid (expected 0..1000000)" ]
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --reg-timeout 0 --print
	[ "$status" -eq 2 ]
	[ "$stderr" = "pppup: --reg-timeout: 0: too small (expected 1..3600)" ]
}

@test "--report needs a separate AT port" {
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --report 10
	usage_error "pppup: --report needs -c AT_PORT: the data port carries PPP"
	run --separate-stderr pppup -d /dev/ttyUSB0 -c /dev/ttyUSB2 --apn internet --report 0
	[ "$status" -eq 2 ]
}

@test "pppd options that would undo pppup's work are refused" {
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --print -- password s3cret
	usage_error "pppup: -- password: secrets go in --password-file, never on a command line"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --print -- debug logfile /tmp/x
	usage_error "pppup: -- logfile: pppup reads pppd's log on its standard output"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --print -- persist
	usage_error "pppup: -- persist: use pppup --persist"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --print -- connect /bin/true
	usage_error "pppup: -- connect: pppup dials with atchat itself"
}

@test "secret files must exist, be private and hold something usable" {
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --user web --password-file "$FK_TMP/nope" --print
	[ "$status" -eq 6 ]
	[ "$stderr" = "pppup: $FK_TMP/nope: No such file or directory" ]
	chmod 640 "$FK_TMP/pass"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --user web --password-file "$FK_TMP/pass" --print
	[ "$status" -eq 6 ]
	[ "$stderr" = "pppup: $FK_TMP/pass: readable by others (chmod 600)" ]
	[ -z "$output" ]
	: > "$FK_TMP/empty"
	chmod 600 "$FK_TMP/empty"
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --user web --password-file "$FK_TMP/empty" --print
	[ "$status" -eq 6 ]
	[ "$stderr" = "pppup: $FK_TMP/empty: empty" ]
	(umask 077 && printf 'PIN1\n' > "$FK_TMP/badpin")
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --pin-file "$FK_TMP/badpin" --print
	[ "$status" -eq 2 ]
	[ "$stderr" = "pppup: $FK_TMP/badpin: a PIN is 4 to 8 digits" ]
	run --separate-stderr pppup -d /dev/ttyUSB0 --apn internet --pppd "$FK_TMP/nope" --print
	[ "$status" -eq 6 ]
	[ "$stderr" = "pppup: $FK_TMP/nope: not an executable file" ]
}

@test "a missing modem port is reported, status 6" {
	run --separate-stderr pppup -d "$FK_TMP/no-modem" --apn internet
	[ "$status" -eq 6 ]
	[ "$stderr" = "pppup: $FK_TMP/no-modem: No such file or directory" ]
	[ "$(events down .reason)" = no_device ]
}

@test "AT steps in order on the AT port, then pppd: no kernel support is fatal, even with --persist" {
	no_ppp
	modem at
	modem data
	run --separate-stderr pppup -d "$FK_TMP/data" -c "$FK_TMP/at" --apn internet --persist
	[ "$status" -eq 6 ]
	[ "$stderr" = "pppup: pppd: Couldn't open the /dev/ppp device: No such file or directory" ]
	[ "$(events step .command | tr '\n' ' ')" = 'AT ATE0 AT+CPIN? AT+CGREG? AT+CSQ AT+CGDCONT=1,"IP","internet" ' ]
	[ "$(events step .step | tr '\n' ' ')" = 'attention echo_off sim registration signal apn ' ]
	[ "$(events step .sim_state | grep -v null)" = ready ]
	[ "$(events step .reg_state | grep -v null)" = registered_home ]
	[ "$(events step .rssi_dbm | grep -v null)" = -79 ]
	[ "$(events step .port | sort -u)" = "$FK_TMP/at" ]
	[ "$(events dialing .device)" = "$FK_TMP/data" ]
	[ "$(events down '.reason + " " + (.pppd_exit.code|tostring) + " " + .pppd_exit.name')" = "no_kernel_support 4 no_kernel_support" ]
	[ "$(events down .fatal)" = true ]
	[ "$(events give_up .reason)" = no_kernel_support ]
	[ "$(events dialing | wc -l)" -eq 1 ]
	[ "$(cat "$FK_TMP/at.log" | tr '\n' ' ')" = 'AT ATE0 AT+CPIN? AT+CGREG? AT+CSQ AT+CGDCONT=1,"IP","internet" ' ]
	[ ! -s "$FK_TMP/data.log" ]
}

@test "-v passes pppd's log on as log events; its private directory is removed" {
	no_ppp
	modem m
	TMPDIR=$FK_TMP/t
	mkdir "$TMPDIR"
	export TMPDIR
	# A /run of its own (a private mount namespace): another test's pppup, running at the same
	# time, cannot leave its directory in this one's view.
	# shellcheck disable=SC2016
	run --separate-stderr unshare -m sh -c 'mount -t tmpfs fk /run && "$@"; rc=$?
		ls -d /run/pppup.* > "$FK_TMP/run.left" 2>/dev/null; exit $rc' sh \
		pppup -d "$FK_TMP/m" --apn internet --user web --password-file "$FK_TMP/pass" -v
	[ "$status" -eq 6 ]
	[ "$(events log .line | head -n 1)" = "Couldn't open the /dev/ppp device: No such file or directory" ]
	[ -z "$(events log .line | grep -x '')" ]
	[ -z "$(ls -A "$TMPDIR")" ]
	[ -f "$FK_TMP/run.left" ]
	[ ! -s "$FK_TMP/run.left" ]
}

@test "SIM PIN from --pin-file is sent once, masked in the output" {
	no_ppp
	modem m --pin 1234
	run --separate-stderr pppup -d "$FK_TMP/m" --apn internet --pin-file "$FK_TMP/pin"
	[ "$(events step .command | sed -n 3,5p | tr '\n' ' ')" = 'AT+CPIN? AT+CPIN="****" AT+CPIN? ' ]
	[ "$(events step .sim_state | grep -v null | tr '\n' ' ')" = 'sim_pin ready ' ]
	[ "$(grep -c '^AT+CPIN=' "$FK_TMP/m.log")" -eq 1 ]
	[ "$(events down .reason)" = no_kernel_support ]
	[[ "$output" != *1234* ]]
}

@test "a wrong PIN is never sent twice, even with --persist: status 13" {
	(umask 077 && printf '9999\n' > "$FK_TMP/pin")
	modem m --pin 1234
	run --separate-stderr pppup -d "$FK_TMP/m" --apn internet --pin-file "$FK_TMP/pin" --persist
	[ "$status" -eq 13 ]
	[ "$stderr" = 'pppup: '"$FK_TMP/m"': AT+CPIN="****": SIM refused the PIN' ]
	[ "$(events down .reason)" = pin_refused ]
	[ "$(events step .cme_error | grep -v null)" = 16 ]
	[ "$(grep -c '^AT+CPIN=' "$FK_TMP/m.log")" -eq 1 ]
	[ "$(events dialing | wc -l)" -eq 0 ]
	[ "$(events give_up .reason)" = pin_refused ]
}

@test "a SIM asking for a PIN without --pin-file gets none: status 13" {
	modem m --pin 1234
	run --separate-stderr pppup -d "$FK_TMP/m" --apn internet
	[ "$status" -eq 13 ]
	[ "$(events down .reason)" = pin_required ]
	[ "$(grep -c '^AT+CPIN=' "$FK_TMP/m.log")" -eq 0 ]
}

@test "no registration within --reg-timeout: status 3; --persist backs off, then gives up" {
	modem m --answer 'AT+CGREG?=+CGREG: 0,2'
	start=$(date +%s%N)
	run --separate-stderr pppup -d "$FK_TMP/m" --apn internet --reg-timeout 2
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$status" -eq 3 ]
	[ "$stderr" = "pppup: $FK_TMP/m: AT+CGREG?: searching" ]
	[ "$(events down .reason)" = registration_timeout ]
	[ "$(events step .reg_state | grep -c searching)" -ge 2 ]
	[ "$ms" -ge 1000 ] && [ "$ms" -lt 10000 ] || { echo "took $ms ms"; false; }
	run --separate-stderr pppup -d "$FK_TMP/m" --apn internet --reg-timeout 1 --persist --max-fails 2
	[ "$status" -eq 3 ]
	[ "$(events redial '.in_s|tostring')" = 2 ]
	[ "$(events down .reason | sort -u)" = registration_timeout ]
	[ "$(events down | wc -l)" -eq 2 ]
	[ "$(events give_up .failures)" = 2 ]
}

@test "registration: a URC just before the answer is not taken for it, either way round" {
	# A URC right before the answer is, on the wire, just an earlier line of the answer.
	modem m --answer 'AT+CGREG?=+CGREG: 1\n+CGREG: 0,2'
	run --separate-stderr pppup -d "$FK_TMP/m" --apn internet --reg-timeout 2
	[ "$status" -eq 3 ]
	[ "$(events down .reason)" = registration_timeout ]
	[ "$(events step .reg_state | grep -v null | sort -u)" = searching ]
	[ "$(events dialing | wc -l)" -eq 0 ]
	run grep -c '^AT+CSQ' "$FK_TMP/m.log"
	[ "$output" = 0 ]
	modem r --answer 'AT+CGREG?=+CGREG: 2\n+CGREG: 0,1'
	run --separate-stderr pppup -d "$FK_TMP/r" --apn internet --reg-timeout 2
	[ "$(events step .reg_state | grep -v null)" = registered_home ]
	[ "$(events step .response | jq -c . | sed -n 4p)" = '["+CGREG: 0,1"]' ]
	[ "$(grep -c '^AT+CGREG?' "$FK_TMP/r.log")" -eq 1 ]
	[ "$(grep -c '^AT+CSQ' "$FK_TMP/r.log")" -eq 1 ]
}

@test "registration denied by the network: status 13" {
	modem m --answer 'AT+CGREG?=+CGREG: 0,3'
	run --separate-stderr pppup -d "$FK_TMP/m" --apn internet
	[ "$status" -eq 13 ]
	[ "$(events down .reason)" = registration_denied ]
}

# held_by_other PORT: true while another program (atchat below) holds PORT's lock.  Not a thing
# to poll before that program has the port: the probe would take the lock itself first.
held_by_other() {
	local rc=0
	atchat -d "$1" -t 0.2 -c AT > /dev/null 2>&1 || rc=$?
	[ "$rc" -eq 12 ]
}

@test "a modem in use: status 12 having sent nothing, on the AT port either" {
	modem at
	modem data --silent
	# atchat holds the data port while it waits for an answer that never comes
	fk_bg atchat -d "$FK_TMP/data" -t 60 '' AT OK '' > /dev/null
	# its AT has reached the modem: it has opened and locked the port
	fk_wait_for 10 grep -q '^AT' "$FK_TMP/data.log"
	held_by_other "$FK_TMP/data"
	run --separate-stderr pppup -d "$FK_TMP/data" -c "$FK_TMP/at" --apn internet
	[ "$status" -eq 12 ]
	[ "$stderr" = "pppup: $FK_TMP/data: in use by another program" ]
	[ "$(events down .reason)" = locked ]
	[ "$(events step | wc -l)" -eq 0 ]
	[ ! -s "$FK_TMP/at.log" ]
	run --separate-stderr pppup -d "$FK_TMP/data" --apn internet
	[ "$status" -eq 12 ]
	[ "$(events step | wc -l)" -eq 0 ]
}

@test "a modem that never answers: three ATs, then status 4" {
	modem m --silent
	run --separate-stderr pppup -d "$FK_TMP/m" --apn internet
	[ "$status" -eq 4 ]
	[ "$stderr" = "pppup: $FK_TMP/m: AT: no answer" ]
	[ "$(events step .command | tr '\n' ' ')" = 'AT AT AT ' ]
	[ "$(events step .error | sort -u)" = "no answer" ]
	# No +CME ERROR came, so no number for one.
	[ "$(events step 'has("cme_error")' | sort -u)" = false ]
	[ "$(events down .reason)" = modem_silent ]
	[ "$(grep -c '^AT$' "$FK_TMP/m.log")" -eq 3 ]
}

@test "a modem refusing the APN: status 1" {
	modem m --answer 'AT+CGDCONT=*=>ERROR'
	run --separate-stderr pppup -d "$FK_TMP/m" --apn internet
	[ "$status" -eq 1 ]
	[ "$(events down .reason)" = apn_rejected ]
	[ "$(events step .result | tail -n 1)" = error ]
}

@test "SIGTERM while waiting for registration: stops at once, status 15" {
	modem m --answer 'AT+CGREG?=+CGREG: 0,2'
	fk_bg pppup -d "$FK_TMP/m" --apn internet --reg-timeout 60 > "$FK_TMP/out" 2> "$FK_TMP/err"
	pid=$FK_LAST_PID
	fk_wait_for 10 grep -q searching "$FK_TMP/out"
	kill -TERM "$pid"
	fk_wait_gone "$pid" 5
	run wait "$pid"
	[ "$status" -eq 15 ]
	[ "$(cat "$FK_TMP/err")" = "pppup: stopped by SIGTERM" ]
	[ "$(jq -r 'select(.event == "down") | .reason' "$FK_TMP/out")" = stopped ]
}

@test "SIGTERM while waiting to redial: status 15" {
	modem m --answer 'AT+CGREG?=+CGREG: 0,3'
	fk_bg pppup -d "$FK_TMP/m" --apn internet --persist > "$FK_TMP/out" 2> "$FK_TMP/err"
	pid=$FK_LAST_PID
	fk_wait_for 10 grep -q '"redial"' "$FK_TMP/out"
	kill -TERM "$pid"
	fk_wait_gone "$pid" 5
	run wait "$pid"
	[ "$status" -eq 15 ]
	[ "$(jq -r .event "$FK_TMP/out" | tail -n 1)" = redial ]
}

@test "a reader that goes away ends pppup quietly with status 0" {
	modem m --answer 'AT+CGREG?=+CGREG: 0,2'
	run --separate-stderr bash -c 'pppup -d "$1" --apn internet --reg-timeout 30 | head -n 1; echo "status ${PIPESTATUS[0]}"' _ "$FK_TMP/m"
	[ "${lines[1]}" = "status 0" ]
	[ -z "$stderr" ]
}

@test "stdout that cannot be written: status 7" {
	[ -w /dev/full ] || skip "no /dev/full"
	modem m
	run --separate-stderr bash -c 'pppup -d "$1" --apn internet > /dev/full' _ "$FK_TMP/m"
	[ "$status" -eq 7 ]
	[ "$stderr" = "pppup: stdout: No space left on device" ]
}
