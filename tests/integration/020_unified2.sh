#!/bin/sh
# The unified2 input end to end: `redress replay` of the real fixtures in
# $SHARED (fields checked against values decoded by hand with xxd) and of
# files written by tests/tools/u2write (IPv6, Snort 3 events, extra data,
# unknown types, a corrupt record mid-file, a truncated tail); then
# `redress run` following a spool directory: a newer file is switched to, a
# partial record completed later is read once, a corrupt record is reported
# with file and offset, finished files are archived (or deleted), and after
# kill -9 and a restart every alert is counted exactly once in state.db.
. "$(dirname "$0")/../lib/tap.sh"
U2W="$BUILD/tests/tools/u2write"
[ -x "$U2W" ] || skip_all "no $U2W (make all builds it)"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
F="${SHARED:-../shared}/fixtures/unified2"
plan 36
T=$(mktemp -d /tmp/redress-t020.XXXXXX)
PIDS=
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# jf FILE INDEX EXPR: EXPR (Python, `o` is the object) over the INDEXth
# JSON line of FILE.
jf() {
	"$PY" -c 'import json, sys
L = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
o = L[int(sys.argv[2])]
print(eval(sys.argv[3]))' "$@"
}
nalerts() { grep -c '"event_type":"alert"' "$1"; }
replay() { "$REDRESS" replay --no-policy "$@"; }

# ------------------------------------------------------------ fixtures
if [ -d "$F" ]; then
	replay "$F/py-idstools_merged.log" >"$T/m.out" 2>"$T/m.err"
	is "$?" 0 "replay of py-idstools_merged.log"
	is "$(nalerts "$T/m.out")" 6 "merged.log: 6 events v2 give 6 alerts"
	# xxd -l 80: second 0x51e46e5e usec 0x4b11d, sid 0x1f2 rev 0xa
	# class 3 prio 2, ac10010a:0x0050 -> ac10010b:0x99d0, proto 6.
	is "$(jf "$T/m.out" 0 'o["timestamp"], o["src_ip"], o["src_port"], o["dest_ip"], o["dest_port"], o["proto"]')" \
	    "('2013-07-15T21:49:18.307485+0000', '172.16.1.10', 80, '172.16.1.11', 39376, 'TCP')" \
	    "merged.log: first alert's time, addresses and ports"
	is "$(jf "$T/m.out" 0 'o["alert"]["gid"], o["alert"]["signature_id"], o["alert"]["rev"], o["alert"]["signature"], o["alert"]["category"], o["alert"]["severity"]')" \
	    "(1, 498, 10, '1:498:10', 'Potentially Bad Traffic', 2)" \
	    "merged.log: gid, signature_id, rev, gid:sid:rev text, category of class 3"
	is "$(jf "$T/m.out" 0 'o["redress"]["input"]["type"], o["redress"]["input"]["offset"], o["redress"]["established"], o["redress"]["packet_len"]')" \
	    "('unified2', 0, True, 373)" \
	    "merged.log: input, offset, PSH+ACK with payload = established, packet"
	replay "$F/py-idstools_ipv6-alert.unified2" >"$T/v6.out" 2>/dev/null
	is "$(jf "$T/v6.out" 0 'o["src_ip"], o["dest_ip"], o["proto"], o["alert"]["signature_id"]')" \
	    "('fe80::dacb:8aff:feed:a146', 'fe80::215:17ff:fe0d:6f7', 'IPv6-ICMP', 18474)" \
	    "IPv6 event v2 (type 105): addresses, proto 58, sid"
	replay "$F/djcas9-unified2_unified2-current.log" >"$T/c.out" 2>/dev/null
	is "$(nalerts "$T/c.out"):$(jf "$T/c.out" 1 'o["redress"]["input"]["offset"]')" \
	    "5675:363" "unified2-current.log: 5675 alerts; the second event is at offset 363 (after 2 extra-data records)"
	replay "$F/djcas9-unified2_unified2-legacy.log" >"$T/l.out" 2>/dev/null
	is "$(nalerts "$T/l.out"):$(jf "$T/l.out" 0 'o["src_ip"], o["src_port"], o["dest_port"], o["alert"]["signature_id"]')" \
	    "4703:('24.19.7.110', 3, 13, 485)" "legacy type 7 events: 4703 alerts, ICMP type/code as ports"
	replay "$F/go-unified2_short-read-on-body.log" >/dev/null 2>"$T/s.err"
	check "a file cut inside a record is reported truncated with file and offset" \
	    grep -q "truncated record at $F/go-unified2_short-read-on-body.log offset 0" "$T/s.err"
else
	for n in 1 2 3 4 5 6 7 8 9; do ok 0 "# SKIP no \$SHARED fixtures"; done
fi

