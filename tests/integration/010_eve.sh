#!/bin/sh
# The EVE and Snort 3 alert_json inputs end to end. `redress replay` on the
# real EVE fixtures from $SHARED (counts from SOURCES.md) and on lines this
# test writes: EVE field names out, bad and over-long lines reported with
# file:line and the rest read, IPv6, Snort 3 JSON detected by content.
# Then `redress run` following a file: rotation by rename and by
# copytruncate lose nothing, kill -9 in the middle and a restart count
# every alert exactly once (sum of incident alert counts in the store),
# and an eve_socket (unix_dgram and unix_stream) created with its mode.
. "$(dirname "$0")/../lib/tap.sh"
plan 35
T=$(mktemp -d /tmp/redress-t010.XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# gen FIRST COUNT: EVE alert lines numbered FIRST.., 50 sources, 10 ms apart
gen() {
	awk -v s="$1" -v n="$2" 'BEGIN { for (i = s; i < s + n; i++) {
	    sec = int(i / 100); us = (i % 100) * 10000;
	    printf "{\"timestamp\":\"2024-05-14T%02d:%02d:%02d.%06d+0000\",\"flow_id\":%d,\"event_type\":\"alert\",\"src_ip\":\"198.51.100.%d\",\"src_port\":%d,\"dest_ip\":\"10.0.0.5\",\"dest_port\":80,\"proto\":\"TCP\",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2010001,\"rev\":1,\"signature\":\"TEST %d\",\"category\":\"Web Application Attack\",\"severity\":2},\"flow\":{\"pkts_toserver\":3,\"pkts_toclient\":2,\"bytes_toserver\":300,\"bytes_toclient\":200}}\n",
	    int(sec / 3600) % 24, int(sec / 60) % 60, sec % 60, us, i + 1,
	    1 + i % 50, 1024 + i % 60000, i } }'
}
flowline() {
	printf '{"timestamp":"2024-05-14T00:00:00.000000+0000","event_type":"flow","src_ip":"10.0.0.5","dest_ip":"10.0.0.6","flow":{"pkts_toserver":1}}\n'
}

