#!/bin/sh
# Runs every libFuzzer harness in DIR for SECONDS each, starting from its
# seed corpus tests/fuzz/corpus/<name> (if any) in a scratch copy. A
# crashing input is kept in build/fuzz-crashes/ (never the source tree):
# add it to the corpus once fixed.
dir=$1 secs=${2:-20}
fail=0 n=0
crashes=${BUILD:-build}/fuzz-crashes
mkdir -p "$crashes"
for f in "$dir"/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	work=$(mktemp -d)
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
	echo "fuzz: $name for ${secs}s"
	if ! "$f" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
	    -print_final_stats=0 -artifact_prefix="$crashes/$name-" "$work" >"$work.log" 2>&1; then
		tail -40 "$work.log"
		echo "fuzz: $name FAILED"
		fail=$((fail + 1))
	fi
	n=$((n + 1))
	rm -rf "$work" "$work.log"
done
echo "fuzz: $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
