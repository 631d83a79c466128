#!/bin/sh
# Daemon bench: the path users run against `redress replay` (with the
# policy) on the same generated file, scan and flood profiles: `run
# --once` reading the file into a fresh store, and `run` following a file
# that grows (the whole file appended after start; timed until the
# bookmark in the store reaches its end). Baselines in the same run: `cat`
# of the file (the read limit) and, when installed, fail2ban-regex with
# bench/fail2ban-eve.conf on the first DAEMON_BENCH_F2B events. Prints
# events/s, the ratio to replay, peak RSS, the store size and the
# evidence rows kept per incident.
# Usage: bench/daemon.sh BUILD_DIR WORKDIR
# Environment: DAEMON_BENCH_EVENTS (default 1000000), DAEMON_BENCH_F2B
# (default 100000; 0 skips), DAEMON_BENCH_BIG (default 0: the 10M
# spoofed-source flood through `run --once`, e.g. 10000000), SHARED.
set -u
BUILD=${1:?usage: bench/daemon.sh BUILD_DIR WORKDIR}
WORK=${2:?usage: bench/daemon.sh BUILD_DIR WORKDIR}
R="$BUILD/redress"
N=${DAEMON_BENCH_EVENTS:-1000000}
F2B=${DAEMON_BENCH_F2B:-100000}
BIG=${DAEMON_BENCH_BIG:-0}
HERE=$(cd "$(dirname "$0")" && pwd)
GEN=
for d in "${SHARED:-}" "$HERE/../../shared"; do
	[ -n "$d" ] && [ -f "$d/tools/gen_eve.py" ] && { GEN="$d/tools/gen_eve.py"; break; }
done
[ -n "$GEN" ] || { echo "daemon: SKIP (no gen_eve.py in \$SHARED/tools or ../shared/tools)"; exit 0; }
[ -x "$R" ] || { echo "daemon: $R not built"; exit 1; }
[ -x /usr/bin/time ] || { echo "daemon: SKIP (/usr/bin/time missing)"; exit 0; }
command -v sqlite3 >/dev/null || { echo "daemon: SKIP (sqlite3 missing)"; exit 0; }
D="$WORK/daemon"
mkdir -p "$D"
RUNPID=
trap '[ -n "$RUNPID" ] && kill "$RUNPID" 2>/dev/null' EXIT INT TERM

conf() {	# conf INPUT_FILE: a fresh state dir and config, path on stdout
	rm -rf "$D/state"
	mkdir -p "$D/state"
	cat > "$D/redress.yaml" <<EOC
general:
  state_dir: $D/state
  pid_file: $D/state/pid
  log_level: error
  allow_root: true
  user: $(id -un)
  group: $(id -gn)
  dry_run: true
inputs:
  - type: eve
    path: $1
resolver:
  enabled: false
EOC
	echo "$D/redress.yaml"
}

# timed NAME CMD...: "seconds peak_kb cpu_seconds" of CMD (stdout dropped)
timed() {
	name=$1
	shift
	/usr/bin/time -f "%e %M %U %S" -o "$D/time.$name" "$@" >/dev/null \
	    2>"$D/err.$name" || { echo "daemon: $name failed:" >&2;
	    tail -3 "$D/err.$name" >&2; }
	awk '{ printf "%s %s %.2f", $1, $2, $3 + $4 }' "$D/time.$name"
}

# line LABEL EVENTS SECONDS KB CPU BASE_SECONDS [EXTRA]
line() {
	awk -v l="$1" -v n="$2" -v s="$3" -v kb="$4" -v c="$5" -v b="$6" \
	    -v x="${7:-}" 'BEGIN { if (s <= 0) s = 0.01; if (b <= 0) b = 0.01
	    printf "%-28s %7.2f s %9.0f events/s  %5.2f of replay  " \
		"RSS %6.1f MB  CPU %6.2f s %s\n", l, s, n / s, b / s,
		kb / 1024, c, x }'
}

store_facts() {
	db="$D/state/state.db"
	rows=$(sqlite3 "$db" "SELECT count(*) FROM evidence")
	inc=$(sqlite3 "$db" "SELECT count(*) FROM incident")
	max=$(sqlite3 "$db" "SELECT coalesce(max(c), 0) FROM (SELECT count(*)
	    c FROM evidence GROUP BY incident_id)")
	size=$(cat "$db" "$db-wal" 2>/dev/null | wc -c)
	echo "store $((size / 1048576)) MB, $rows evidence rows for $inc incidents (at most $max per incident)"
}

