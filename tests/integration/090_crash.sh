#!/bin/sh
# kill -9 at random moments while the daemon follows a growing EVE file,
# compared with an uninterrupted `run --once` over the same lines: no
# alert missing from incidents, no block missing or made twice, no source
# split into two incidents by a restart, no report drafted twice.
# The lines (tests/lib/crash_eve.py) are written at CRASH_RATE lines/s
# with partial lines; CRASH_EVENTS, CRASH_KILLS and CRASH_RATE set the size
# (make torture: 100000 events, 100 kills). As root the killed daemon
# runs in a network namespace the test makes and blocks with real
# nftables (the set's elements are compared), else containment is dry-run
# (blocks recorded in the store); drafts are unsigned, to the team and
# upstream.
. "$(dirname "$0")/../lib/tap.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
N=${CRASH_EVENTS:-20000}
KILLS=${CRASH_KILLS:-20}
RATE=${CRASH_RATE:-1000}
plan 12
T=${KEEP_T:-$(mktemp -d /tmp/redress-t090.XXXXXX)}
mkdir -p "$T"
PID= WPID= NS=
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	[ -n "$WPID" ] && kill "$WPID" 2>/dev/null
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 "$REPO/tests/lib/crash_eve.py" gen --events "$N" --seed 1 \
    -o "$T/all.json"
ok $? "$N generated EVE lines"

# Real nftables in a namespace of our own when we may make one.
if [ "$(id -u)" = 0 ] && command -v nft >/dev/null 2>&1 &&
    ip netns add "rdr-t090-$$" 2>/dev/null; then
	NS="rdr-t090-$$"
	IN="ip netns exec $NS"
else
	IN=
	diag "not root or no namespace: blocks are dry-run rows only"
fi

# conf DIR [nft]: a configuration reading DIR/eve.json into DIR/state
conf() {
	mkdir -p "$1/state"
	cat > "$1/redress.yaml" <<EOC
general:
  state_dir: $1/state
  pid_file: $1/state/redress.pid
  log_level: info
  sensor_name: sensor1.example.org
  user: ""
  allow_root: true
  dry_run: $([ "${2:-}" = nft ] && echo false || echo true)
inputs:
  - type: eve
    path: $1/eve.json
policy:
  home_net: [10.0.0.0/8]
  contain_private: true
  incident_timeout: 10m
  widen_sources: 0
  upstream: abuse@our-isp.example
resolver:
  enabled: false
responders:
  cap_per_minute: 1000000
$([ "${2:-}" = nft ] && printf '  backends:\n    - type: nftables\n')
reports:
  name: "Jane Doe"
  organisation: "Example Org"
  from: "abuse-reports@example.org"
  team_address: "security@example.org"
  upstream_address: "abuse@our-isp.example"
  templates: $REPO/templates
  outbox: $1/outbox
  timezone: UTC
  period: 0s
  repeat_after: 0s
EOC
}

# The uninterrupted run.
conf "$T/base"
cp "$T/all.json" "$T/base/eve.json"
t0=$(date +%s)
timeout 300 "$REDRESS" -c "$T/base/redress.yaml" run --once \
    >"$T/base/out" 2>"$T/base/err"
rc=$?; [ $rc -eq 0 ] || tail -5 "$T/base/err" | sed 's/^/# /'
is "$rc" 0 "uninterrupted run --once ($(($(date +%s) - t0)) s)"

# The killed run: a writer appends the lines; the daemon follows them and
# is killed with SIGKILL at random moments, then started again.
conf "$T/kill" ${NS:+nft}
: > "$T/kill/eve.json"
python3 "$REPO/tests/lib/crash_eve.py" write --rate "$RATE" \
    --from "$T/all.json" -o "$T/kill/eve.json" &
WPID=$!
start() {
	$IN "$REDRESS" -c "$T/kill/redress.yaml" run >>"$T/kill/out" \
	    2>>"$T/kill/err" &
	PID=$!
}
start
k=0 died=0
t0=$(date +%s)
while [ "$k" -lt "$KILLS" ] && [ $(($(date +%s) - t0)) -lt 900 ]; do
	# 0.05 to 1.5 s, from the shell's own random numbers
	sleep "$(awk -v r="$(od -An -N2 -tu2 /dev/urandom)" \
	    'BEGIN { printf "%.2f", 0.05 + (r % 146) / 100 }')"
	kill -0 "$PID" 2>/dev/null || died=$((died + 1))
	kill -9 "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	k=$((k + 1))
	start
done
is "$died" 0 "the daemon was running at each of the $k kills"
# The writer finishes; the daemon catches up and stops on SIGTERM.
n=0
while kill -0 "$WPID" 2>/dev/null && [ "$n" -lt 9000 ]; do
	sleep 0.1; n=$((n + 1))
done
WPID=
size=$(stat -c %s "$T/kill/eve.json")
DB="$T/kill/state/state.db"
caught_up() {
	[ "$(sqlite3 "$DB" 'select position from bookmark' 2>/dev/null |
	    cut -d: -f2)" = "$size" ]
}
wait_for 120 caught_up
ok $? "the daemon read the file to its end ($size bytes)"
kill -TERM "$PID"; n=0
while kill -0 "$PID" 2>/dev/null && [ "$n" -lt 300 ]; do
	sleep 0.1; n=$((n + 1))
done
kill -9 "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=
# Close what is open and run the executors, as the uninterrupted run did.
timeout 300 $IN "$REDRESS" -c "$T/kill/redress.yaml" run --once \
    >>"$T/kill/out" 2>>"$T/kill/err"
rc=$?; [ $rc -eq 0 ] || tail -5 "$T/kill/err" | sed 's/^/# /'
is "$rc" 0 "run --once after the last restart"

