#!/bin/sh
# The decision engine end to end: `redress replay` on EVE alerts the test
# writes prints incidents and decisions (default policies, whitelist,
# widening, DoS to upstream, compromise internal), `redress incidents` and
# `redress incident ID` read them back from the store, a threshold window
# half reached in one replay completes in the next (state survives a
# restart), and the suricata-verify threshold cases from $SHARED are
# reproduced from their pcap with the same threshold code.
. "$(dirname "$0")/../lib/tap.sh"
plan 29
T=$(mktemp -d /tmp/redress-t030.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

# eve SEC SRC SPORT DST DPORT SID CATEGORY [established: 1|0]
eve() {
	if [ "${8:-1}" = 1 ]; then
		flow='"flow":{"pkts_toserver":4,"pkts_toclient":3,"bytes_toserver":400,"bytes_toclient":300},"app_proto":"http",'
	else
		flow='"flow":{"pkts_toserver":1,"pkts_toclient":0,"bytes_toserver":60,"bytes_toclient":0},'
	fi
	printf '{"timestamp":"2024-05-14T09:%02d:%02d.000000+0200","flow_id":%d,"event_type":"alert","src_ip":"%s","src_port":%d,"dest_ip":"%s","dest_port":%d,"proto":"TCP",%s"alert":{"action":"allowed","gid":1,"signature_id":%d,"rev":1,"signature":"TEST %d","category":"%s","severity":2}}\n' \
	    $(($1 / 60)) $(($1 % 60)) $((1000 + $1)) "$2" "$3" "$4" "$5" "$flow" "$6" "$6" "$7"
}

{
	eve 0 203.0.113.9 40001 10.0.0.5 80 2010001 "Web Application Attack"
	eve 1 203.0.113.9 40002 10.0.0.5 80 2010001 "Web Application Attack"
	for p in 21 22 23 25 110 143; do
		eve 2 198.51.100.20 40003 10.0.0.6 $p 2001219 "Attempted Information Leak"
	done
	eve 3 198.51.100.21 40004 10.0.0.6 80 2010002 "Attempted User Privilege Gain"
	eve 4 198.51.100.22 40005 10.0.0.6 80 2010002 "Attempted User Privilege Gain"
	eve 5 192.0.2.50 40006 10.0.0.6 80 2010002 "Attempted User Privilege Gain"
	eve 6 203.0.113.80 40007 10.0.0.7 80 2000001 "Potentially Bad Traffic"
	eve 7 203.0.113.81 40008 10.0.0.7 8081 2000001 "Potentially Bad Traffic"
	eve 8 203.0.113.82 40009 10.0.0.7 443 2010003 "Web Application Attack" 0
	eve 9 10.0.0.23 40010 203.0.113.66 443 2024217 "A Network Trojan was detected"
	i=0
	while [ $i -lt 120 ]; do
		eve $((10 + i / 10)) 100.$((64 + i % 50)).$((i / 50)).$((i % 7 + 1)) $((20000 + i)) 10.0.0.80 80 2200001 "Attempted Denial of Service" 0
		i=$((i + 1))
	done
} > "$T/eve.json"

cat > "$T/redress.yaml" <<YAML
policy:
  whitelist: [192.0.2.0/24]
  widen_sources: 3
  upstream: abuse@upstream.example
YAML

"$REDRESS" -c "$T/redress.yaml" replay --no-alerts --store "$T/state.db" \
    "$T/eve.json" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$T/err"
is "$rc" 0 "replay with the policy succeeds"
grep '"type":"decision"' "$T/out" | sed 's/^/# /'
check "exploit source contained" grep -q '"action":"contain","target":"203.0.113.9","duration":3600' "$T/out"
check "exploit source reported to its network" grep -q '"action":"report","target":"203.0.113.9","recipient":"source"' "$T/out"
check "scan is classified" grep -q '"kind":"scan".*"src_ip":"198.51.100.20"' "$T/out"
check "scan source contained" grep -q '"action":"contain","target":"198.51.100.20"' "$T/out"
check "three contained sources widen to the /24" grep -q '"action":"contain","target":"198.51.100.0/24"' "$T/out"
check "whitelisted source: no decision" sh -c "! grep -q '\"target\":\"192.0.2.50\"' '$T/out'"
check "port-80 probe not reported" sh -c "! grep -q '\"target\":\"203.0.113.80\"' '$T/out'"
check "other single probe reported at close" grep -q '"action":"report","target":"203.0.113.81","recipient":"source"' "$T/out"
check "lone SYN exploit: contained" grep -q '"action":"contain","target":"203.0.113.82"' "$T/out"
check "lone SYN exploit: not reported" sh -c "! grep -q '\"action\":\"report\",\"target\":\"203.0.113.82\"' '$T/out'"
check "compromise reported internally naming our host" grep -q '"action":"report","target":"10.0.0.23","recipient":"internal"' "$T/out"
check "DoS reported upstream naming the target" grep -q '"action":"report","target":"10.0.0.80","recipient":"upstream"' "$T/out"
check "DoS sources neither contained nor reported" sh -c "! grep '\"type\":\"decision\"' '$T/out' | grep -q '\"target\":\"100\\.'"
check "summary line counts decisions" grep -q "decisions (.* contain, .* report)" "$T/err"

"$REDRESS" incidents --store "$T/state.db" >"$T/list" 2>"$T/lerr"
is "$?" 0 "incidents lists the store"
check "incidents shows the exploit source" grep -q "exploit .*203.0.113.9" "$T/list"
id=$("$REDRESS" incidents --store "$T/state.db" --json | grep '"src_ip":"203.0.113.9"' | sed 's/.*"id":\([0-9]*\).*/\1/' | head -1)
"$REDRESS" incident --store "$T/state.db" "$id" >"$T/one" 2>&1
is "$?" 0 "incident ID shows one incident"
check "incident shows its decisions" grep -q "^  [0-9]*  contain 203.0.113.9 for 3600s" "$T/one"
check "incident shows its evidence alerts" grep -q '^  2024-05-14T09:00:0[01]+02:00  203.0.113.9:[0-9]* -> .*\[1:2010001:1\]' "$T/one"
"$REDRESS" incident --store "$T/state.db" 999999 >/dev/null 2>"$T/nerr"
is "$?" 1 "an unknown incident id fails"

# A window half reached in one run completes in the next.
cat > "$T/rf.yaml" <<YAML
policy:
  thresholds:
    - rate_filter gen_id 1, sig_id 7000, track by_src, count 4, seconds 3600, new_action contain, timeout 600
YAML
for s in 0 1 2; do eve $s 203.0.113.44 4000$s 10.0.0.5 443 7000 "Misc activity"; done > "$T/a.json"
for s in 3 4; do eve $s 203.0.113.44 4000$s 10.0.0.5 443 7000 "Misc activity"; done > "$T/b.json"
"$REDRESS" -c "$T/rf.yaml" replay --no-alerts --store "$T/rf.db" "$T/a.json" >"$T/o1" 2>/dev/null
"$REDRESS" -c "$T/rf.yaml" replay --no-alerts --store "$T/rf.db" "$T/b.json" >"$T/o2" 2>/dev/null
c1=$(grep -c '"type":"decision"' "$T/o1")
c2=$(grep -c '"action":"contain","target":"203.0.113.44"' "$T/o2")
is "$c1:$c2" "0:1" "the fifth alert after a restart contains, as without one"

# Parsing ahead on a second thread decides exactly as one thread does:
# a few thousand alerts (many read-ahead batches) from sources that scan,
# probe, attack and flood, with threshold windows that open and close.
cat > "$T/mt.yaml" <<YAML
policy:
  widen_sources: 3
  upstream: abuse@upstream.example
  thresholds:
    - rate_filter gen_id 1, sig_id 7001, track by_src, count 3, seconds 30, new_action contain, timeout 20
    - event_filter gen_id 1, sig_id 7002, type threshold, track by_src, count 2, seconds 10
    - rate_filter kind exploit, track by_src, count 0, seconds 3600, new_action contain, timeout 3600
    - rate_filter kind exploit, track by_src, count 0, seconds 3600, new_action report, timeout 0
    - rate_filter kind scan, track by_src, count 0, seconds 3600, new_action report, timeout 0
    - rate_filter kind sweep, track by_src, count 2, seconds 60, new_action report, timeout 0
    - rate_filter kind probe, track by_src, count 0, seconds 3600, new_action report, timeout 0
    - rate_filter kind dos, track by_dst, count 100, seconds 60, new_action report, timeout 0
YAML
i=0
while [ $i -lt 3000 ]; do
	case $((i % 5)) in
	0) eve $((i / 60)) 198.51.$((i % 3)).$((i % 40 + 1)) $((30000 + i)) 10.0.0.$((i % 9 + 1)) $((i % 30 + 20)) 7001 "Attempted Information Leak" ;;
	1) eve $((i / 60)) 203.0.113.$((i % 50 + 1)) $((30000 + i)) 10.0.0.5 80 7002 "Web Application Attack" $((i % 2)) ;;
	2) eve $((i / 60)) 100.64.$((i % 200)).$((i % 250 + 1)) $((30000 + i)) 10.0.0.80 53 7003 "Attempted Denial of Service" 0 ;;
	3) eve $((i / 60)) 192.0.2.$((i % 7 + 1)) $((30000 + i)) 10.0.0.6 22 7004 "Misc activity" ;;
	4) eve $((i / 60)) 2001:db8:$((i % 13))::$((i % 90 + 1)) $((30000 + i)) 10.0.0.7 443 7005 "Attempted User Privilege Gain" ;;
	esac
	# Lines the parsers treat otherwise: another event type, a broken
	# line, an escaped string (the full JSON parser's).
	[ $((i % 37)) = 0 ] && printf '{"timestamp":"2024-05-14T09:00:00+0200","event_type":"flow","src_ip":"192.0.2.1"}\n'
	[ $((i % 101)) = 0 ] && printf '{"timestamp":"2024-05-14T09:00:00+0200","event_type":"alert",\n'
	[ $((i % 53)) = 0 ] && printf '{"timestamp":"2024-05-14T09:%02d:00+0200","event_type":"alert","src_ip":"192.0.2.%d","dest_ip":"10.0.0.8","proto":"TCP","dest_port":25,"alert":{"signature_id":7006,"signature":"TEST \\"quoted\\"","category":"Misc activity"}}\n' $((i / 60 % 60)) $((i % 200 + 1))
	i=$((i + 1))
