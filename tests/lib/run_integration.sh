#!/bin/sh
# Runs the integration scripts (TAP) under prove. Each script starts the
# real components it needs and cleans up after itself.
# REDRESS (the binary) and BUILD (the build directory) come from make.
set -e
cd "$(dirname "$0")/../.."
export REDRESS BUILD
export SHARED="${SHARED:-$(cd .. && pwd)/shared}"
if [ -n "$T" ]; then
	exec prove -v $T
fi
exec prove --timer tests/integration/*.sh
