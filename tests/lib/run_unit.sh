#!/bin/sh
# Runs every cmocka unit binary given as arguments; prints each binary's
# own summary and a closing "N passed, N failed" line for the whole set.
pass=0 fail=0
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
