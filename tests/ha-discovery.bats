#!/usr/bin/env bats
# mqpub --discovery against a real mosquitto: the retained Home Assistant configs a late
# subscriber reads, their value_template rendered by Jinja2 (as Home Assistant renders it)
# against the reading that was published, and no second announcement for the same fields.

bats_require_minimum_version 1.5.0
load helpers
load mqpub_helpers

setup() {
	fk_setup
	fk_start_broker
}

teardown() { fk_teardown; }

pub() {
	mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 -t 'heat/{serial}' \
		--discovery --discovery-state "$FK_TMP/disc.state" "$@"
}

# sub_new OUT FILTER...: like mq_sub, but only what is published from now on (-R: no
# retained messages).
sub_new() {
	local out=$1 args=() t
	shift
	for t in "$@" fk-sync; do args+=(-t "$t"); done
	fk_bg mosquitto_sub -h 127.0.0.1 -p "$FK_BROKER_PORT" -R -q 1 -v "${args[@]}" > "$out"
	fk_wait_for 10 mq_synced "$out"
}

# A reading from temread against temsim's default meter (two systems, see temsim(1)),
# named boiler-room.
reading() {
	fk_start_temsim
	temread -d "$FK_TTY" -a 1=boiler-room > "$FK_TMP/reading"
}

