#!/bin/sh
# make bench: throughput and memory figures, each as a ratio against a
# baseline measured in the same run. Not a test: nothing fails on speed.
# Usage: bench/run.sh BUILD_DIR
set -u
BUILD=${1:?usage: bench/run.sh BUILD_DIR}
cd "$(dirname "$0")/.."
export SHARED="${SHARED:-$(cd .. && pwd)/shared}"
WORK=${BENCH_WORK:-$(mktemp -d /tmp/redress-bench.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT INT TERM
echo "redress bench: $(nproc) cores, $(uname -m), work dir $WORK"
for b in bench/u2.sh bench/eve.sh bench/policy.sh bench/daemon.sh \
    bench/contain.sh bench/redis.sh bench/exabgp.sh; do
	[ -x "$b" ] || { echo "== $b: not present"; continue; }
	echo "== $b"
	"$b" "$BUILD" "$WORK" || echo "== $b: failed (exit $?)"
done
echo "== resolver parsers and contact cache (bench/resolve_bench.c)"
"$BUILD/bench/resolve_bench" tests/data/resolve "$WORK" ||
    echo "== resolve_bench: failed (exit $?)"
