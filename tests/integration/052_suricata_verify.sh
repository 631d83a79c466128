#!/bin/sh
# The suricata-verify threshold cases in $SHARED/fixtures/thresholds,
# replayed with tests/tools/threshold_replay (the policy engine's
# threshold.c) against the counts of their test.yaml: suppress with
# addresses, subnets and $SUPPRESS variables from the case's suricata.yaml
# (issue-4407: twelve variables from an included suppress.yaml),
# threshold/limit/both per flow and per rule, rate_filter alert and pass,
# the threshold:/detection_filter: options of the rule-keyword cases as
# lines (unique_on distinct ports too), invalid files, and a very long
# suppress list.
. "$(dirname "$0")/../lib/tap.sh"
TR="$BUILD/tests/tools/threshold_replay"
F="${SHARED:-/work/shared}/fixtures/thresholds"
[ -d "$F" ] || skip_all "no \$SHARED/fixtures/thresholds"
[ -x "$TR" ] || skip_all "no $TR"
plan 28
T=$(mktemp -d /tmp/redress-t052.XXXXXX)
trap '[ -n "$KEEP" ] || rm -rf "$T"' EXIT INT TERM

# events PCAP: "SECONDS.USEC SRC SPORT DST DPORT" for TCP packets without
# payload (what the cases' rules match) and ICMP echo requests.
events() {
	python3 - "$1" <<'PY'
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
    if len(e) < 20 or e[0] >> 4 != 4:
        continue
    ihl = (e[0] & 15) * 4
    t = e[ihl:]
    src, dst = '.'.join(map(str, e[12:16])), '.'.join(map(str, e[16:20]))
    if e[9] == 6:
        tot = struct.unpack('>H', e[2:4])[0]
        sp, dp = struct.unpack('>HH', t[:4])
        if tot - ihl - (t[12] >> 4) * 4 == 0:
            print('%d.%06d %s %d %s %d' % (ts, tu, src, sp, dst, dp))
    elif e[9] == 1 and t[:1] == b'\x08':
        print('%d.%06d %s 0 %s 0' % (ts, tu, src, dst))
PY
}
events "$F/http-all-headers/input.pcap" > "$T/http.ev"
events "$F/threshold/threshold-rule-flow/icmp.pcap" > "$T/icmp.ev"
is "$(wc -l < "$T/icmp.ev" | tr -d ' ')" 8 "threshold-rule-flow: 8 echo requests (sid 1 alerts 8)"

# alerts CASE-DIR ACTION [EVENTS]: the alert count of a case (its
# suricata.yaml for variables when it has one)
alerts() {
	_v=
	[ -f "$1/suricata.yaml" ] && _v="-v $1/suricata.yaml"
	# shellcheck disable=SC2086
	"$TR" $_v "$1/threshold.config" "$2" 1 1000001 < "${3:-$T/http.ev}" |
	    awk '{print $6}'
}
for c in bysrc:4 bydst:15 byeither:0; do
	for k in ip ipsubnet ipvar; do
		d="$F/threshold/threshold-config-suppress-${c%:*}-$k"
		is "$(alerts "$d" alert)" "${c#*:}" "suppress-${c%:*}-$k: ${c#*:} alerts"
	done
done
got=
for c in alert-flow:19 alert-hostdst:19 alert-hostsrc:19 alert-pair:19 \
    alert-rule:19 pass-hostdst:2 pass-hostsrc:2 pass-pair:1 pass-rule:1; do
	a=$(alerts "$F/threshold/threshold-config-rate-filter-${c%:*}" alert)
	[ "$a" = "${c#*:}" ] || got="$got ${c%:*}:$a!=${c#*:}"
done
is "${got:-all}" all "rate-filter alert and pass cases: their alert counts"
is "$(alerts "$F/threshold-config-byrule" alert)" 3 "threshold-config-byrule: 3 alerts"

# Cases whose rules carry the option (threshold:, detection_filter:): each
# option becomes a threshold.config line for its sid, and every sid's
# alert count of test.yaml must come out of its pcap.
rulecase() {	# rulecase DIR EVENTS
	sed -n -e 's/.*[(;] *\(threshold\|detection_filter\) *: *\([^;]*\);.*sid: *\([0-9]*\);.*/\1 gen_id 1, sig_id \3, \2/p' \
	    "$1/test.rules" | sed 's/^threshold gen_id 1, sig_id \([0-9]*\), type \([a-z]*\),/threshold gen_id 1, sig_id \1, type \2,/' \
	    > "$T/rule.config"
	python3 - "$1/test.yaml" <<'PY' > "$T/rule.want"
import sys, yaml
for c in yaml.safe_load(open(sys.argv[1]))["checks"]:
    f = c.get("filter", {})
    m = f.get("match", {})
    if m.get("event_type") == "alert" and "alert.signature_id" in m:
        print(m["alert.signature_id"], f["count"])
PY
	_bad=
	while read -r sid want; do
		_a=$("$TR" "$T/rule.config" alert 1 "$sid" < "$2" | awk '{print $6}')
		[ "$_a" = "$want" ] || _bad="$_bad sid$sid:$_a!=$want"
	done < "$T/rule.want"
	[ -s "$T/rule.want" ] || _bad=" no counts in test.yaml"
	echo "${_bad:-all}"
}
# SYN packets of the crafted pcaps (flags:S; every one hits the rule's host).
syns() {
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
E = '<' if d[:4] == b'\xd4\xc3\xb2\xa1' else '>'
lt = struct.unpack(E + 'I', d[20:24])[0]
off = 24
while off + 16 <= len(d):
    ts, tu, cl, ol = struct.unpack(E + 'IIII', d[off:off + 16])
    off += 16
    e = d[off:off + cl]
    off += cl
    e = e[14:] if lt == 1 else e
    if len(e) < 40 or e[0] >> 4 != 4 or e[9] != 6:
        continue
    t = e[(e[0] & 15) * 4:]
    if t[13] & 0x3f == 0x02:
        sp, dp = struct.unpack('>HH', t[:4])
        print('%d.%06d %s %d %s %d' % (ts, tu, '.'.join(map(str, e[12:16])),
              sp, '.'.join(map(str, e[16:20])), dp))
PY
}
for c in threshold/threshold-rule-flow threshold/detection_filter-rule-flow \
    threshold/detection_filter-rule-hostsrc; do
	is "$(rulecase "$F/$c" "$T/icmp.ev")" all "$(basename "$c"): every sid's alert count"