# check_configs CONFIGS READINGS: every config against the reading on its state_topic.
# The field each sensor stands for is found from its unique_id by rules written here
# (system n, channel number through the *_ch list), not by mqpub's walk.
check_configs() {
	python3 - "$1" "$2" <<'PY'
import json, sys, jinja2
cfgs, reads = {}, {}
for line in open(sys.argv[1], encoding="utf-8"):
    t, _, p = line.rstrip("\n").partition(" ")
    if t.startswith("homeassistant/"):
        cfgs[t] = json.loads(p)
for line in open(sys.argv[2], encoding="utf-8"):
    t, _, p = line.rstrip("\n").partition(" ")
    if t.startswith("heat/"):
        reads[t] = json.loads(p)
units = {"mwh": ("energy", "MWh", "total_increasing"), "m3": ("volume", "m³", "total_increasing"),
         "t": (None, "t", "total_increasing"), "c": ("temperature", "°C", "measurement"),
         "mpa": (None, "MPa", "measurement"), "m3h": ("volume_flow_rate", "m³/h", "measurement"),
         "th": (None, "t/h", "measurement"), "s": ("duration", "s", "total_increasing")}
def leaves(rec):
    """{object id: (value, field name)} of every numeric field with a unit suffix,
    channels by their number."""
    out = {}
    def unit(k):
        return "_" in k and k.rsplit("_", 1)[-1] in units
    def num(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    for k, v in rec.items():
        if num(v) and unit(k):
            out[k] = (v, k)
    for s in rec.get("systems", []):
        for k, v in s.items():
            base = "systems_%d_%s" % (s["n"], k)
            if isinstance(v, list) and unit(k):
                ch = s.get(k.split("_")[0] + "_ch", list(range(1, len(v) + 1)))
                out.update({"%s_%d" % (base, c): (x, k) for c, x in zip(ch, v) if x is not None})
            elif num(v) and unit(k):
                out[base] = (v, k)
    return out
env = jinja2.Environment()
uids, seen = set(), 0
for rtopic, rec in reads.items():
    serial = rec["serial"]
    want = leaves(rec)
    mine = {t: c for t, c in cfgs.items() if c["state_topic"] == rtopic}
    assert len(mine) == len(want), (len(mine), len(want))
    for t, c in mine.items():
        oid = c["unique_id"][len("fieldkit_%d_" % serial):]
        assert t == "homeassistant/sensor/fieldkit_%d/%s/config" % (serial, oid), t
        got = env.from_string(c["value_template"]).render(value_json=rec)
        value, key = want[oid]
        assert float(got) == value, (oid, got, value)
        dc, u, sc = units[key.rsplit("_", 1)[-1]]
        if key.startswith("dt_"):
            dc = "temperature_delta"
        assert c.get("device_class") == dc, (oid, c.get("device_class"))
        assert c["unit_of_measurement"] == u and c["state_class"] == sc, (oid, c)
        assert c["device"]["identifiers"] == ["fieldkit_%d" % serial], c["device"]
        assert c["unique_id"] not in uids, c["unique_id"]
        uids.add(c["unique_id"])
        seen += 1
assert seen == len(cfgs), (seen, len(cfgs))
print(seen)
PY
}

@test "a late subscriber reads the retained configs; Jinja2 renders each to its field's value" {
	reading
	mq_sub "$FK_TMP/live" 'homeassistant/#' 'heat/#' 'fk/gw'
	run --separate-stderr pub --will-topic fk/gw --will-payload offline < "$FK_TMP/reading"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	mq_sub "$FK_TMP/late" 'homeassistant/#' 'fk/gw'
	fk_wait_for 10 mq_count_ge "$FK_TMP/live" 40
	# 38 sensors in temsim's default meter: 2 top-level, 2 x (3 integrators, 5 counters),
	# system 1: 2 t_c, 2 p_mpa, 2 flow_m3h, 2 flow_th and 7 named values (two_pipe);
	# system 2: 2 t_c, 1 of each other.
	run check_configs "$FK_TMP/late" "$FK_TMP/live"
	[ "$status" -eq 0 ]
	[ "$output" = 38 ]
	# Configs and "online" come before the reading they describe.
	[ "$(mq_got "$FK_TMP/live" | tail -n 1 | cut -d' ' -f1)" = heat/1000001 ]
	[ "$(mq_got "$FK_TMP/live" | head -n 1)" = 'fk/gw online' ]
	grep -q '^fk/gw online$' "$FK_TMP/late"
	# The energy sensor and a temperature, whole.
	e=$(grep '^homeassistant/sensor/fieldkit_1000001/systems_1_energy_mwh/config ' \
		"$FK_TMP/late" | cut -d' ' -f2-)
	[ "$(jq -r '[.device_class, .unit_of_measurement, .state_class] | join(" ")' <<< "$e")" = \
		'energy MWh total_increasing' ]
	[ "$(jq -r .value_template <<< "$e")" = "{{ value_json['systems'][0]['energy_mwh'] }}" ]
	[ "$(jq -r '.availability_topic + " " + .payload_not_available' <<< "$e")" = 'fk/gw offline' ]
	[ "$(jq -r '.device.name + "|" + .device.via_device' <<< "$e")" = \
		"boiler-room|fieldkit_gateway_$(hostname)" ]
	t=$(grep '^homeassistant/sensor/fieldkit_1000001/systems_2_t_c_4/config ' "$FK_TMP/late" |
		cut -d' ' -f2-)
	[ "$(jq -r '[.device_class, .unit_of_measurement, .value_template] | join(" ")' <<< "$t")" = \
		"temperature °C {{ value_json['systems'][1]['t_c'][1] }}" ]
	dt=$(grep '^homeassistant/sensor/fieldkit_1000001/systems_1_dt_c/config ' "$FK_TMP/late" |
		cut -d' ' -f2-)
	[ "$(jq -r '[.device_class, .unit_of_measurement, .state_class] | join(" ")' <<< "$dt")" = \
		'temperature_delta °C measurement' ]
}

@test "a second run with the same fields announces nothing; a changed set is announced again" {
	reading
	run --separate-stderr pub < "$FK_TMP/reading"
	[ "$status" -eq 0 ]
	[ -s "$FK_TMP/disc.state" ]
	sub_new "$FK_TMP/again" 'homeassistant/#' 'heat/#'
	run --separate-stderr pub < "$FK_TMP/reading"
	[ "$status" -eq 0 ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/again" 1
	run mq_got "$FK_TMP/again"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(cut -d' ' -f1 <<< "${lines[0]}")" = heat/1000001 ]
	# Without system 2's pressure the set differs: all configs again, and an empty one
	# (Home Assistant removes the sensor; mosquitto_sub prints it as "(null)") for the
	# pressure that went away.
	jq -c '.systems[1] |= (del(.p_ch) | del(.p_mpa))' "$FK_TMP/reading" > "$FK_TMP/changed"
	run --separate-stderr pub < "$FK_TMP/changed"
	[ "$status" -eq 0 ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/again" 39
	run mq_got "$FK_TMP/again"
	[ "$(grep -c '^homeassistant/.*/config {' <<< "$output")" -eq 37 ]
	[ "$(grep -c '^homeassistant/sensor/fieldkit_1000001/systems_2_p_mpa_3/config (null)$' <<< "$output")" -eq 1 ]
	[ "$(tail -n 1 <<< "$output" | cut -d' ' -f1)" = heat/1000001 ]
}

@test "without a state file every run announces; a failed run does not remember" {
	reading
	bare() {
		mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 -t 'heat/{serial}' --discovery=ha-test \
			< "$FK_TMP/reading"
	}
	run --separate-stderr bare
	[ "$status" -eq 0 ]
	sub_new "$FK_TMP/sub" 'ha-test/#'
	run --separate-stderr bare
	[ "$status" -eq 0 ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 38
	[ "$(mq_got "$FK_TMP/sub" | grep -c '^ha-test/sensor/fieldkit_1000001/')" -eq 38 ]
	# A broker that is not there: the run ends unacknowledged, the state stays empty.
	port=$(fk_free_port)
	run --separate-stderr mqpub -h 127.0.0.1 -p "$port" -q 1 -t 'heat/{serial}' --discovery \
		--discovery-state "$FK_TMP/st2" --drain-timeout 1 < "$FK_TMP/reading"
	[ "$status" -eq 4 ]
	[ ! -e "$FK_TMP/st2" ]
}

@test "records without the id field are published but not announced; archive records neither" {
	mq_sub "$FK_TMP/sub" 'homeassistant/#' 'heat/#'
	printf '%s\n' '{"address":1,"error":"no answer","status":"noanswer"}' \
		'{"serial":5,"kind":"hour","period":"2026-03-02T13:00:00","energy_delta_mwh":0.5}' \
		'{"serial":6,"t_c":20.5}' > "$FK_TMP/in"
	run --separate-stderr pub -t 'heat/{serial:none}' < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ "$stderr" = 'mqpub: line 1: --discovery-id: no field "serial"; not announced' ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 4
	run mq_got "$FK_TMP/sub"
	[ "${#lines[@]}" -eq 4 ]
	[ "$(cut -d' ' -f1 <<< "${lines[2]}")" = homeassistant/sensor/fieldkit_6/t_c/config ]
	[ "$(cut -d' ' -f1 <<< "${lines[3]}")" = heat/6 ]
}

@test "discovery usage errors" {
	run --separate-stderr mqpub -h 127.0.0.1 -t x --discovery --split
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'--discovery needs whole records'* ]]
	run --separate-stderr mqpub -h 127.0.0.1 -t x --discovery-state f
	[ "$status" -eq 2 ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x '--discovery=a b'
	[ "$status" -eq 2 ]
	printf 'junk\n' > "$FK_TMP/bad"
	run --separate-stderr mqpub -h 127.0.0.1 -t x --discovery --discovery-state "$FK_TMP/bad" \
		< /dev/null
	[ "$status" -eq 11 ]
	[[ "$stderr" == *"$FK_TMP/bad: line 1: expected DEVICE-ID HASH TOPIC..."* ]]
}