# ------------------------------------------------------------ u2write files
cat > "$T/head.spec" <<EOF
event6 src=2001:db8::1 dst=2001:db8::2 sport=4444 dport=22 sid=100 rev=2 class=12 prio=1 ts=1700000001.5 id=7
extra id=7 data=/etc/passwd
packet id=7 src=2001:db8::1 dst=2001:db8::2 sport=4444 dport=22 flags=S
unknown type=999 len=12
EOF
cat "$T/head.spec" - > "$T/mixed.spec" <<EOF
garbage
event3 src=203.0.113.5 dst=2001:db8::5 sport=53 dport=9 proto=17 gid=3 sid=300 id=10 app=dns
event4 src=198.51.100.9 dst=10.1.1.1 sid=200 id=11 v1 blocked=1
event4 src=198.51.100.10 dst=10.1.1.1 sid=201 id=12
truncate 9
EOF
"$U2W" -o "$T/head.u2" < "$T/head.spec" && "$U2W" -o "$T/mixed.u2" < "$T/mixed.spec"
ok $? "u2write writes the test files"
bad=$(wc -c < "$T/head.u2" | tr -d ' ')
trunc=$(($(wc -c < "$T/mixed.u2") - 68 + 9))
replay "$T/mixed.u2" >"$T/x.out" 2>"$T/x.err"
is "$(nalerts "$T/x.out")" 3 "IPv6, Snort 3 and v1 events read around the bad records"
check "the corrupt record is reported with file and offset" \
    grep -q "corrupt at $T/mixed.u2 offset $bad: event record type 104 has length 10" "$T/x.err"
check "the cut last record is reported truncated with its offset" \
    grep -q "truncated record at $T/mixed.u2 offset $trunc" "$T/x.err"
check "counts on stderr: 3 alerts, 2 bad" grep -q "3 alerts, 2 bad" "$T/x.err"
is "$(jf "$T/x.out" 0 'o["src_ip"], o["dest_port"], o["timestamp"], o["alert"]["category"], o["redress"]["established"]')" \
    "('2001:db8::1', 22, '2023-11-14T22:13:21.500000+0000', 'Attempted Administrator Privilege Gain', False)" \
    "IPv6 event: fields, class 12, a lone SYN is not established"
is "$(jf "$T/x.out" 1 'o["src_ip"], o["dest_ip"], o["proto"], o["app_proto"], o["alert"]["gid"]')" \
    "('203.0.113.5', '2001:db8::5', 'UDP', 'dns', 3)" "Snort 3 event (type 114): mixed families, app name"
is "$(jf "$T/x.out" 2 'o["alert"]["action"], o["alert"]["signature_id"]')" \
    "('blocked', 200)" "legacy v1 event with blocked=1"

# ------------------------------------------------------------ run: spool
S="$T/spool"; A="$T/archive"; ST="$T/state"
mkdir -p "$S" "$A" "$ST"
cat > "$T/sid-msg.map" <<EOF
# v2
#v2
1 || 2010001 || 1 || web-application-attack || 1 || TEST U2 WEB ATTACK || url,example.org
EOF
cat > "$T/classification.config" <<EOF
config classification: not-suspicious,Not Suspicious Traffic,3
config classification: web-application-attack,Web Application Attack,1
EOF
cat > "$T/redress.yaml" <<EOF
general:
  state_dir: $ST
  pid_file: $ST/redress.pid
  user: ""
  allow_root: true
  dry_run: true
  commit_interval: 100ms
inputs:
  - type: unified2
    path: $S
    prefix: snort.u2
    sid_msg_map: $T/sid-msg.map
    classification_config: $T/classification.config
    on_corrupt: skip
    finished: archive
    archive_dir: $A
    poll_ms: 50
resolver:
  enabled: false
EOF
"$REDRESS" -c "$T/redress.yaml" check-config >"$T/cc" 2>&1
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/cc"
is "$rc" 0 "configuration with every unified2 key checks"

printf '1 || 2 || x\nnot a line\n' > "$T/bad.map"
sed "s|sid_msg_map: .*|sid_msg_map: $T/bad.map|" "$T/redress.yaml" > "$T/bad.yaml"
"$REDRESS" -c "$T/bad.yaml" check-config >"$T/bcc" 2>&1
check "a bad sid-msg.map line is a check-config error with file:line" \
    grep -q "$T/bad.map:2: " "$T/bcc"