# follow FILE EVENTS: `run` on an empty file, FILE appended, timed until
# the bookmark's offset reaches the file's size (bounded: 300 s)
follow() {
	size=$(wc -c < "$1")
	: > "$D/grow.json"
	cfg=$(conf "$D/grow.json")
	"$R" -c "$cfg" run >/dev/null 2>"$D/err.follow" &
	RUNPID=$!
	k=0
	while [ ! -s "$D/state/state.db" ] && [ $k -lt 100 ]; do
		sleep 0.1; k=$((k + 1)); done
	t0=$(date +%s.%N)
	cat "$1" >> "$D/grow.json"
	off=0
	k=0
	while [ "$off" -lt "$size" ] && [ $k -lt 3000 ]; do
		sleep 0.1
		k=$((k + 1))
		off=$(sqlite3 "$D/state/state.db" "SELECT position FROM
		    bookmark" 2>/dev/null | awk -F: '{ print $2 + 0 }')
		[ -n "$off" ] || off=0
		kill -0 $RUNPID 2>/dev/null || break
	done
	t1=$(date +%s.%N)
	kb=$(awk '/VmHWM/ { print $2 }' /proc/$RUNPID/status 2>/dev/null)
	cpu=$(awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' \
	    /proc/$RUNPID/stat 2>/dev/null)
	kill $RUNPID 2>/dev/null
	wait $RUNPID 2>/dev/null
	RUNPID=
	[ "$off" -ge "$size" ] || echo "daemon: run did not reach the end" \
	    "($off of $size bytes)" >&2
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') ${kb:-0} ${cpu:-0}"
}

# profile NAME FILE EVENTS
profile() {
	f=$2
	n=$3
	cat "$f" > /dev/null
	set -- $(timed cat sh -c 'for i in 1 2 3 4 5; do cat "$1"; done' sh "$f")
	cs=$(awk -v s="$1" 'BEGIN { printf "%.3f", s / 5 }')
	set -- $(timed replay "$R" replay --no-alerts "$f")
	rs=$1
	echo "daemon: $NAME, $n events ($(($(wc -c < "$f") / 1048576)) MB)"
	line "cat (the read limit)" "$n" "$cs" 0 0 "$rs"
	line "replay (policy)" "$n" "$rs" "$2" "$3" "$rs"
	cfg=$(conf "$f")
	set -- $(timed once "$R" -c "$cfg" run --once)
	line "run --once" "$n" "$1" "$2" "$3" "$rs"
	echo "  $(store_facts)"
	set -- $(follow "$f" "$n")
	line "run, following the file" "$n" "$1" "$2" "$3" "$rs"
	echo "  $(store_facts)"
	if [ "$F2B" -gt 0 ] && command -v fail2ban-regex >/dev/null; then
		head -n "$F2B" "$f" > "$D/f2b.json"
		set -- $(timed f2b fail2ban-regex "$D/f2b.json" \
		    "$HERE/fail2ban-eve.conf")
		line "fail2ban-regex ($F2B events)" "$F2B" "$1" "$2" "$3" \
		    "$(awk -v r="$rs" -v a="$F2B" -v b="$n" \
		    'BEGIN { print r * a / b }')"
	elif [ "$F2B" -gt 0 ]; then
		echo "  fail2ban-regex: skipped (not installed: apt-get install fail2ban)"
	fi
}

gen() {	# gen FILE ARGS...
	[ -s "$1" ] || { f=$1; shift; python3 "$GEN" "$@" --seed 1 -o "$f" \
	    2>/dev/null; } || { echo "daemon: gen_eve.py $* failed"; return 1; }
}

gen "$D/scan.json" --profile scan --events "$N" &&
    NAME=scan profile scan "$D/scan.json" "$N"
rm -f "$D/scan.json"
gen "$D/flood.json" --profile flood --events "$N" --sources "$N" &&
    NAME=flood profile flood "$D/flood.json" "$N"
rm -f "$D/flood.json" "$D/grow.json" "$D/f2b.json"
if [ "$BIG" -gt 0 ]; then
	gen "$D/big.json" --profile flood --events "$BIG" --sources "$BIG" || exit 0
	set -- $(timed replay "$R" replay --no-alerts "$D/big.json")
	rs=$1
	echo "daemon: $BIG spoofed sources, $BIG events"
	line "replay (policy)" "$BIG" "$rs" "$2" "$3" "$rs"
	cfg=$(conf "$D/big.json")
	set -- $(timed once "$R" -c "$cfg" run --once)
	line "run --once" "$BIG" "$1" "$2" "$3" "$rs" "(goal: RSS <= 256 MB, >= 300k events/s)"
	rm -f "$D/big.json"
else
	echo "daemon: 10M spoofed-source flood skipped (DAEMON_BENCH_BIG=10000000 runs it)"
fi
rm -rf "$D"
