#!/bin/sh
# unified2 bench: a generated 1M-record unified2 file (500k IPv4 events v2,
# each followed by its packet record, tests/tools/u2write -n) read by
# `redress replay FILE > /dev/null` against `cat FILE > /dev/null` in the
# same run: records/s, alerts/s, the ratio to cat and the peak RSS, for
# replay as a user runs it (alerts printed, policy on), with --no-policy
# (decode + JSON) and with --no-policy --no-alerts (decode only). A 4M-record
# file shows whether peak RSS grows with file size.
# Usage: bench/u2.sh BUILD_DIR WORKDIR
# Environment: U2_BENCH_RECORDS (default 1000000).
set -u
BUILD=${1:?usage: bench/u2.sh BUILD_DIR WORKDIR}
WORK=${2:?usage: bench/u2.sh BUILD_DIR WORKDIR}
R="$BUILD/redress"
W="$BUILD/tests/tools/u2write"
N=${U2_BENCH_RECORDS:-1000000}
[ -x "$R" ] && [ -x "$W" ] || { echo "u2: build first (make all)"; exit 1; }
[ -x /usr/bin/time ] || { echo "u2: /usr/bin/time missing"; exit 0; }

# t NAME CMD...: runs CMD with stdout to /dev/null; prints "seconds peak_kb"
t() {
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$WORK/u2time.$name" "$@" >/dev/null \
	    2>"$WORK/u2err.$name" || { echo "u2: $name failed:" >&2;
	    tail -3 "$WORK/u2err.$name" >&2; }
	tail -1 "$WORK/u2time.$name"
}

# report LABEL RECORDS SECONDS KB CAT_SECONDS
report() {
	awk -v l="$1" -v n="$2" -v s="$3" -v kb="$4" -v c="$5" 'BEGIN {
		if (s <= 0) s = 0.01; if (c <= 0) c = 0.01;
		printf "%-34s %6.2f s %11.0f records/s %10.0f alerts/s " \
		    "%6.1fx cat  peak RSS %6.1f MB\n", l, s, n / s, n / 2 / s,
		    s / c, kb / 1024 }'
}

F="$WORK/u2bench.u2"
"$W" -n "$N" -o "$F" || { echo "u2: generating $F failed"; exit 1; }
size=$(wc -c < "$F" | tr -d ' ')
echo "u2: $N records ($((N / 2)) events + $((N / 2)) packets), $((size / 1048576)) MB"
cat "$F" > /dev/null		# page cache, as for every run below
# cat is too fast for /usr/bin/time's 10 ms resolution: ten times, /10.
set -- $(t cat sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do cat "$1"; done' sh "$F")
cs=$(awk -v s="$1" 'BEGIN { printf "%.4f", s / 10 }')
printf "%-34s %6.3f s %11.0f records/s\n" "cat FILE > /dev/null" "$cs" \
    "$(awk -v n="$N" -v s="$cs" 'BEGIN { if (s <= 0) s = 0.01; print n / s }')"
set -- $(t decode "$R" replay --no-policy --no-alerts "$F")
report "replay --no-policy --no-alerts" "$N" "$1" "$2" "$cs"
set -- $(t json "$R" replay --no-policy "$F")
report "replay --no-policy (JSON lines)" "$N" "$1" "$2" "$cs"
set -- $(t full "$R" replay "$F")
report "replay FILE (policy on)" "$N" "$1" "$2" "$cs"
grep -h "^replay: [0-9]* alerts" "$WORK/u2err.json" | sed 's/^/u2: /'

# Peak RSS against file size: 4x the records, decode + JSON.
F4="$WORK/u2bench4.u2"
"$W" -n $((N * 4)) -o "$F4" && cat "$F4" > /dev/null
set -- $(t json4 "$R" replay --no-policy "$F4")
report "replay --no-policy, 4x the file" "$((N * 4))" "$1" "$2" "$cs"
rm -f "$F" "$F4"
echo "u2: target 2,000,000 records/s"
