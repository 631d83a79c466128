#!/bin/sh
# The whole routine on the bundled sample alerts, as `make demo` runs it
# but checked: `redress run --once` in dry-run reads demo/data/eve.json,
# opens incidents, would block the attackers (never our own network),
# resolves the abuse desks from recorded registry answers served on
# loopback, and writes signed drafts into the outbox. A second run reads
# nothing again and drafts nothing twice; alerts appended later are read
# exactly once.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/gpg.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
command -v gpg >/dev/null 2>&1 || skip_all "no gpg"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3"
plan 42
T=${KEEP_T:-$(mktemp -d /tmp/redress-t080.XXXXXX)}
cleanup() {
	[ -f "$T/registry/registry.pids" ] &&
	    kill $(cat "$T/registry/registry.pids") 2>/dev/null
	gpg_cleanup
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gpg_setup "$T" "Example Org Security <security@example.org>"
ok $? "throwaway signing key"
sh "$REPO/tests/servers/registry_up.sh" "$REPO/demo/data/registry" \
    "$T/registry" >"$T/registry.log" 2>&1
ok $? "loopback whois/RDAP servers with the recorded answers"

cp "$REPO/demo/data/eve.json" "$T/eve.json"
mkdir -p "$T/state"
cat > "$T/redress.yaml" <<EOF
general:
  state_dir: $T/state
  pid_file: $T/state/redress.pid
  log_level: info
  sensor_name: sensor1.example.org
  allow_root: true
  dry_run: true
inputs:
  - type: eve
    path: $T/eve.json
policy:
  home_net: [203.0.113.0/24]
  upstream: abuse@our-isp.example
reports:
  name: "Jane Doe"
  organisation: "Example Org"
  from: "abuse-reports@example.org"
  team_address: "security@example.org"
  upstream_address: "abuse@our-isp.example"
  templates: $REPO/templates
  outbox: $T/outbox
  sign_key: "$GPG_FPR"
  timezone: UTC
EOF
# our own ISP copied on reports to source networks
sed 's/^resolver:$/resolver:\n  copy_to: [abuse@our-isp.example]/' \
    "$T/registry/resolver.yaml" >> "$T/redress.yaml"
"$REDRESS" -c "$T/redress.yaml" check-config >"$T/err" 2>&1
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/err"
is "$rc" 0 "configuration checks"

DB="$T/state/state.db"
q() { sqlite3 "$DB" "$1" 2>/dev/null; }
R() { "$REDRESS" -c "$T/redress.yaml" "$@"; }

timeout 120 "$REDRESS" -c "$T/redress.yaml" run --once >"$T/out" 2>"$T/err"
rc=$?; [ $rc -eq 0 ] || tail -20 "$T/err" | sed 's/^/# /'
is "$rc" 0 "run --once over the sample alerts"

# Every alert of a source with more than one alert is in an incident (a
# lone alert that leads to no decision leaves no row, docs/policy.md).
alerts=$(python3 -c '
import collections, json, sys
n = collections.Counter(j["src_ip"] for j in map(json.loads, open(sys.argv[1]))
                        if j.get("event_type") == "alert")
print(sum(v for v in n.values() if v > 1))' "$T/eve.json")
is "$(q 'select sum(alerts) from incident')" "$alerts" \
    "every alert counted once in an incident"
R incidents >"$T/incidents" 2>&1
check "exploit from 196.11.240.215 is an incident" \
    grep -q '196\.11\.240\.215' "$T/incidents"
check "dry-run prints the block it would make" \
    grep -q '196\.11\.240\.215' "$T/out"
check "our own host (compromise source 203.0.113.25) is never blocked" \
    sh -c "! grep -E 'block.*203\.0\.113\.25' \"$T/out\" \"$T/err\""
is "$(q "select count(*) from block where cidr like '203.0.113.%'")" "0" \
    "no block row for our network"

n=$(ls "$T/outbox/cur" 2>/dev/null | wc -l)
[ "$n" -gt 0 ]; ok $? "drafts waiting in outbox/cur (flagged D) ($n)"
msgs=$(grep -l '^To:.*abuse@mtnbusiness.co.za' "$T/outbox/cur/"* 2>/dev/null)
[ -n "$msgs" ]; ok $? "the exploit report goes to the AFRINIC abuse desk"
bad=0
for m in "$T"/outbox/cur/*; do
	[ -f "$m" ] || continue
	python3 "$REPO/tests/lib/pgpmime_verify.py" "$m" >/dev/null ||
	    bad=$((bad + 1))
done
is "$bad" 0 "every draft's PGP/MIME signature verifies"
# X-ARF: the published specification, schemata and XARF JSON schemas.
XS="${SHARED:-$REPO/../shared}/reference/xarf"
if [ -d "$XS" ]; then
	python3 "$REPO/tests/lib/xarf_validate.py" --schemas "$XS" \
	    "$T/outbox" >"$T/xarf" 2>&1
	ok $? "every draft is valid X-ARF / XARF JSON ($(tail -n 1 "$T/xarf"))"
	grep -v '^valid ' "$T/xarf" | sed 's/^/# /'
else
	_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP no X-ARF schemas in $XS"
fi
is "$(q "select kind from incident where src = '196.11.240.215'")" \
    brute-force "80 alerts of SSH connections every 15 s: brute force"
m1=$(grep -l '^To:.*abuse@mtnbusiness.co.za' "$T/outbox/cur/"* | head -1)
check "its letter speaks of password guessing, its X-ARF is login-attack" \
    sh -c "grep -q 'password guessing' '$m1' &&
    grep -q 'as password-guessing programs do' '$m1' &&
    ! grep -q 'known attack' '$m1' &&
    grep -q '^X-XARF: SECURE' '$m1' &&
    grep -q 'xarf.eml' '$m1'"
is "$(grep -l '^Cc: abuse@our-isp.example' "$T"/outbox/cur/* | wc -l)" \
    "$(grep -L '^To: security@example.org' "$T"/outbox/cur/* | wc -l)" \
    "our ISP is copied on every report to a source network"
check "BT's network: its abuse-mailbox protect@bt.com alone in To (not the role's e-mail:)" \
    sh -c "grep -qx 'To: protect@bt.com' \"$T\"/outbox/cur/* && ! grep -q '^To: .*\\(zzdnsr\\|steve.a.marshall\\|lee.bailey-hague\\)@' \"$T\"/outbox/cur/*"
if grep -l '203\.0\.113\.25' "$T"/outbox/cur/* 2>/dev/null |
    xargs grep -l '^To:.*abuse@' 2>/dev/null | grep -q .; then
	ok 1 "no abuse desk is told about our own compromised host"
else
	ok 0 "no abuse desk is told about our own compromised host"
fi

# `queue edit`: the reviewer's text is signed again and kept.
printf '#!/bin/sh\nsed -i "s/^Dear abuse team of .*/Hello from a reviewer,/" "$1"\n' \
    > "$T/editor"
chmod +x "$T/editor"
rid=$(R queue list 2>/dev/null | awk '$1 ~ /^[0-9]+$/ && / exploit / { print $1; exit }')
EDITOR="$T/editor" R queue edit "$rid" >"$T/edit.out" 2>&1
ok $? "queue edit $rid with a scripted editor"
R queue show "$rid" >"$T/show" 2>&1
check "the edited text is in the report" grep -q '^Hello from a reviewer,' "$T/show"
em=$(R queue show "$rid" 2>/dev/null | awk '$1 == "File:" { print $2 }')
python3 "$REPO/tests/lib/pgpmime_verify.py" "$em" >/dev/null
ok $? "the edited report's signature verifies"

# What a crash leaves in the outbox (a tmp/ file, a draft whose row was
# never committed, a second file for a report) is gone after a restart.
first=$(q 'select min(id) from report')
printf 'Subject: x\n\npartial' >"$T/outbox/tmp/redress-$first"
printf 'Subject: x\n\norphan\n' >"$T/outbox/cur/redress-9999:2,D"
cp "$(q "select path from report where id = $first")" "$T/outbox/new/redress-$first"
# A second pass reads nothing again and drafts nothing twice.
timeout 120 "$REDRESS" -c "$T/redress.yaml" run --once >/dev/null 2>"$T/err2"
is "$(find "$T/outbox/tmp" "$T/outbox/new" -name "redress-*" | wc -l)" 0 \
    "restart: stale tmp/ file and second copy removed"
check "restart: a draft with no report row removed" \
    test ! -e "$T/outbox/cur/redress-9999:2,D"
is "$(ls "$T/outbox/cur" | sed 's/:2,.*//' | sort | uniq -d | wc -l)" 0 \
    "restart: one file per report"
is "$(q 'select sum(alerts) from incident')" "$alerts" \
    "second run: nothing read twice"
is "$(ls "$T/outbox/cur" | wc -l)" "$n" "second run: no new draft"

# Alerts appended later are read once, from the bookmark.
grep '"src_ip":"62.239.237.1"' "$REPO/demo/data/eve.json" |
    head -3 >> "$T/eve.json"
timeout 120 "$REDRESS" -c "$T/redress.yaml" run --once >/dev/null 2>"$T/err3"
is "$(q 'select sum(alerts) from incident')" "$((alerts + 3))" \
    "appended alerts read once"
R incidents >/dev/null 2>&1; ok $? "incidents lists the store after the runs"
printf '#!/bin/sh\necho "PS: a second edit." >> "$1"\n' > "$T/editor2"
chmod +x "$T/editor2"
EDITOR="$T/editor2" R queue edit "$rid" >/dev/null 2>&1
R queue show "$rid" >"$T/show2" 2>&1
grep -q '^Hello from a reviewer,' "$T/show2" && grep -q '^PS: a second edit' "$T/show2"
ok $? "a second edit starts from the first one's text"

# An incident that joins an edited draft is named in a P.S.; the next
# edit starts with it and folds it in.
bt=$(R queue list 2>/dev/null | awk '$1 ~ /^[0-9]+$/ { id = $1 }
    /\(62\.239\.237\.1\)/ { print id; exit }')
[ -n "$bt" ]; ok $? "a draft to BT's desk about 62.239.237.1 (report $bt)"
printf '#!/bin/sh\nsed -i "s/^Dear abuse team of .*/Hello BT,/" "$1"\n' \
    > "$T/editor3"
chmod +x "$T/editor3"
EDITOR="$T/editor3" R queue edit "$bt" >/dev/null 2>&1
ok $? "queue edit $bt"
nbt=$(q "select count(*) from report_incident where report_id = $bt")
grep '"src_ip":"62.239.237.1"' "$REPO/demo/data/eve.json" |
    sed 's/"src_ip":"62.239.237.1"/"src_ip":"62.239.237.2"/' >> "$T/eve.json"
timeout 120 "$REDRESS" -c "$T/redress.yaml" run --once >/dev/null 2>"$T/err4"
is "$(q "select count(*) from report_incident where report_id = $bt")" \
    "$((nbt + 1))" "the incident of 62.239.237.2 joined the edited draft"
R queue show "$bt" >"$T/show3" 2>&1
check "the edited text stays" grep -q '^Hello BT,' "$T/show3"
check "a P.S. names the incident that joined after the edit" \
    grep -q '^P.S. Since this text was written, one more incident' "$T/show3"
check "the P.S. has its source and evidence" \
    sh -c "grep -q '^Source address:  62.239.237.2' '$T/show3' &&
    grep -q '62.239.237.2:45000 -> 203.0.113.10:80 TCP' '$T/show3'"
printf '#!/bin/sh\nsed -i "s/^P.S. Since this text was written.*/Also:/" "$1"\n' \
    > "$T/editor4"
chmod +x "$T/editor4"
EDITOR="$T/editor4" R queue edit "$bt" >/dev/null 2>&1
R queue show "$bt" >"$T/show4" 2>&1
grep -q '^Hello BT,' "$T/show4" && grep -q '^Also:' "$T/show4" &&
    grep -q '^Source address:  62.239.237.2' "$T/show4" &&
    ! grep -q '^P.S. Since this text' "$T/show4"
ok $? "the next edit starts with the P.S. and, once folded in, it is gone"
em=$(awk '$1 == "File:" { print $2 }' "$T/show4")
python3 "$REPO/tests/lib/pgpmime_verify.py" "$em" >/dev/null
ok $? "the report with the P.S. folded in verifies"
if [ -d "$XS" ]; then
	python3 "$REPO/tests/lib/xarf_validate.py" --schemas "$XS" \
	    "$T/outbox" >"$T/xarf2" 2>&1
	ok $? "after the edits every draft is still valid ($(tail -n 1 "$T/xarf2"))"
else
	_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP no X-ARF schemas in $XS"
fi

# Blocked for real (hosts.deny, not dry-run): the letter says until when;
# the dry-run letters above never said blocked.
check "no dry-run letter says the source was blocked" \
    sh -c "! grep -l 'We have blocked' '$T'/outbox/cur/*"
mkdir -p "$T/c/state"
grep '"src_ip":"196.11.240.215"' "$T/eve.json" >"$T/c/eve.json"
sed -e "s|$T/state|$T/c/state|g" -e "s|$T/outbox|$T/c/outbox|" \
    -e "s|path: $T/eve.json|path: $T/c/eve.json|" -e 's/dry_run: true/dry_run: false/' \
    -e "s|^reports:|responders:\\n  - type: hostsdeny\\n    path: $T/c/hosts.deny\\nreports:|" \
    "$T/redress.yaml" >"$T/c/redress.yaml"
: >"$T/c/hosts.deny"
timeout 120 "$REDRESS" -c "$T/c/redress.yaml" run --once >"$T/c/out" 2>"$T/c/err"
ok $? "a run that blocks in hosts.deny"
check "196.11.240.215 is in hosts.deny" grep -q '196\.11\.240\.215' "$T/c/hosts.deny"
check "its letter says it is blocked on our side, and until when" \
    grep -q 'We have blocked this address on our side until 20' \
    "$T"/c/outbox/cur/*
tap_done