done > "$T/mt.json"
"$REDRESS" -c "$T/mt.yaml" replay --store "$T/mt1.db" "$T/mt.json" \
    >"$T/mt1" 2>"$T/mt1.err"
r1=$?
"$REDRESS" -c "$T/mt.yaml" replay --single-thread --store "$T/mt2.db" \
    "$T/mt.json" >"$T/mt2" 2>"$T/mt2.err"
r2=$?
is "$r1:$r2:$(grep -c '"type":"decision"' "$T/mt1")" \
    "0:0:$(grep -c '"type":"decision"' "$T/mt2")" \
    "replay on two threads and on one: both succeed, same decision count"
check "replay on two threads prints what one thread prints, line for line" \
    cmp -s "$T/mt1" "$T/mt2"
check "two threads report the same bad lines and counts as one" \
    cmp -s "$T/mt1.err" "$T/mt2.err"

# suricata-verify threshold cases: alerts from the pcap (the rules match
# TCP packets without payload), the engine's counts from test.yaml.
TR="$BUILD/tests/tools/threshold_replay"
F="${SHARED:-/work/shared}/fixtures/thresholds"
if [ ! -d "$F" ] || [ ! -x "$TR" ]; then
	for n in 1 2 3 4; do ok 0 "# SKIP no \$SHARED fixtures or helper"; done
	tap_done
