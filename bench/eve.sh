#!/bin/sh
# EVE bench: a generated 1M-event Suricata 7 EVE file (gen_eve.py --profile
# scan, ~90% alerts) read by `redress replay FILE > /dev/null` against
# `cat FILE > /dev/null` in the same run: events/s, alerts/s, the ratio to
# cat and the peak RSS, for replay as a user runs it (alerts printed,
# policy on), with --no-policy (parse + JSON out) and --no-policy
# --no-alerts (parse only). A quarter-size file shows whether the peak RSS
# grows with the file size.
# Usage: bench/eve.sh BUILD_DIR WORKDIR
# Environment: EVE_BENCH_EVENTS (default 1000000), SHARED (../shared).
set -u
BUILD=${1:?usage: bench/eve.sh BUILD_DIR WORKDIR}
WORK=${2:?usage: bench/eve.sh BUILD_DIR WORKDIR}
R="$BUILD/redress"
N=${EVE_BENCH_EVENTS:-1000000}
GEN=
for d in "${SHARED:-}" ../shared /work/shared; do
	[ -n "$d" ] && [ -f "$d/tools/gen_eve.py" ] && { GEN="$d/tools/gen_eve.py"; break; }
done
[ -n "$GEN" ] || { echo "eve: SKIP (no gen_eve.py in \$SHARED/tools or ../shared/tools)"; exit 0; }
[ -x "$R" ] || { echo "eve: build first (make all)"; exit 1; }
[ -x /usr/bin/time ] || { echo "eve: SKIP (/usr/bin/time missing)"; exit 0; }

# t NAME CMD...: runs CMD with stdout to /dev/null; prints "seconds peak_kb
# cpu_seconds" (wall clock, peak RSS, user + system time: on a shared
# machine the CPU time is the figure for "one core")
t() {
	name=$1
	shift
	/usr/bin/time -v -o "$WORK/evetime.$name" "$@" >/dev/null \
	    2>"$WORK/eveerr.$name" || { echo "eve: $name failed:" >&2;
	    tail -3 "$WORK/eveerr.$name" >&2; }
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":");
	    s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i] }
	    /Maximum resident set size/ { kb = $2 }
	    /User time|System time/ { cpu += $2 }
	    END { printf "%s %s %s\n", s, kb, cpu }' "$WORK/evetime.$name"
}

# report LABEL EVENTS ALERTS SECONDS KB CPU_SECONDS CAT_SECONDS
report() {
	awk -v l="$1" -v n="$2" -v a="$3" -v s="$4" -v kb="$5" -v u="$6" \
	    -v c="$7" 'BEGIN {
		if (s <= 0) s = 0.01; if (u <= 0) u = 0.01; if (c <= 0) c = 0.001;
		printf "%-34s %6.2f s %8.0f events/s %8.0f alerts/s " \
		    "%5.1fx cat  peak RSS %6.1f MB  (CPU %5.2f s: %8.0f " \
		    "alerts/s)\n", l, s, n / s, a / s, s / c, kb / 1024, u,
		    a / u }'
}

F="$WORK/evebench.json"
python3 "$GEN" --profile scan --events "$N" --seed 1 -o "$F" 2>"$WORK/evegen.err" ||
    { echo "eve: gen_eve.py failed"; cat "$WORK/evegen.err"; exit 1; }
size=$(wc -c < "$F" | tr -d ' ')
alerts=$(sed -n 's/.* alert=\([0-9]*\).*/\1/p' "$WORK/evegen.err")
echo "eve: $N events ($alerts alerts), $((size / 1048576)) MB, gen_eve.py --profile scan --seed 1"
cat "$F" > /dev/null		# page cache, as for every run below
# cat is faster than /usr/bin/time's 10 ms resolution: five times, /5.
set -- $(t cat sh -c 'for i in 1 2 3 4 5; do cat "$1"; done' sh "$F")
cs=$(awk -v s="$1" 'BEGIN { printf "%.4f", s / 5 }')
printf "%-34s %6.3f s %9.0f events/s\n" "cat FILE > /dev/null" "$cs" \
    "$(awk -v n="$N" -v s="$cs" 'BEGIN { if (s <= 0) s = 0.001; print n / s }')"
set -- $(t parse "$R" replay --no-policy --no-alerts "$F")
report "replay --no-policy --no-alerts" "$N" "$alerts" "$1" "$2" "$3" "$cs"
set -- $(t json "$R" replay --no-policy "$F")
report "replay --no-policy" "$N" "$alerts" "$1" "$2" "$3" "$cs"
set -- $(t full "$R" replay "$F")
report "replay (policy, as a user runs it)" "$N" "$alerts" "$1" "$2" "$3" "$cs"
grep "^replay: [0-9]* alerts" "$WORK/eveerr.full" | sed 's/^/  /'
# RSS against file size: the same replays on the first quarter
head -n $((N / 4)) "$F" > "$WORK/evebench-q.json"
rss() { awk -F': ' '/Maximum resident/ { printf "%.1f", $2 / 1024 }' "$WORK/evetime.$1"; }
t qparse "$R" replay --no-policy --no-alerts "$WORK/evebench-q.json" >/dev/null
t qfull "$R" replay "$WORK/evebench-q.json" >/dev/null
echo "peak RSS, input only (--no-policy): $(rss qparse) MB for $((N / 4)) events, $(rss parse) MB for $N"
echo "peak RSS, with the policy:          $(rss qfull) MB for $((N / 4)) events, $(rss full) MB for $N"
rm -f "$F" "$WORK/evebench-q.json"