# ---------------------------------------------------------------- fixtures
F="${SHARED:-../shared}/fixtures/eve"
if [ -d "$F" ]; then
	"$REDRESS" replay --no-policy "$F/suricatalog_eve-2.json" >"$T/f.out" 2>"$T/f.err"
	is "$?" 0 "replay eve-2.json succeeds"
	check "eve-2.json: 2401 events, 118 alerts" grep -q "eve, 2401 events, 118 alerts, 0 bad" "$T/f.err"
	is "$(wc -l <"$T/f.out" | tr -d ' ')" 118 "one JSON line per alert"
	# line 182 is the first alert (grep -n event_type...alert): fields by hand
	check "EVE names: timestamp, 5-tuple, alert.*, redress.input" grep -q '^{"timestamp":"2022-02-08T11:33:00.175195-0500","event_type":"alert","src_ip":"206.190.49.109","src_port":25,"dest_ip":"10.2.8.102","dest_port":49890,"proto":"TCP",.*"alert":{"action":"allowed","gid":1,"signature_id":2260002,"rev":1,"signature":"SURICATA Applayer Detect protocol only one direction","category":"Generic Protocol Command Decode","severity":3}.*"redress":{"input":{"type":"eve","file":"[^"]*suricatalog_eve-2.json","offset":[0-9]*,"line":182}' "$T/f.out"
	"$REDRESS" replay --no-policy "$F/suricatalog_eve_payload.json" >/dev/null 2>"$T/f.err"
	check "eve_payload.json: 131 alerts" grep -q "131 alerts, 0 bad" "$T/f.err"
	"$REDRESS" replay --no-policy "$F/fever_jsonparse_eve_broken1.json" >/dev/null 2>"$T/f.err"
	check "broken fixture: the truncated line 2 reported" grep -q "fever_jsonparse_eve_broken1.json:2: invalid JSON" "$T/f.err"
	check "broken fixture: the other lines read" grep -q "eve, 3 events, 0 alerts, 1 bad" "$T/f.err"
	n=0
	for f in "$F"/*; do
		"$REDRESS" replay --no-policy "$f" >/dev/null 2>&1 && n=$((n + 1))
	done
	is "$n" "$(ls "$F" | wc -l | tr -d ' ')" "every EVE fixture replays"
else
	for n in 1 2 3 4 5 6 7 8; do ok 0 "# SKIP no \$SHARED fixtures"; done
fi

# ------------------------------------------------------------ own lines
{
	gen 0 8
	flowline
	printf '{"timestamp":"2024-05-14T00:00:01.000000+0000","event_type":"alert","dest_ip":"10.0.0.5","alert":{"signature_id":1}}\n'
	printf '{"timestamp":"2024-05-14T00:00:01.000000+0000","event_type":"alert","src_ip":"2001:0db8:0000:0000:0000:0000:0000:0007","src_port":4444,"dest_ip":"2001:db8::1","dest_port":22,"proto":"TCP","alert":{"gid":1,"signature_id":2001219,"rev":20,"signature":"ET SCAN Potential SSH Scan\\r\\nInjected: yes","category":"Attempted Information Leak","severity":2}}\n'
	printf '{"timestamp":"2024-05-14T00:00:01.000000+0000","event_type":"alert","src_ip":"198.51.100.9",\n'
	printf '{"event_type":"alert","x":"%s"}\n' "$(head -c 1100000 /dev/zero | tr '\0' 'a')"
	gen 8 2
} >"$T/own.json"
"$REDRESS" replay --no-policy "$T/own.json" >"$T/o.out" 2>"$T/o.err"
is "$?" 0 "replay of own lines succeeds despite bad lines"
check "missing field reported with file:line" grep -q "own.json:10: missing src_ip" "$T/o.err"
check "broken JSON reported with file:line" grep -q "own.json:12: invalid JSON" "$T/o.err"
check "line over max_line skipped with file:line" grep -q "own.json:13: line longer than max_line" "$T/o.err"
check "counts: 14 events, 11 alerts, 2 bad, 1 over max_line" grep -q "eve, 14 events, 11 alerts, 2 bad, 1 over max_line" "$T/o.err"
check "the lines after the bad ones are read" grep -q '"line":15}' "$T/o.out"
check "IPv6 alert, canonical address" grep -q '"src_ip":"2001:db8::7","src_port":4444,"dest_ip":"2001:db8::1"' "$T/o.out"
check "CR/LF in the signature does not survive raw" grep -qF '"signature":"ET SCAN Potential SSH Scan\\x0D\\x0AInjected: yes"' "$T/o.out"

# Snort 3 alert_json (shapes from snort3 src/loggers/alert_json.cc)
cat >"$T/alert_json.txt" <<'EOF'
{ "timestamp" : "24/01/02-03:04:05.123456", "pkt_num" : 17, "proto" : "TCP", "pkt_gen" : "raw", "pkt_len" : 60, "dir" : "C2S", "src_ap" : "203.0.113.9:40001", "dst_ap" : "10.0.0.5:80", "rule" : "1:2010001:3", "action" : "allow" }
{ "timestamp" : "24/01/02-03:04:06.000001", "src_addr" : "2001:db8::7", "src_port" : 5555, "dst_addr" : "2001:db8::1", "dst_port" : 22, "gid" : 1, "sid" : 1000001, "rev" : 2, "msg" : "SSH brute force", "class" : "attempted-admin", "priority" : 1, "proto" : "TCP", "iface" : "eth0" }
{ "timestamp" : "24/01/02-03:04:07.5", "src_addr" : "198.51.100.3", "dst_addr" : "10.0.0.9", "icmp_type" : 8, "icmp_code" : 0, "gid" : 1, "sid" : 384, "rev" : 8, "msg" : "PROTOCOL-ICMP PING", "class" : "misc-activity", "priority" : 3, "proto" : "ICMP" }
{ "timestamp" : "24/01/02-03:04:08.0", "src_addr" : "198.51.100.4" }
EOF
"$REDRESS" replay --no-policy "$T/alert_json.txt" >"$T/s.out" 2>"$T/s.err"
check "Snort 3 JSON detected by content: 3 alerts, 1 bad" grep -q "snort_json, 4 events, 3 alerts, 1 bad" "$T/s.err"
check "Snort 3 fields under EVE names" grep -q '"timestamp":"2024-01-02T03:04:05.123456+0000","event_type":"alert","src_ip":"203.0.113.9","src_port":40001,"dest_ip":"10.0.0.5","dest_port":80,"proto":"TCP".*"signature_id":2010001,"rev":3' "$T/s.out"
check "Snort 3 bad line reported with file:line" grep -q "alert_json.txt:4: missing dst_addr" "$T/s.err"
# Many batches, parsed on two threads (when there are two CPUs) and on one.
awk 'BEGIN { for (i = 1; i <= 1500; i++)
	if (i % 97 == 0) print "{ \"timestamp\" : \"24/01/02-03:04:08.0\" }"
	else printf "{ \"timestamp\" : \"24/01/02-03:%02d:%02d.%06d\", " \
	    "\"src_addr\" : \"198.51.100.%d\", \"dst_addr\" : \"10.0.0.9\", " \
	    "\"gid\" : 1, \"sid\" : %d, \"rev\" : 1, \"msg\" : \"m%d\", " \
	    "\"proto\" : \"UDP\", \"src_port\" : 53, \"dst_port\" : %d }\n",
	    i / 60 % 60, i % 60, i, i % 250 + 1, 1000000 + i, i, i % 60000 + 1 }' \
    >"$T/many.json"
"$REDRESS" replay --no-policy "$T/many.json" >"$T/m2.out" 2>"$T/m2.err"
"$REDRESS" replay --no-policy --single-thread "$T/many.json" >"$T/m1.out" \
    2>"$T/m1.err"
check "Snort 3 JSON, 1,500 lines: 1485 alerts, 15 bad" grep -q "snort_json, 1500 events, 1485 alerts, 15 bad" "$T/m2.err"
check "Snort 3 JSON: one thread prints what two print, line for line" cmp -s "$T/m1.out" "$T/m2.out"
check "Snort 3 JSON: the same bad lines, in order" cmp -s "$T/m1.err" "$T/m2.err"

# ------------------------------------------------------- redress run
mkdir -p "$T/state"
conf() {	# conf INPUT-YAML
	cat >"$T/redress.yaml" <<EOF
general:
  state_dir: $T/state
  pid_file: $T/state/redress.pid
  user: root
  group: root
  allow_root: true
  dry_run: true
  commit_interval: 100ms
  commit_batch: 500
inputs:
$1
EOF
}
start() {
	"$REDRESS" -c "$T/redress.yaml" run >>"$T/run.out" 2>>"$T/run.err" &
	PID=$!
}
stop() {	# SIGTERM, bounded wait
	[ -n "$PID" ] || return 0
	kill "$PID" 2>/dev/null
	_i=0
	while kill -0 "$PID" 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	kill -9 "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	PID=
}
total() { sqlite3 "$T/state/state.db" 'select coalesce(sum(alerts),0) from incident' 2>/dev/null; }
has_total() { [ "$(total)" = "$1" ]; }

conf "  - type: eve
    path: $T/live.json
    poll_ms: 50ms"
gen 0 300 >"$T/live.json"
start
wait_for 20 has_total 300
is "$(total)" 300 "run: the first 300 alerts counted"
# rename rotation while the writer still appends to the old file
mv "$T/live.json" "$T/live.json.1"
gen 300 200 >"$T/live.json"
gen 500 100 >>"$T/live.json.1"
flowline >>"$T/live.json"
wait_for 20 has_total 600
is "$(total)" 600 "rename rotation: old tail and new file, nothing lost"
# copytruncate (after the reader caught up, as logrotate's man page says)
cp "$T/live.json" "$T/live.json.2"
: >"$T/live.json"
gen 600 150 >>"$T/live.json"
wait_for 20 has_total 750
is "$(total)" 750 "copytruncate: the refilled file read from its start"
: >"$T/live.json"
gen 750 3 >>"$T/live.json"
wait_for 20 has_total 753
is "$(total)" 753 "copytruncate to a shorter file"
stop
check "SIGTERM: stopped cleanly" grep -q "stopped" "$T/run.err"
# restart at the bookmark: nothing read twice, new lines read
gen 753 47 >>"$T/live.json"
start
wait_for 20 has_total 800
sleep 0.5
is "$(total)" 800 "restart resumes at the bookmark (no alert twice)"
stop

# kill -9 in the middle of a big file, restart: every alert exactly once
rm -rf "$T/state" "$T/live.json"*
mkdir -p "$T/state"
gen 0 60000 >"$T/live.json"
start
wait_for 20 sh -c "[ \$(sqlite3 '$T/state/state.db' 'select coalesce(sum(alerts),0) from incident' 2>/dev/null || echo 0) -gt 0 ]"
kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=
mid=$(total)
diag "killed after $mid of 60000 alerts were committed"
start
wait_for 60 has_total 60000
sleep 0.5
is "$(total)" 60000 "kill -9 and restart: every alert counted exactly once"
stop

# ------------------------------------------------------- eve_socket
if python3 -c 'import socket; socket.AF_UNIX' 2>/dev/null; then
	rm -rf "$T/state"; mkdir -p "$T/state"
	conf "  - type: eve_socket
    path: $T/eve.sock
    socket_type: unix_dgram
    mode: \"0620\""
	gen 0 100 >"$T/d.json"
	start
	wait_for 10 test -S "$T/eve.sock"
	is "$(stat -c %a "$T/eve.sock" 2>/dev/null)" 620 "eve_socket created with its mode"
	python3 - "$T/eve.sock" "$T/d.json" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
lines = open(sys.argv[2], "rb").read().splitlines(True)
i = 0
while i < len(lines):
    # one line per datagram, sometimes two (Suricata writes one)
    n = 2 if i % 10 == 0 else 1
    s.sendto(b"".join(lines[i:i + n]), sys.argv[1])
    i += n
s.sendto(b'{"event_type":"alert","timestamp":"2024-05-14T00:00:00Z"}\n', sys.argv[1])
EOF
	wait_for 20 has_total 100
	is "$(total)" 100 "unix_dgram: every datagram line counted"
	stop
	check "unix_dgram: a bad line reported" grep -q "eve.sock:101: missing src_ip" "$T/run.err"
	check "socket removed on stop" test ! -e "$T/eve.sock"

	rm -rf "$T/state"; mkdir -p "$T/state"
	conf "  - type: eve_socket
    path: $T/eve.sock
    socket_type: unix_stream"
	gen 0 300 >"$T/s1.json"
	start
	wait_for 10 test -S "$T/eve.sock"
	python3 - "$T/eve.sock" "$T/s1.json" <<'EOF'
import socket, sys
data = open(sys.argv[2], "rb").read()
a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); a.connect(sys.argv[1])
b = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); b.connect(sys.argv[1])
lines = data.splitlines(True)
half = len(lines) // 2
# two writers, each line split across writes
for i in range(half):
    for s, l in ((a, lines[i]), (b, lines[half + i])):
        s.sendall(l[:50]); s.sendall(l[50:])
a.close(); b.close()
EOF
	wait_for 20 has_total 300
	is "$(total)" 300 "unix_stream: two writers, lines framed per connection"
	stop
else
	for n in 1 2 3 4 5; do ok 0 "# SKIP no python3 with AF_UNIX"; done
fi
check "no crash or sanitizer report in the daemon logs" sh -c "! grep -q 'AddressSanitizer\|runtime error' '$T/run.err'"
tap_done