: > "$T/nft.json"
[ -n "$NS" ] && $IN nft -j list set inet redress blocked4 > "$T/nft.json"
python3 - "$T/base" "$T/kill" "$k" "$T/nft.json" > "$T/figures" <<'EOP'
import collections, email.parser, glob, json, os, sqlite3, sys
base, kill, kills, nft = sys.argv[1:5]
def db(d):
    return sqlite3.connect(os.path.join(d, "state", "state.db"))
def incidents(c):
    inc = collections.defaultdict(list)
    for src, dst, kind, alerts in c.execute(
            "select src, dst, kind, alerts from incident order by id"):
        inc[src if kind != "dos" else "dos " + dst].append(alerts)
    return inc
def blocks(c):
    return collections.Counter(r[0] for r in c.execute("select cidr from block"))
def elements(path):
    """The addresses in an `nft -j list set` answer."""
    out = set()
    def walk(o):
        if isinstance(o, dict):
            if "elem" in o and isinstance(o["elem"], list):
                for e in o["elem"]:
                    if isinstance(e, str):
                        out.add(e)
                    elif isinstance(e, dict) and "elem" in e:
                        v = e["elem"].get("val")
                        if isinstance(v, str):
                            out.add(v)
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    text = open(path).read()
    if not text.strip():
        return None
    walk(json.loads(text))
    return out
def decisions(c):
    return collections.Counter(c.execute("select action, target from decision"))
def drafts(d, c):
    ids = collections.Counter()
    for f in glob.glob(os.path.join(d, "outbox", "new", "*")) + \
            glob.glob(os.path.join(d, "outbox", "cur", "*")):
        with open(f, "rb") as fh:
            m = email.parser.BytesHeaderParser().parse(fh)
        ids[m.get("Message-ID", f)] += 1
    rows = c.execute("select count(*) from report").fetchone()[0]
    known = set(r[0].strip("<>") for r in
                c.execute("select message_id from report"))
    orphans = sum(n for m, n in ids.items() if m.strip("<>") not in known)
    twice = c.execute("select count(*) from (select incident_id from "
                      "report_incident group by incident_id having count(*) > 1)"
                      ).fetchone()[0]
    tmp = len(glob.glob(os.path.join(d, "outbox", "tmp", "*")))
    return ids, rows, twice, tmp, orphans
b, k = db(base), db(kill)
bi, ki = incidents(b), incidents(k)
missing = sum(max(0, sum(v) - sum(ki.get(s, []))) for s, v in bi.items())
extra = sum(max(0, sum(v) - sum(bi.get(s, []))) for s, v in ki.items())
split = sum(1 for s, v in ki.items() if len(v) > len(bi.get(s, [])))
bb, kb = blocks(b), blocks(k)
bmiss = sum(1 for a in bb if a not in kb)
btwice = sum(1 for a, n in kb.items() if n > 1)
bextra = sum(1 for a in kb if a not in bb)
bd, kd = decisions(b), decisions(k)
dmiss = sum(max(0, n - kd.get(x, 0)) for x, n in bd.items())
dtwice = sum(max(0, n - bd.get(x, 0)) for x, n in kd.items())
bids = drafts(base, b)[0]
ids, rows, twice, tmp, orphans = drafts(kill, k)
dup = sum(n - 1 for n in ids.values() if n > 1)
files = sum(ids.values())
alerts = sum(sum(v) for v in bi.values())
print("kills %s alerts_in_incidents %d missing %d extra %d" % (kills, alerts, missing, extra))
print("sources %d split %d" % (len(bi), split))
print("blocks %d missing %d twice %d extra %d" % (len(bb), bmiss, btwice, bextra))
el = elements(nft)
if el is not None:
    want = set(a.split("/")[0] for a in bb if ":" not in a)
    print("nft_elements %d missing %d extra %d" %
          (len(el), len(want - el), len(el - want)))
print("decisions %d missing %d more %d" % (sum(bd.values()), dmiss, dtwice))
print("drafts %d (uninterrupted %d) report_rows %d duplicate_files %d "
      "incidents_in_two_reports %d files_without_row %d stale_tmp %d" %
      (files, sum(bids.values()), rows, dup, twice, orphans, tmp))
EOP
sed 's/^/# /' "$T/figures"
[ -n "${CRASH_FIGURES:-}" ] && cp "$T/figures" "$CRASH_FIGURES"
fig() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' "$T/figures"; }
is "$(fig missing) $(fig extra)" "0 0" "no alert missing from incidents or counted twice"
is "$(fig split)" "0" "no source split into two incidents by a restart"
is "$(awk '/^blocks/ { print $4, $6, $8 }' "$T/figures")" \
    "0 0 0" "no block missing, made twice or made without cause"
if [ -n "$NS" ]; then
	is "$(awk '/^nft_elements/ { print $4, $6 }' "$T/figures")" "0 0" \
	    "the nftables set holds the uninterrupted run's blocks"
else
	ok 0 "# SKIP needs root and a network namespace for nftables"
fi
is "$(awk '/^decisions/ { print $4, $6 }' "$T/figures")" "0 0" \
    "no contain or report decision missing or taken once more"
is "$(awk '/^drafts/ { print $8, $10 }' "$T/figures")" "0 0" \
    "no report drafted twice (one file per Message-ID, one report per incident)"
# The outbox and the store are reconciled at start: no draft file without
# its committed report row, nothing left in outbox/tmp.
is "$(awk '/^drafts/ { print $12, $14 }' "$T/figures")" "0 0" \
    "no draft file without its committed report row, no stale outbox/tmp file"
tap_done
