#!/bin/sh
# Policy bench: replay throughput with thresholds and incidents against
# plain replay (`redress replay --no-policy`) on the scan profile (1M
# events, ~2,000 sources) and the spoofed-flood profile (1M events from
# 1M sources, then 10M from 10M), peak RSS of each, and the bytes of
# state per tracked key (bench/policy_keys). The policy runs as replay
# runs by default (a second thread reads ahead, both threads parse, the
# first decides) and on one thread; plain replay, the baseline, runs on
# one thread. CPU seconds are printed beside the wall-clock figures.
# Usage: bench/policy.sh BUILD_DIR WORKDIR
# Environment: POLICY_BENCH_EVENTS (default 1000000), POLICY_BENCH_BIG
# (default 10000000; 0 skips the 10M run), POLICY_BENCH_REPEAT (runs of
# each 1M measurement, the best kept; default 3).
set -u
BUILD=${1:?usage: bench/policy.sh BUILD_DIR WORKDIR}
WORK=${2:?usage: bench/policy.sh BUILD_DIR WORKDIR}
SHARED=${SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
GEN="$SHARED/tools/gen_eve.py"
R="$BUILD/redress"
N=${POLICY_BENCH_EVENTS:-1000000}
BIG=${POLICY_BENCH_BIG:-10000000}
REP=${POLICY_BENCH_REPEAT:-3}
[ -x "$R" ] || { echo "policy: $R not built"; exit 1; }
[ -f "$GEN" ] || { echo "policy: $GEN not found (set SHARED)"; exit 0; }
[ -x /usr/bin/time ] || { echo "policy: /usr/bin/time missing"; exit 0; }

# run NAME ARGS...: prints "seconds peak_kb cpu_seconds" of one replay,
# the best (least wall time) of $REP runs: this machine's speed drifts.
run() {
	name=$1
	shift
	best=""
	k=0
	while [ $k -lt "$REP" ]; do
		/usr/bin/time -f "%e %M %U %S" -o "$WORK/time.$name" "$R" \
		    replay --no-alerts "$@" >"$WORK/out.$name" \
		    2>"$WORK/err.$name" ||
		    { echo "policy: $name failed:" >&2;
		    tail -3 "$WORK/err.$name" >&2; }
		cur=$(awk '{ printf "%s %s %.2f", $1, $2, $3 + $4 }' \
		    "$WORK/time.$name")
		best=$(echo "$best" "$cur" | awk 'NF == 3 { print; next }
		    { if ($4 < $1) print $4, $5, $6; else print $1, $2, $3 }')
		k=$((k + 1))
	done
	echo "$best"
}

# one LABEL FILE EVENTS: plain replay, replay with the policy (with the
# second thread, as it runs by default on two CPUs or more) and the same
# on one thread.
one() {
	cat "$2" >/dev/null	# page cache, for every run alike
	set -- "$1" "$2" "$3" $(run plain-"$1" --no-policy "$2") \
	    $(run policy-"$1" "$2") $(run single-"$1" --single-thread "$2")
	awk -v l="$1" -v n="$3" -v ps="$4" -v pk="$5" -v pc="$6" \
	    -v qs="$7" -v qk="$8" -v qc="$9" -v ss="${10}" -v sc="${12}" '
	function d(x) { return x <= 0 ? 0.01 : x }
	BEGIN {
		printf "%-14s plain %9.0f ev/s %7.1f MB | policy %9.0f ev/s " \
		    "%7.1f MB | throughput ratio %.2f, RSS ratio %.2f\n",
		    l, n / d(ps), pk / 1024, n / d(qs), qk / 1024,
		    d(ps) / d(qs), qk / pk
		printf "%-14s one thread: policy %9.0f ev/s, ratio %.2f | " \
		    "CPU seconds plain %.2f, policy %.2f (two threads), " \
		    "%.2f (one): ratio %.2f\n", "", n / d(ss), d(ps) / d(ss),
		    pc, qc, sc, d(pc) / d(sc)
	}'
	grep -h "^replay: .* incidents" "$WORK/err.policy-$1" |
	    sed 's/^/               /'
	cmp -s "$WORK/out.policy-$1" "$WORK/out.single-$1" ||
	    echo "policy: $1: one and two threads decided differently!"
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
	    --sources "$BIG" && REP=1 one flood-$BIG "$WORK/flood-big.json" \
	    "$BIG"
	rm -f "$WORK/flood-big.json"
fi
K="$BUILD/bench/policy_keys"
if [ -x "$K" ]; then
	echo "policy: state per tracked key (default 256M cap), synthetic flood"
	"$K" "$([ "$BIG" -gt 0 ] && echo "$BIG" || echo "$N")" 256M |
	    sed 's/^/  /'
fi