done
for c in dstport dstport-no-dups srcport srcport-no-dups; do
	syns "$F/detection_filter-distinct-$c/input.pcap" > "$T/syn.ev"
	is "$(rulecase "$F/detection_filter-distinct-$c" "$T/syn.ev")" all \
	    "detection_filter-distinct-$c: unique_on counts distinct ports"
done
printf 'detection_filter gen_id 1, sig_id 1, track by_src, count 1, seconds 60\n' > "$T/df.config"
"$TR" "$T/df.config" alert 1 1 </dev/null >/dev/null 2>&1
printf 'general:\n  state_dir: %s\npolicy:\n  threshold_files: [%s]\n' "$T" "$T/df.config" > "$T/df.yaml"
"$REDRESS" -c "$T/df.yaml" check-config >"$T/df.out" 2>&1
check "detection_filter in redress's own rules: an error naming file:line" \
    grep -q 'df.config:1: detection_filter is a rule option' "$T/df.out"

# issue-4407: $SUPPRESS from suppress.yaml (included by suricata.yaml).
D="$F/issue-4407"
"$TR" -v "$D/suricata.yaml" "$D/threshold.config" alert 1 1 \
    </dev/null >"$T/4407" 2>"$T/4407.err"
check "issue-4407: both suppress lines load without error" grep -q '^rules 2 errors 0 ' "$T/4407"
printf '1.0 1.0.0.0 1 10.0.0.1 80\n2.0 1.0.3.254 1 10.0.0.1 80\n3.0 fe80::202:b3ff:fe1e:8329 1 fe80::1 80\n4.0 1.0.3.255 1 10.0.0.1 80\n5.0 1.0.4.1 1 10.0.0.1 80\n' > "$T/4407.ev"
is "$("$TR" -v "$D/suricata.yaml" "$D/threshold.config" alert 1 1 < "$T/4407.ev" | awk '{print $6}')" 2 \
    "issue-4407: the variables' first, last and IPv6 addresses are suppressed, others not"
"$TR" "$D/threshold.config" alert 1 1 </dev/null >/dev/null 2>"$T/4407.nov"
check "without suricata.yaml: an error naming file:line and the variable" \
    grep -q 'threshold.config:1: ip "\$SUPPRESS": address variables need a suricata.yaml' "$T/4407.nov"

# The same variables in redress's own rules: policy.suricata_yaml.
: > "$T/eve.json"
printf 'general:\n  state_dir: %s\npolicy:\n  suricata_yaml: %s/suricata.yaml\n  thresholds:\n    - "suppress gen_id 1, sig_id 0, track by_src, ip $SUPPRESS"\ninputs:\n  - type: eve\n    path: %s/eve.json\nresolver:\n  rdap: false\n' "$T" "$D" "$T" > "$T/a.yaml"
"$REDRESS" -c "$T/a.yaml" check-config >"$T/cc" 2>&1
ok $? "policy.suricata_yaml: \$SUPPRESS in policy.thresholds is accepted"
sed '/suricata_yaml/d' "$T/a.yaml" > "$T/b.yaml"
"$REDRESS" -c "$T/b.yaml" check-config >"$T/cc2" 2>&1
check "without it: an error at the line and column of the rule" \
    grep -q 'b.yaml:5:7: policy.thresholds\[0\]: ip "\$SUPPRESS": address variables need' "$T/cc2"
"$TR" "$F/threshold-config-validate-01/threshold.config" alert 1 1 </dev/null >"$T/v1" 2>"$T/v1e"
check "validate-01: an invalid line is an error naming file:line" grep -q "threshold.config:1: unknown directive" "$T/v1e"
"$TR" "$F/threshold-config-validate-02/threshold.config" alert 1 1 </dev/null >"$T/v2" 2>&1
check "validate-02: parsed, 0 rules found" grep -q "^rules 0 errors 1 " "$T/v2"
"$TR" "$F/bug-2190/threshold.config" alert 1 1 </dev/null >"$T/b" 2>&1
check "bug-2190: a very long suppress ip list parses" grep -q "^rules 1 errors 0" "$T/b"
tap_done
