#!/bin/sh
# A contain decision does not wait for the batch of a backlog: the daemon
# follows a file of 300,000 alerts whose first one is an exploit, with a
# batch and an interval far larger than the file (commit_batch 1000000,
# commit_interval 60s). The decision is committed (with its bookmark)
# within a few milliseconds of reading that alert, long before the batch
# or the once-a-second flush would commit: when it is first seen in the
# store, the bookmark is still near the start of the file.
. "$(dirname "$0")/../lib/tap.sh"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3"
plan 3
T=$(mktemp -d /tmp/redress-t092.XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$T/state"
cat > "$T/redress.yaml" <<EOC
general:
  state_dir: $T/state
  pid_file: $T/state/redress.pid
  log_level: warning
  user: ""
  allow_root: true
  dry_run: true
  commit_batch: 1000000
  commit_interval: 60s
inputs:
  - type: eve
    path: $T/eve.json
policy:
  home_net: [10.0.0.0/8]
resolver:
  enabled: false
responders:
  cap_per_minute: 1000000
EOC
# The exploit, then 300,000 alerts of a rule that contains nobody.
awk 'BEGIN {
	f = "{\"timestamp\":\"2026-01-05T10:%02d:%02d.000000+0000\",\"flow_id\":%d,\"event_type\":\"alert\",\"src_ip\":\"%s\",\"src_port\":40000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":4,\"pkts_toclient\":3,\"bytes_toserver\":400,\"bytes_toclient\":300},\"app_proto\":\"http\",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":%d,\"rev\":1,\"signature\":\"%s\",\"category\":\"%s\",\"severity\":%d}}\n"
	printf f, 0, 0, 1, "203.0.113.7", 2010002, "TEST exploit", "Attempted User Privilege Gain", 1
	for (i = 0; i < 300000; i++)
		printf f, int(i / 6000) % 60, int(i / 100) % 60, i + 2, sprintf("100.%d.%d.%d", 64 + int(i / 65536), int(i / 256) % 256, i % 256), 2100498, "GPL ATTACK_RESPONSE id check returned root", "Potentially Bad Traffic", 3
}' > "$T/eve.json"
size=$(stat -c %s "$T/eve.json")
"$REDRESS" -c "$T/redress.yaml" run >"$T/out" 2>"$T/err" &
PID=$!
# Poll the store until the decision is there (at most 60 s).
db="$T/state/state.db"
pos=
i=0
while [ $i -lt 3000 ]; do
	n=$(sqlite3 "$db" "select count(*) from decision where action = 'contain' and target like '203.0.113.7%'" 2>/dev/null)
	if [ "${n:-0}" -gt 0 ]; then
		pos=$(sqlite3 "$db" "select position from bookmark" 2>/dev/null | cut -d: -f2)
		break
	fi
	sleep 0.02
	i=$((i + 1))
done
ok $([ -n "$pos" ]; echo $?) "the exploit's contain decision is committed"
diag "bookmark at the decision: ${pos:-none} of $size bytes"
ok $([ -n "$pos" ] && [ "$pos" -lt $((size / 10)) ]; echo $?) \
    "committed while the daemon was still behind (bookmark in the first tenth)"
kill -TERM "$PID"; wait "$PID"; PID=
n=$(sqlite3 "$db" "select alerts from incident where src = '203.0.113.7'" 2>/dev/null)
is "$n" 1 "the exploit's incident has its one alert"