fi
python3 - "$F/http-all-headers/input.pcap" > "$T/ev.txt" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
E = '<' if d[:4] == b'\xd4\xc3\xb2\xa1' else '>'
lt = struct.unpack(E + 'I', d[20:24])[0]
off = 24
while off + 16 <= len(d):
    ts, tu, cl, ol = struct.unpack(E + 'IIII', d[off:off + 16])
    off += 16
    p = d[off:off + cl]
    off += cl
    e = p[14:] if lt == 1 else p
    if len(e) < 20 or e[0] >> 4 != 4 or e[9] != 6:
        continue
    ihl = (e[0] & 15) * 4
    tot = struct.unpack('>H', e[2:4])[0]
    t = e[ihl:]
    sp, dp = struct.unpack('>HH', t[:4])
    if tot - ihl - (t[12] >> 4) * 4 == 0:
        print('%d.%06d %s %d %s %d' % (ts, tu, '.'.join(map(str, e[12:16])),
              sp, '.'.join(map(str, e[16:20])), dp))
PY
sv() {	# sv TEST ACTION -> "alerts A blocked B allowed C drops D"
	"$TR" "$F/threshold/$1/threshold.config" "$2" 1 1000001 < "$T/ev.txt" |
	    sed 's/^rules [0-9]* errors [0-9]* //'
}
got=""
for c in "threshold-config-threshold-limit-flow alert 1" \
    "threshold-config-threshold-both-flow alert 1" \
    "threshold-config-threshold-threshold-flow alert 3" \
    "threshold-config-suppress-bysrc-ip drop 4" \
    "threshold-config-suppress-bysrc-ipsubnet drop 4" \
    "threshold-config-suppress-bydst-ip drop 15" \
    "threshold-config-suppress-bydst-ipsubnet drop 15" \
    "threshold-config-suppress-byeither-ip drop 0" \
    "threshold-config-suppress-byeither-ipsubnet drop 0"; do
	set -- $c
	a=$(sv "$1" "$2" | awk '{print $2}')
	[ "$a" = "$3" ] || got="$got $1:$a!=$3"
done
is "${got:-all}" "all" "threshold/limit/both and suppress cases give the expected alert counts"
got=""
for c in "alert-flow 3:16:3" "alert-hostdst 2:17:2" "alert-hostsrc 2:17:2" \
    "alert-pair 1:18:1" "alert-rule 1:18:1"; do
	set -- $c
	a=$(sv "threshold-config-rate-filter-$1" drop | awk '{print $4 ":" $6 ":" $8}')
	[ "$a" = "$2" ] || got="$got $1:$a!=$2"
done
is "${got:-all}" "all" "rate_filter cases give the expected blocked/allowed/drop counts"
"$TR" "$F/threshold-config-validate-01/threshold.config" alert 1 1 </dev/null >"$T/v1" 2>"$T/v1e"
check "an invalid threshold.config line is an error naming file:line" grep -q "threshold.config:1: unknown directive" "$T/v1e"
"$TR" "$F/bug-2190/threshold.config" alert 1 1 </dev/null >"$T/v2" 2>&1
check "a very long suppress ip list parses" grep -q "^rules 1 errors 0" "$T/v2"
tap_done
