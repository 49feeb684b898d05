#!/bin/bash
# fieldkit.sh: what meter-to-broker and esp-messenger share, sourced by both: where the commands
# are, the configuration file (fieldkit.conf(5)), option tables, and mqpub's connection options.
# make install replaces the @...@ words with the installed directories.
# The tables and arrays are used by the scripts that source this; they set prog and usage().
# shellcheck disable=SC2034,SC2154

fk_bindir=@BINDIR@
fk_sysconfdir=@SYSCONFDIR@

# Before make install (the source tree) nothing is substituted: no default configuration file,
# and the commands are looked for next to the script, then on PATH.
case $fk_bindir in @*) fk_bindir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) ;; esac
case $fk_sysconfdir in
@*) fk_default_conf= ;;
*) fk_default_conf=$fk_sysconfdir/fieldkit/fieldkit.conf ;;
esac

die_usage() {
	echo "$prog: $*" >&2
	usage >&2
	exit 2
}

# A sibling command: the installed one, else from PATH; a missing one is named (exit 6).
fk_find() {
	local c
	if [ -x "$fk_bindir/$1" ]; then
		printf '%s\n' "$fk_bindir/$1"
	elif c=$(command -v "$1"); then
		printf '%s\n' "$c"
	else
		echo "$prog: $1: command not found (not in $fk_bindir nor on PATH)" >&2
		exit 6
	fi
}

# Option tables: one entry a line, "key option type [mqpub-option [mosquitto_sub-option]]".
# key is the configuration file's name for it; option the command line's; "-" for none.
# Connection settings, passed to mqpub (and to mosquitto_sub by esp-messenger): a new mqpub
# option is one more line here, in fieldkit.conf(5), and in the two scripts' man pages.
fk_mq_table='
broker         -h               host     -h               -h
port           -p               port     -p               -p
url            -L               url      -L               -
qos            -q               qos      -q               -q
retain         -r               flag     -r               -
user           -u               word     -u               -u
password_file  --password-file  file     --password-file  -
tls            --tls            flag     --tls            --tls-use-os-certs
cafile         --cafile         file     --cafile         --cafile
cert           --cert           file     --cert           --cert
key            --key            file     --key            --key
protocol       -V               version  -V               -V
client_id      -i               word     -i               -
keepalive      -k               keepalive -k              -k
'

# meter-to-broker's own; --no-current and --no-archive set theirs to no.
fk_m2b_table='
device         -d               path
baud           -b               baud
addresses      -a               addrs
topic          -t               template
archive_topic  -T               template
kinds          -k               kinds
spool          --spool          path
state_dir      --state-dir      path
lock_wait      --wait           uint
drain_timeout  --drain-timeout  seconds
first_run      --first          first
modem          --modem          path
apn            --apn            word
at_port        --at-port        path
current        --no-current     flag
archive        --no-archive     flag
progress       --progress       flag
discovery      --discovery      flag
'

# esp-messenger's own; the board address is its argument, or esp_board in the file.
fk_esp_table='
esp_board      -                host
esp_udp_port   -P               port
esp_bind       -b               host
esp_topic      -t               template
esp_out_topic  -o               template
'

declare -A fk_type fk_opt_key fk_mq fk_sub fk_val fk_list fk_known

# fk_table TEXT [known]: learn the entries of a table (only their keys, with "known").
fk_table() {
	local key opt type mq sub
	while read -r key opt type mq sub; do
		[ -n "$key" ] || continue
		fk_known[$key]=1
		[ "${2:-}" != known ] || continue
		fk_type[$key]=$type
		[ "$opt" = - ] || fk_opt_key[$opt]=$key
		fk_mq[$key]=${mq:--}
		fk_sub[$key]=${sub:--}
	done <<< "$1"
}

