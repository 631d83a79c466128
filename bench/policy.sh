#!/bin/sh
# Policy bench: replay throughput with thresholds and incidents against
# plain replay (`redress replay --no-policy`) on the scan profile (1M
# events, ~2,000 sources) and the spoofed-flood profile (1M events from
# 1M sources, then 10M from 10M), peak RSS of each, and the bytes of
# state per tracked key (bench/policy_keys).
# Usage: bench/policy.sh BUILD_DIR WORKDIR
# Environment: POLICY_BENCH_EVENTS (default 1000000), POLICY_BENCH_BIG
# (default 10000000; 0 skips the 10M run).
set -u
BUILD=${1:?usage: bench/policy.sh BUILD_DIR WORKDIR}
WORK=${2:?usage: bench/policy.sh BUILD_DIR WORKDIR}
SHARED=${SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
GEN="$SHARED/tools/gen_eve.py"
R="$BUILD/redress"
N=${POLICY_BENCH_EVENTS:-1000000}
BIG=${POLICY_BENCH_BIG:-10000000}
[ -x "$R" ] || { echo "policy: $R not built"; exit 1; }
[ -f "$GEN" ] || { echo "policy: $GEN not found (set SHARED)"; exit 0; }
[ -x /usr/bin/time ] || { echo "policy: /usr/bin/time missing"; exit 0; }

# run NAME ARGS...: prints "seconds peak_kb" of one replay
run() {
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$WORK/time.$name" "$R" replay \
	    --no-alerts "$@" >"$WORK/out.$name" 2>"$WORK/err.$name" ||
	    { echo "policy: $name failed:"; tail -3 "$WORK/err.$name"; }
	cat "$WORK/time.$name"
}

# one LABEL FILE EVENTS
one() {
	set -- "$1" "$2" "$3" $(run plain-"$1" --no-policy "$2") \
	    $(run policy-"$1" "$2")
	label=$1 events=$3 ps=$4 pk=$5 qs=$6 qk=$7
	awk -v l="$label" -v n="$events" -v ps="$ps" -v pk="$pk" \
	    -v qs="$qs" -v qk="$qk" 'BEGIN {
		if (ps <= 0) ps = 0.01; if (qs <= 0) qs = 0.01;
		printf "%-14s plain %9.0f ev/s %7.1f MB | policy %9.0f ev/s " \
		    "%7.1f MB | throughput ratio %.2f, RSS ratio %.2f\n",
		    l, n / ps, pk / 1024, n / qs, qk / 1024, ps / qs, qk / pk
	}'
	grep -h "^replay: .* incidents" "$WORK/err.policy-$label" |
	    sed 's/^/               /'
}

gen() {	# gen FILE ARGS...
	f=$1
	shift
	[ -s "$f" ] || python3 "$GEN" "$@" --seed 1 -o "$f" 2>/dev/null ||
	    { echo "policy: gen_eve.py $* failed"; return 1; }
}

echo "policy: replay with thresholds and incidents vs --no-policy"
gen "$WORK/scan.json" --profile scan --events "$N" && \
    one scan-$N "$WORK/scan.json" "$N"
gen "$WORK/flood.json" --profile flood --events "$N" --sources "$N" && \
    one flood-$N "$WORK/flood.json" "$N"
rm -f "$WORK/scan.json" "$WORK/flood.json"
if [ "$BIG" -gt 0 ]; then
	gen "$WORK/flood-big.json" --profile flood --events "$BIG" \
	    --sources "$BIG" && one flood-$BIG "$WORK/flood-big.json" "$BIG"
	rm -f "$WORK/flood-big.json"
fi
K="$BUILD/bench/policy_keys"
if [ -x "$K" ]; then
	echo "policy: state per tracked key (default 256M cap), synthetic flood"
	"$K" "$([ "$BIG" -gt 0 ] && echo "$BIG" || echo "$N")" 256M |
	    sed 's/^/  /'
fi
