#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: the whole routine on bundled sample alerts, offline and in
# dry-run. redress reads demo/data/eve.json (Suricata 7 EVE lines), turns
# the alerts into incidents, prints the blocks it would make, resolves the
# abuse desks from recorded registry answers served on 127.0.0.1, and
# writes PGP-signed reports into an outbox that waits for review. Nothing
# is blocked, nothing is mailed, nothing leaves this machine.
#
#   demo/run.sh PATH/TO/redress        (KEEP=1 keeps the work directory)
set -u
REDRESS=${1:?usage: demo/run.sh PATH/TO/redress}
cd "$(dirname "$0")/.."
REPO=$(pwd)
OUT=$(mktemp -d /tmp/redress-demo.XXXXXX)
. "$REPO/tests/lib/gpg.sh"

cleanup() {
	[ -f "$OUT/registry/registry.pids" ] &&
	    kill $(cat "$OUT/registry/registry.pids") 2>/dev/null
	gpg_cleanup
	if [ "${KEEP:-0}" = 1 ]; then echo "demo: kept $OUT"
	else rm -rf "$OUT"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section() { printf '\n\033[1m== %s\033[0m\n' "$*" 2>/dev/null || echo "== $*"; }
die() { echo "demo: $*" >&2; exit 1; }

section "Sample alerts"
python3 - "$REPO/demo/data/eve.json" <<'PY' || die "cannot read the sample"
import collections, json, sys
n = collections.Counter()
for line in open(sys.argv[1]):
    n[json.loads(line).get("event_type", "?")] += 1
print("demo/data/eve.json: %d EVE lines (%s)" % (sum(n.values()),
      ", ".join("%d %s" % (v, k) for k, v in n.most_common())))
PY

# A throwaway signing key, as a site would configure its own.
gpg_setup "$OUT" "Example Org Security Team <security@example.org>" ||
    die "gpg could not make a signing key"
# Recorded RIR answers behind loopback whois/RDAP servers.
sh "$REPO/tests/servers/registry_up.sh" "$REPO/demo/data/registry" \
    "$OUT/registry" >"$OUT/registry.log" 2>&1 ||
    { cat "$OUT/registry.log" >&2; die "registry servers did not start"; }

mkdir -p "$OUT/state"
cat > "$OUT/redress.yaml" <<EOF
general:
  state_dir: $OUT/state
  pid_file: $OUT/state/redress.pid
  log_level: warning
  sensor_name: sensor1.example.org
  allow_root: true
  dry_run: true                # print what would be blocked, block nothing
inputs:
  - type: eve
    path: $REPO/demo/data/eve.json
policy:
  home_net: [203.0.113.0/24]
  upstream: abuse@our-isp.example
responders:
  backends:
    - type: nftables
reports:
  name: "Jane Doe"
  organisation: "Example Org"
  role: "network security team"
  from: "abuse-reports@example.org"
  team_address: "security@example.org"
  upstream_address: "abuse@our-isp.example"
  templates: $REPO/templates
  outbox: $OUT/outbox
  key_url: "https://example.org/security/pgp.asc"
  sign_key: "$GPG_FPR"
  timezone: UTC
EOF
cat "$OUT/registry/resolver.yaml" >> "$OUT/redress.yaml"
"$REDRESS" -c "$OUT/redress.yaml" check-config ||
    die "the demo configuration does not check"

section "redress run --once (dry-run: blocks are printed, not made)"
"$REDRESS" -c "$OUT/redress.yaml" run --once 2>"$OUT/run.log"
rc=$?
grep -v '^$' "$OUT/run.log" | sed 's/^/  log: /' | head -40
[ $rc -eq 0 ] || die "redress run exited $rc"

section "Incidents"
"$REDRESS" -c "$OUT/redress.yaml" incidents || die "incidents failed"

section "Blocks (dry-run: what would be in the firewall)"
"$REDRESS" -c "$OUT/redress.yaml" blocks || die "blocks failed"

section "Reports waiting for review in the outbox"
"$REDRESS" -c "$OUT/redress.yaml" queue list || die "queue list failed"
first=$("$REDRESS" -c "$OUT/redress.yaml" queue list 2>/dev/null |
    awk '$1 ~ /^[0-9]+$/ { print $1; exit }')
if [ -n "$first" ]; then
	section "Report $first (redress queue show $first)"
	"$REDRESS" -c "$OUT/redress.yaml" queue show "$first" | head -80
	msg=$(ls "$OUT"/outbox/cur/* 2>/dev/null | head -1)
	if [ -n "$msg" ]; then
		section "Signature check of $(basename "$msg")"
		v=$(python3 "$REPO/tests/lib/pgpmime_verify.py" "$msg")
		rc=$?
		echo "$v" | sed 's/^/  /'
		[ $rc -eq 0 ] || die "the report's signature does not verify"
	fi
fi

section "Done"
echo "Nothing was blocked or mailed. On a sensor: review with"
echo "'redress queue list', approve with 'redress queue approve ID',"
echo "and 'redress queue send' mails the approved reports."
