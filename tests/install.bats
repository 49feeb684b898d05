#!/usr/bin/env bats
# make install / uninstall, and the installed scripts run the way cron and systemd run them:
# no PATH but /usr/bin:/bin, no environment, settings from the installed fieldkit.conf.

bats_require_minimum_version 1.5.0
load helpers

setup() { fk_setup; }

teardown() {
	[ -z "${FK_DEBUG:-}" ] || cat "$FK_TMP"/*.err >&3 2>/dev/null
	fk_teardown
}

inst() {
	make -s -C "$FK_TOP" BUILD="$FK_BUILD" "$@" > "$FK_TMP/make.out" 2>&1 ||
		{ cat "$FK_TMP/make.out"; return 1; }
}

has_received() { [ -f "$FK_TMP/received" ] && [ "$(wc -l < "$FK_TMP/received")" -ge "$1" ]; }

@test "installed to a PREFIX, the cron line runs under env -i PATH=/usr/bin:/bin and publishes" {
	p=$FK_TMP/p
	inst PREFIX="$p" install
	[ -x "$p/bin/meter-to-broker" ]
	[ -x "$p/bin/mqpub" ]
	fk_start_temsim -a 1 -a 2 --hours 2 --days 1 --months 0
	fk_start_broker "log_type subscribe"
	fk_bg mosquitto_sub -h 127.0.0.1 -p "$FK_BROKER_PORT" -i "sub-$$" -q 1 -t 'heat/#' -v \
		>> "$FK_TMP/received"
	fk_wait_for 10 grep -q "sub-$$ 1 heat/#" "$FK_TMP/mosquitto.$FK_BROKER_PORT.log"
	cat >> "$p/etc/fieldkit/fieldkit.conf" <<-EOF
	device = $FK_TTY
	addresses = 1 2
	broker = 127.0.0.1
	port = $FK_BROKER_PORT
	spool = $FK_TMP/spool
	state_dir = $FK_TMP/state
	EOF
	# the command of the installed cron line, as cron runs it
	cmd=$(awk '/^[0-9*]/ { for (i = 7; i <= NF; i++) printf "%s ", $i }' "$p/etc/cron.d/fieldkit")
	[[ "$cmd" == "$p/bin/meter-to-broker --wait 600 " ]]
	run --separate-stderr env -i PATH=/usr/bin:/bin FK_LOG=stderr sh -c "$cmd"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$stderr" = "meter-to-broker: current 2 (temread 0, mqpub 0); archive 6 (temarchive 0, mqpub 0); exit 0" ]
	fk_wait_for 10 has_received 8
	[ "$(grep -c '^heat/100000[12]/current ' "$FK_TMP/received")" -eq 2 ]
	[ "$(grep -c '^heat/100000[12]/hour ' "$FK_TMP/received")" -eq 4 ]
	[ "$(stat -c %a "$FK_TMP/spool")" = 700 ]
}

@test "PREFIX=/usr with DESTDIR: units and cron file name the installed commands; uninstall removes all" {
	d=$FK_TMP/d
	inst PREFIX=/usr DESTDIR="$d" install
	grep -qx 'ExecStart=/usr/bin/meter-to-broker --wait 600' "$d/usr/lib/systemd/system/meter-to-broker.service"
	grep -qx 'ExecStart=/usr/bin/esp-messenger' "$d/usr/lib/systemd/system/esp-messenger.service"
	[ -f "$d/usr/lib/systemd/system/meter-to-broker.timer" ]
	grep -qx '5 \* \* \* \*  root  /usr/bin/meter-to-broker --wait 600' "$d/etc/cron.d/fieldkit"
	# every command a unit or the cron line starts is installed there
	for c in $(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$d"/usr/lib/systemd/system/*.service) \
		$(awk '/^[0-9*]/ { print $7 }' "$d/etc/cron.d/fieldkit"); do
		[ -x "$d$c" ] || { echo "$c not installed"; false; }
	done
	grep -qx 'fk_lib=/usr/lib/fieldkit' "$d/usr/bin/meter-to-broker"
	grep -qx 'fk_lib=/usr/lib/fieldkit' "$d/usr/bin/esp-messenger"
	grep -qx 'fk_bindir=/usr/bin' "$d/usr/lib/fieldkit/fieldkit.sh"
	grep -qx 'fk_sysconfdir=/etc' "$d/usr/lib/fieldkit/fieldkit.sh"
	run -1 grep -rlE '@(BINDIR|LIBDIR|SYSCONFDIR)@' "$d"
	[ -f "$d/etc/fieldkit/fieldkit.conf" ]
	[ -f "$d/etc/fieldkit/fieldkit.conf.example" ]
	[ -f "$d/usr/share/man/man5/fieldkit.conf.5" ]
	[ -f "$d/usr/share/man/man1/meter-to-broker.1" ]
	[ -x "$d/usr/bin/temarchive" ]

	# a changed configuration survives a new install and the uninstall
	echo 'addresses = 1 2' >> "$d/etc/fieldkit/fieldkit.conf"
	inst PREFIX=/usr DESTDIR="$d" install
	grep -qx 'addresses = 1 2' "$d/etc/fieldkit/fieldkit.conf"
	inst PREFIX=/usr DESTDIR="$d" uninstall
	[ "$(find "$d" -type f)" = "$d/etc/fieldkit/fieldkit.conf" ]
	rm "$d/etc/fieldkit/fieldkit.conf"
	inst PREFIX=/usr DESTDIR="$d" install
	inst PREFIX=/usr DESTDIR="$d" uninstall
	[ -z "$(find "$d" -type f)" ]
}

@test "the installed esp-messenger finds its commands without PATH and reads the settings file" {
	p=$FK_TMP/p
	inst PREFIX="$p" install
	fk_start_broker "log_type all"
	udp=$(fk_free_port)
	cat >> "$p/etc/fieldkit/fieldkit.conf" <<-EOF
	broker = 127.0.0.1
	port = $FK_BROKER_PORT
	esp_board = 127.0.0.1
	esp_bind = 127.0.0.1
	esp_udp_port = $udp
	esp_out_topic = esp/to-board
	EOF
	FK_LOG=stderr fk_bg env -i PATH=/usr/bin:/bin FK_LOG=stderr setsid "$p/bin/esp-messenger" \
		2> "$FK_TMP/esp.err"
	# all three commands run: udpmsg listens, mqpub and mosquitto_sub are connected
	fk_wait_for 10 sh -c "ss -Hlun 'sport = :$udp' | grep -q ."
	fk_wait_for 10 grep -q ' as mqpub-' "$FK_TMP/mosquitto.$FK_BROKER_PORT.log"
	fk_wait_for 10 grep -q ' esp/to-board' "$FK_TMP/mosquitto.$FK_BROKER_PORT.log"
	run -1 grep -q 'side ended' "$FK_TMP/esp.err"
	kill -TERM "$FK_LAST_PID"
	fk_wait_gone "$FK_LAST_PID" 10

	# a bad value: a usage error naming the line
	printf 'esp_udp_port = 99999\n' >> "$p/etc/fieldkit/fieldkit.conf"
	run --separate-stderr env -i PATH=/usr/bin:/bin "$p/bin/esp-messenger"
	[ "$status" -eq 2 ]
	[ "$stderr" = "esp-messenger: $p/etc/fieldkit/fieldkit.conf: line $(wc -l < "$p/etc/fieldkit/fieldkit.conf"): esp_udp_port: 99999: expected 1..65535" ]
}
