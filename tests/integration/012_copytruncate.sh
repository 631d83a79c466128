#!/bin/sh
# Copytruncate while the daemon is behind: `redress run` follows a growing
# EVE file; while it is stopped (SIGSTOP: a busy machine) thousands of
# lines are appended, logrotate's copytruncate is done by hand (cp to
# eve.json.1, truncate) and new lines follow. It must read the unread
# lines from eve.json.1 and then the new ones: 0 lines lost, counted in the
# store. A second round truncates while it reads at full speed. Without
# the copy the loss is logged with a count of lines.
. "$(dirname "$0")/../lib/tap.sh"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3"
plan 6
T=$(mktemp -d /tmp/redress-t012.XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill -CONT "$PID" 2>/dev/null && kill -9 "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# gen FIRST COUNT: EVE alert lines numbered FIRST.., 50 sources
gen() {
	awk -v s="$1" -v n="$2" 'BEGIN { for (i = s; i < s + n; i++) {
	    sec = int(i / 100); us = (i % 100) * 10000;
	    printf "{\"timestamp\":\"2024-05-14T%02d:%02d:%02d.%06d+0000\",\"flow_id\":%d,\"event_type\":\"alert\",\"src_ip\":\"198.51.100.%d\",\"src_port\":%d,\"dest_ip\":\"10.0.0.5\",\"dest_port\":80,\"proto\":\"TCP\",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2010001,\"rev\":1,\"signature\":\"TEST %d\",\"category\":\"Web Application Attack\",\"severity\":2},\"flow\":{\"pkts_toserver\":3,\"pkts_toclient\":2,\"bytes_toserver\":300,\"bytes_toclient\":200}}\n",
	    int(sec / 3600) % 24, int(sec / 60) % 60, sec % 60, us, i + 1,
	    1 + i % 50, 1024 + i % 60000, i } }'
}
mkdir -p "$T/state"
printf '%s\n' "general:" "  state_dir: $T/state" "  pid_file: $T/state/redress.pid" \
    "  user: root" "  group: root" "  allow_root: true" "  dry_run: true" \
    "  commit_interval: 100ms" "  commit_batch: 500" "inputs:" \
    "  - type: eve" "    path: $T/eve.json" "    poll_ms: 50ms" \
    "resolver:" "  enabled: false" >"$T/redress.yaml"
total() { sqlite3 "$T/state/state.db" 'select coalesce(sum(alerts),0) from incident' 2>/dev/null; }
has_total() { [ "$(total)" = "$1" ]; }

gen 0 300 >"$T/eve.json"
"$REDRESS" -c "$T/redress.yaml" run >"$T/run.out" 2>"$T/run.err" &
PID=$!
wait_for 20 has_total 300
is "$(total)" 300 "run: the first 300 alerts counted"

# behind by 8,000 lines at copy time
kill -STOP "$PID"
gen 300 8000 >>"$T/eve.json"
cp "$T/eve.json" "$T/eve.json.1"
: >"$T/eve.json"
gen 8300 200 >>"$T/eve.json"
kill -CONT "$PID"
wait_for 30 has_total 8500
is "$(total)" 8500 "copytruncate 8,000 lines behind: the rest read from eve.json.1, then the new lines (0 lost)"

# at full speed: 20,000 lines written, copied and truncated at once
gen 10000 20000 >>"$T/eve.json"
cp "$T/eve.json" "$T/eve.json.1"
: >"$T/eve.json"
gen 30000 100 >>"$T/eve.json"
wait_for 60 has_total 28600
is "$(total)" 28600 "copytruncate while reading 20,000 lines: 0 lost"

# no copy, truncated while it reads 100,000 lines: the loss is logged
# with a count of lines that, with the lines read, makes the 100,000
# within 2% (an estimate by the average line length). (A reader that got
# no CPU before the truncation never saw the lines, and one that read
# them all lost nothing: then the round is tried again.)
rm -f "$T/eve.json.1"
stable() { a=$(total); sleep 1; [ "$a" = "$(total)" ]; }
base=28600 lost= read_n= try=0
while [ -z "$lost" ] && [ $try -lt 3 ]; do
	try=$((try + 1))
	kill -STOP "$PID"
	gen $((40000 + try * 200000)) 100000 >>"$T/eve.json"
	kill -CONT "$PID"
	sleep 0.05
	kill -STOP "$PID"
	: >"$T/eve.json"
	gen $((50000 + try * 200000)) 50 >>"$T/eve.json"
	kill -CONT "$PID"
	wait_for 30 stable
	lost=$(grep -c "truncated (copytruncate)" "$T/run.err")
	[ "$lost" -gt 0 ] || lost=
	lost=${lost:+$(sed -n 's/.*eve.json: truncated (copytruncate) with [0-9]* bytes not yet read at offset [0-9]* and no copy of them in .*eve.json.1: about \([0-9]*\) lines lost.*/\1/p' "$T/run.err" | tail -n 1)}
	read_n=$(($(total) - base - 50))
	base=$(total)
	diag "try $try: read $read_n of the 100,000 lines before the truncation, about ${lost:-no} lines said lost"
done
ok $([ -n "$lost" ] && [ "$lost" -gt 0 ]; echo $?) "truncated without a copy: the loss is logged with a count of lines"
ok $([ -n "$lost" ] && [ $((read_n + lost)) -ge 98000 ] && [ $((read_n + lost)) -le 102000 ]; echo $?) \
    "lines read + lines counted lost = the 100,000 written (within 2%)"
kill "$PID"
_i=0
while kill -0 "$PID" 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
kill -0 "$PID" 2>/dev/null
ok $((1 - $?)) "the daemon stops on SIGTERM"
wait "$PID" 2>/dev/null
PID=
tap_done
