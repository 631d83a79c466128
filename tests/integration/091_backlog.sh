#!/bin/sh
# Event time in the daemon: catching up on a backlog of old events with
# `run` (following) or `run --once` makes the incidents `replay` makes of
# the same lines, incident by incident; one source's three alerts 10 s
# apart, days old, are one incident; a quiet sensor's open incident still
# closes (the clock goes on with wall time once the inputs are caught up).
# With ../shared, also gen_eve.py's scan profile.
. "$(dirname "$0")/../lib/tap.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3"
GEN=
for d in "${SHARED:-}" "$REPO/../shared" /work/shared; do
	[ -n "$d" ] && [ -f "$d/tools/gen_eve.py" ] && { GEN="$d/tools/gen_eve.py"; break; }
done
plan 11
T=${KEEP_T:-$(mktemp -d /tmp/redress-t091.XXXXXX)}
mkdir -p "$T"
PID=
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# conf DIR FILE [TIMEOUT]: DIR/redress.yaml reading FILE into DIR/state
conf() {
	mkdir -p "$1/state"
	cat > "$1/redress.yaml" <<EOC
general:
  state_dir: $1/state
  pid_file: $1/state/redress.pid
  log_level: info
  user: ""
  allow_root: true
  dry_run: true
inputs:
  - type: eve
    path: $2
policy:
  home_net: [10.0.0.0/8]
  contain_private: true
  incident_timeout: ${3:-10m}
resolver:
  enabled: false
responders:
  cap_per_minute: 1000000
EOC
}
# The incidents of a store, one line each, in a stable order.
incidents() {
	sqlite3 "$1" "select kind, src, dst, alerts, first_usec, last_usec
	    from incident order by src, dst, first_usec" 2>/dev/null
}
# follow DIR: the daemon follows DIR's input until its bookmark is at the
# end of FILE, stops on SIGTERM; run --once then closes what is open.
follow() {
	size=$(stat -c %s "$2")
	"$REDRESS" -c "$1/redress.yaml" run >"$1/out" 2>"$1/err" &
	PID=$!
	wait_for 120 sh -c "[ \"\$(sqlite3 '$1/state/state.db' \
	    'select position from bookmark' 2>/dev/null | cut -d: -f2)\" = $size ]"
	r=$?
	sleep 1.2	# a flush of the idle daemon
	kill -TERM "$PID"; wait "$PID"; PID=
	"$REDRESS" -c "$1/redress.yaml" run --once >>"$1/out" 2>>"$1/err"
	return $r
}
# compare NAME FILE: replay, run --once and run over FILE
compare() {
	conf "$T/$1.r" "$2"; conf "$T/$1.o" "$2"; conf "$T/$1.f" "$2"
	"$REDRESS" -c "$T/$1.r/redress.yaml" replay --no-alerts \
	    --store "$T/$1.r/state/state.db" "$2" >/dev/null 2>"$T/$1.r/err"
	incidents "$T/$1.r/state/state.db" > "$T/$1.replay"
	"$REDRESS" -c "$T/$1.o/redress.yaml" run --once >"$T/$1.o/out" \
	    2>"$T/$1.o/err"
	incidents "$T/$1.o/state/state.db" > "$T/$1.once"
	follow "$T/$1.f" "$2"
	ok $? "$1: the daemon caught up with the backlog"
	incidents "$T/$1.f/state/state.db" > "$T/$1.run"
	n=$(wc -l < "$T/$1.replay")
	diag "$1: replay $n incidents, run --once $(wc -l < "$T/$1.once"), run $(wc -l < "$T/$1.run")"
	check "$1: run --once makes replay's $n incidents" \
	    cmp "$T/$1.replay" "$T/$1.once"
	check "$1: run (following) makes replay's $n incidents" \
	    cmp "$T/$1.replay" "$T/$1.run"
}

# One source, three alerts 10 s apart, eleven days old; another source
# twice, more than incident_timeout apart.
ev() {
	printf '{"timestamp":"%s","flow_id":%s,"event_type":"alert","src_ip":"%s","src_port":40000,"dest_ip":"10.0.0.5","dest_port":8080,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":1000,"rev":1,"signature":"TEST probe","category":"Misc activity","severity":3},"flow":{"pkts_toserver":3,"pkts_toclient":2}}\n' "$1" "$2" "$3"
}
{
	ev 2026-11-20T09:00:00.000000+0000 1 100.64.0.7
	ev 2026-11-20T09:00:05.000000+0000 2 100.64.0.8
	ev 2026-11-20T09:00:06.000000+0000 3 100.64.0.8
	ev 2026-11-20T09:00:10.000000+0000 4 100.64.0.7
	ev 2026-11-20T09:00:20.000000+0000 5 100.64.0.7
	ev 2026-11-20T09:30:05.000000+0000 6 100.64.0.8
	ev 2026-11-20T09:30:06.000000+0000 7 100.64.0.8
} > "$T/small.json"
compare small "$T/small.json"
is "$(grep -c '100.64.0.7' "$T/small.run") $(grep -c '100.64.0.8' "$T/small.run")" \
    "1 2" "days old: three alerts 10 s apart one incident, 30 min apart two"

python3 "$REPO/tests/lib/crash_eve.py" gen --events 10000 --seed 3 \
    -o "$T/gen.json"
compare generated "$T/gen.json"

# A quiet sensor: one recent incident (two alerts now) closes after
# incident_timeout of quiet on the wall clock, without a new event.
conf "$T/quiet" "$T/quiet.json" 2s
now=$(date -u +%Y-%m-%dT%H:%M:%S.000000+0000)
{ ev "$now" 1 100.64.0.9; ev "$now" 2 100.64.0.9; } > "$T/quiet.json"
"$REDRESS" -c "$T/quiet/redress.yaml" run >"$T/quiet/out" 2>"$T/quiet/err" &
PID=$!
wait_for 20 sh -c "[ \"\$(sqlite3 '$T/quiet/state/state.db' \
    \"select state from incident where src = '100.64.0.9'\" 2>/dev/null)\" = closed ]"
ok $? "a quiet sensor's incident closes on time"
kill -TERM "$PID"; wait "$PID"; PID=

if [ -n "$GEN" ]; then
	python3 "$GEN" --profile scan --events 100000 --seed 1 \
	    -o "$T/scan.json" 2>/dev/null
	# gen_eve's sources come back every few minutes: a short timeout
	# makes incidents close and open again while catching up.
	compare scan "$T/scan.json"
else
	ok 0 "# SKIP no gen_eve.py (../shared)"
	ok 0 "# SKIP no gen_eve.py (../shared)"
	ok 0 "# SKIP no gen_eve.py (../shared)"
fi
tap_done