# alerts N FIRST [NET]: N web attacks from NET.0.FIRST.. with packets
alerts() {
	awk -v n="$1" -v f="$2" -v net="${3:-45}" 'BEGIN { for (i = f; i < f + n; i++) {
	    s = sprintf("%d.%d.%d.%d", net, int(i / 62500) % 250, int(i / 250) % 250, i % 250 + 1)
	    printf "event4 src=%s dst=10.0.0.5 sport=%d dport=80 sid=2010001 class=2 prio=1 id=%d ts=%d\n", s, 1024 + i % 60000, i + 1, 1700000000 + int(i / 100)
	    printf "packet id=%d src=%s dst=10.0.0.5 sport=%d dport=80 flags=PA payload=GET\n", i + 1, s, 1024 + i % 60000 } }'
}
DB="$ST/state.db"
sum() { r=$(sqlite3 "$DB" "select coalesce(sum(alerts),0) from incident" 2>/dev/null); echo "${r:-0}"; }
sum_is() { [ "$(sum)" = "$1" ]; }
start() {
	"$REDRESS" -c "$T/redress.yaml" run >>"$T/daemon.log" 2>&1 &
	DPID=$!
	PIDS="$PIDS $DPID"
}

alerts 5 0 | "$U2W" -o "$S/snort.u2.1000"
start
wait_for 10 sum_is 5
ok $? "run: 5 alerts of the first spool file counted"
check "signature from sid-msg.map, category from classification.config" \
    sh -c "sqlite3 '$DB' 'select alert from evidence' | grep -q '\"signature\":\"TEST U2 WEB ATTACK\",\"category\":\"Web Application Attack\"'"
alerts 1 5 | "$U2W" -o "$T/one.u2"
head -c 30 "$T/one.u2" >> "$S/snort.u2.1000"
sleep 0.5
is "$(sum)" 5 "a partial record at the end of the newest file is waited for"
tail -c +31 "$T/one.u2" >> "$S/snort.u2.1000"
wait_for 10 sum_is 6
ok $? "the completed record is read once"
alerts 3 6 | "$U2W" -o "$S/snort.u2.1001"
wait_for 10 sum_is 9
ok $? "a newer spool file is switched to"
alerts 1 9 | "$U2W" -o "$T/pre.u2"
off=$(wc -c < "$T/pre.u2" | tr -d ' ')
{ alerts 1 9; echo garbage; alerts 2 10; } | "$U2W" -o "$S/snort.u2.1002"
wait_for 10 sum_is 12
ok $? "the records after a corrupt one are read"
check "the corrupt record is logged with file and offset" \
    grep -q "corrupt at $S/snort.u2.1002 offset $off" "$T/daemon.log"
alerts 1 12 | "$U2W" -o "$S/snort.u2.1003"
wait_for 10 sum_is 13
ok $? "a fourth file is read"
wait_for 10 test -e "$A/snort.u2.1001"
check "finished files are moved to archive_dir once a later bookmark is committed" \
    sh -c "test -e '$A/snort.u2.1000' && test -e '$A/snort.u2.1001' && ! test -e '$S/snort.u2.1000'"
check "the file being read stays in the spool" test -e "$S/snort.u2.1003"

# kill -9 in the middle of a large file, restart: every alert once.
alerts 20000 13 46 | "$U2W" -o "$S/snort.u2.1004"
sleep 0.8
kill -9 "$DPID"; wait "$DPID" 2>/dev/null
mid=$(sum)
diag "killed with $mid of 20013 alerts committed"
start
wait_for 60 sum_is 20013
ok $? "after kill -9 and a restart all 20013 alerts are counted"
sleep 1
is "$(sum)" 20013 "and none twice"
is "$(sqlite3 "$DB" "select position from bookmark" 2>/dev/null | sed 's/:.*//')" \
    "snort.u2.1004" "the bookmark names the last file"
kill "$DPID"
wait_for 20 grep -q "stopped" "$T/daemon.log"
ok $? "SIGTERM stops the daemon cleanly"
kill -9 "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null

# finished: delete, with run --once over three files.
S2="$T/spool2"; ST2="$T/state2"
mkdir -p "$S2" "$ST2"
for i in 1 2 3; do alerts 2 $((i * 10)) 47 | "$U2W" -o "$S2/unified2.log.170000000$i"; done
sed -e "s|$ST|$ST2|g" -e "s|path: $S|path: $S2|" -e "s|finished: archive|finished: delete|" \
    -e "/prefix:/d" -e "s|commit_interval: 100ms|commit_batch: 1|" "$T/redress.yaml" > "$T/r2.yaml"
timeout 60 "$REDRESS" -c "$T/r2.yaml" run --once >"$T/once.log" 2>&1
is "$?" 0 "run --once over a spool of three files (default prefixes)"
is "$(sqlite3 "$ST2/state.db" "select sum(alerts) from incident")" 6 "all 6 alerts counted"
is "$(ls "$S2" | tr '\n' ' ')" "unified2.log.1700000003 " \
    "finished: delete removed the two files before the committed bookmark"
tap_done