# Why a value does not fit its type; nothing when it does.
fk_bad_value() {
	local type=$1 v=$2 a
	case $type in
	flag) [[ $v =~ ^(yes|no)$ ]] || echo "expected yes or no" ;;
	host|word|url|path|template) [[ -n $v && ! $v =~ [[:space:]] ]] || echo "expected one word" ;;
	file) [ -r "$v" ] || echo "cannot read it" ;;
	port) [[ $v =~ ^[0-9]{1,5}$ ]] && ((10#$v >= 1 && 10#$v <= 65535)) || echo "expected 1..65535" ;;
	qos) [[ $v =~ ^[012]$ ]] || echo "expected 0, 1 or 2" ;;
	version) [[ $v =~ ^(5|311)$ ]] || echo "expected 5 or 311" ;;
	keepalive) [[ $v =~ ^[0-9]{1,5}$ ]] && ((10#$v >= 5 && 10#$v <= 65535)) || echo "expected 5..65535" ;;
	uint) [[ $v =~ ^[0-9]{1,6}$ ]] || echo "expected a whole number" ;;
	seconds) [[ $v =~ ^[0-9]{1,5}(\.[0-9]+)?$ ]] || echo "expected seconds" ;;
	baud) [[ $v =~ ^(1200|2400|4800|9600|19200|38400|57600|115200)$ ]] ||
		echo "expected 1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200" ;;
	first) [[ $v == all ]] || { [[ $v =~ ^[0-9]{1,6}$ ]] && ((10#$v >= 1 && 10#$v <= 100000)); } ||
		echo "expected 1..100000 or all" ;;
	addrs) for a in $v; do
			if ! [[ $a =~ ^[0-9]{1,3}$ ]] || ((10#$a < 1 || 10#$a > 255)); then
				echo "$a: expected 1..255"
				return
			fi
		done ;;
	kinds) for a in $v; do
			[[ $a =~ ^(hour|day|month)$ ]] || { echo "$a: expected hour, day or month"; return; }
		done ;;
	*) echo "unknown type $type" ;;
	esac
}

# fk_set OPTION KEY VALUE: a value from the command line; list keys add up.
fk_set() {
	local why
	case ${fk_type[$2]} in
	addrs|kinds)
		if [ -n "${fk_list[$2]:-}" ]; then fk_val[$2]+=" $3"; else fk_val[$2]=$3; fi
		fk_list[$2]=1 ;;
	*) fk_val[$2]=$3 ;;
	esac
	why=$(fk_bad_value "${fk_type[$2]}" "$3")
	[ -z "$why" ] || die_usage "$1: $3: $why"
}

# fk_config FILE: key = value lines (see fieldkit.conf(5)); values the command line gave win.
fk_config() {
	local file=$1 n=0 line key val why
	local -A cli
	for key in "${!fk_val[@]}"; do cli[$key]=1; done
	[ -r "$file" ] || { echo "$prog: $file: cannot read it" >&2; exit 6; }
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=${line%$'\r'}
		[[ $line =~ ^[[:space:]]*(#.*)?$ ]] && continue
		if [[ ! $line =~ ^[[:space:]]*([a-z_]+)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
			echo "$prog: $file: line $n: expected key = value" >&2
			exit 2
		fi
		key=${BASH_REMATCH[1]}
		val=${BASH_REMATCH[2]}
		val=${val%"${val##*[![:space:]]}"}
		if [ -z "${fk_known[$key]:-}" ]; then
			echo "$prog: $file: line $n: $key: unknown key" >&2
			exit 2
		fi
		[ -n "${fk_type[$key]:-}" ] || continue	# the other script's
		[ -n "$val" ] || continue	# empty: the default
		why=$(fk_bad_value "${fk_type[$key]}" "$val")
		[ -z "$why" ] || { echo "$prog: $file: line $n: $key: $val: $why" >&2; exit 2; }
		[ -n "${cli[$key]:-}" ] || fk_val[$key]=$val
	done < "$file"
}

# fk_parse ARGS...: options from the tables into fk_val; the rest into fk_args.
fk_parse() {
	local key
	fk_args=()
	fk_conf=${FK_CONFIG:-$fk_default_conf}
	while [ $# -gt 0 ]; do
		case $1 in
		--help) usage; exit 0 ;;
		--version) echo "$prog (fieldkit) 0.1.0"; exit 0 ;;
		-c|--config) [ $# -ge 2 ] || die_usage "$1: missing argument"; fk_conf=$2; fk_conf_given=1; shift ;;
		-*)
			key=${fk_opt_key[$1]:-}
			[ -n "$key" ] || die_usage "$1: unknown option"
			if [ "${fk_type[$key]}" = flag ]; then
				case $1 in --no-*) fk_set "$1" "$key" no ;; *) fk_set "$1" "$key" yes ;; esac
			else
				[ $# -ge 2 ] || die_usage "$1: missing argument"
				fk_set "$1" "$key" "$2"
				shift
			fi ;;
		*) fk_args+=("$1") ;;
		esac
		shift
	done
	if [ -n "$fk_conf" ] && { [ -n "${fk_conf_given:-}" ] || [ -e "$fk_conf" ]; }; then
		fk_config "$fk_conf"
	fi
}

# fk_is KEY: a flag that is on.
fk_is() { [ "${fk_val[$1]:-no}" = yes ]; }

# fk_conn_args mq|sub: the connection options for mqpub or mosquitto_sub, in fk_out.
fk_conn_args() {
	local key o
	local -n col=fk_$1
	fk_out=()
	for key in "${!col[@]}"; do
		o=${col[$key]}
		if [ "$o" = - ] || [ -z "${fk_val[$key]:-}" ]; then
			continue
		fi
		if [ "${fk_type[$key]}" = flag ]; then
			fk_is "$key" && fk_out+=("$o")
		else
			fk_out+=("$o" "${fk_val[$key]}")
		fi
	done
}

# Summary to stderr on a terminal (or with FK_LOG=stderr), else to syslog.
log() {
	if [ -t 2 ] || [ "${FK_LOG:-}" = stderr ]; then
		echo "$prog: $*" >&2
	else
		logger -t "$prog" -- "$*" 2>/dev/null || echo "$prog: $*" >&2
	fi
}
