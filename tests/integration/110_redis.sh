#!/bin/sh
# Many sensors through Redis: redis-server on a unix socket of its own,
# three simulated sensors writing EVE the way Suricata's redis output does
# (LPUSH to a list, XADD ... eve <json> to a stream), one redress reading
# both. What it ends with must equal a run over the same lines from a
# file. kill -9 after the commit and before the acknowledgement (Redis is
# stopped in that window) changes no count and leaves no pending entry; a
# Redis restart while entries wait is drained after the reconnect.
. "$(dirname "$0")/../lib/tap.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
command -v redis-server >/dev/null 2>&1 || skip_all "no redis-server"
command -v redis-cli >/dev/null 2>&1 || skip_all "no redis-cli"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3"
plan 28
T=${KEEP_T:-$(mktemp -d /tmp/redress-t110.XXXXXX)}
RPID=
DPID=
cleanup() {
	[ -n "$RPID" ] && kill -CONT "$RPID" 2>/dev/null
	[ -n "$DPID" ] && kill -CONT "$DPID" 2>/dev/null
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SOCK=$T/redis/redis.sock
MPORT=$(free_port)
mkdir -p "$T/redis" "$T/state" "$T/ref"
redis_up() {
	redis-server --port 0 --unixsocket "$SOCK" --unixsocketperm 700 \
	    --dir "$T/redis" --appendonly yes --appendfsync always --save "" \
	    --daemonize no >>"$T/redis/log" 2>&1 &
	RPID=$!
	wait_for 10 redis-cli -s "$SOCK" ping
}
rc() { redis-cli -s "$SOCK" "$@"; }
redis_up
ok $? "redis-server on a unix socket"

# The sample alerts, as three sensors: sensor1 and sensor2 push to the
# list (Suricata's default lpush), sensor3 adds to a stream. Phase a is
# the first 80 lines, b the next 25, c the rest.
python3 - "$REPO/demo/data/eve.json" "$T" <<'EOF'
import json, sys, time
lines = [l for l in open(sys.argv[1]) if l.strip()]
# Recent times, in the file's order: the daemon closes incidents that
# have been quiet for a while by the clock, the reference run does not.
t0 = time.time() - len(lines) - 10
def stamp(j, i):
    j["timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%S.000000+0000",
                                   time.gmtime(t0 + i))
    j.get("flow", {}).pop("start", None)
def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
phases = {"a": (0, lines[:80]), "b": (80, lines[80:105]),
          "c": (105, lines[105:])}
with open(sys.argv[2] + "/ref/eve.json", "w") as ref:
    for ph, (base, ls) in phases.items():
        with open("%s/%s.resp" % (sys.argv[2], ph), "wb") as f:
            for i, l in enumerate(ls):
                j = json.loads(l)
                stamp(j, base + i)
                j["host"] = "sensor%d" % (i % 3 + 1)
                s = json.dumps(j, separators=(",", ":"))
                ref.write(s + "\n")
                if i % 3 < 2:
                    f.write(resp("LPUSH", "suricata", s))
                else:
                    f.write(resp("XADD", "eve-stream", "MAXLEN", "~",
                                 "100000", "*", "eve", s))
EOF
push() { rc --pipe < "$T/$1.resp" >/dev/null; }

conf() {	# conf DIR INPUTS-YAML
	cat > "$1/redress.yaml" <<EOF
general:
  state_dir: $1
  pid_file: $1/redress.pid
  log_level: info
  allow_root: true
  user: root
  group: root
  dry_run: true
  commit_interval: 3s
inputs:
$2
metrics:
  enabled: true
  listen: 127.0.0.1:$MPORT
resolver:
  enabled: false
policy:
  home_net: [203.0.113.0/24]
reports:
  templates: $REPO/templates
  outbox: $1/outbox
  from: "abuse@example.org"
  name: "Jane Doe"
  organisation: "Example Org"
  team_address: "security@example.org"
EOF
}
conf "$T/state" "  - type: redis
    server: $SOCK
    key: suricata
    consumer: r1
  - type: redis
    server: $SOCK
    key: eve-stream
    mode: stream
    consumer: r1"
conf "$T/ref" "  - type: eve
    path: $T/ref/eve.json"
"$REDRESS" -c "$T/state/redress.yaml" check-config >"$T/err" 2>&1
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/err"
is "$rc" 0 "a redis list and a redis stream input check"
timeout 60 "$REDRESS" -c "$T/ref/redress.yaml" run --once >/dev/null \
    2>"$T/ref/err"
is "$?" 0 "the reference run over the same lines from a file"

DB=$T/state/state.db
q() { sqlite3 "$1" "$2" 2>/dev/null; }
counts() {	# what the alerts led to: incidents, their alerts, evidence
	q "$1" "select src, kind, alerts from incident order by src, kind;
	    select count(*) from evidence; select count(*) from decision"
}
want=$(counts "$T/ref/state.db")
start() {
	"$REDRESS" -c "$T/state/redress.yaml" run >>"$T/state/log" 2>&1 &
	DPID=$!
}
plen() { rc LLEN suricata:redress:r1; }
spend() { rc XPENDING eve-stream redress | head -1; }

push a
start
# Phase a: alerts seen in the store, both queues drained and acknowledged.
wait_for 20 sh -c "[ \"\$(sqlite3 $DB 'select count(*) from evidence' \
    2>/dev/null)\" -gt 0 ] && [ \"\$(redis-cli -s $SOCK LLEN suricata)\" \
    = 0 ] && [ \"\$(redis-cli -s $SOCK LLEN suricata:redress:r1)\" = 0 ] \
    && [ \"\$(redis-cli -s $SOCK XPENDING eve-stream redress | head -1)\" \
    = 0 ]"
ok $? "phase a read from the list and the stream, acknowledged"
n3=$(q "$DB" "select count(*) from evidence where alert like '%sensor3%'")
n1=$(q "$DB" "select count(*) from evidence where alert like '%sensor1%'")
[ "${n3:-0}" -gt 0 ] && [ "${n1:-0}" -gt 0 ]
ok $? "each alert keeps the sensor that saw it (sensor1: $n1, sensor3: $n3)"
"$REDRESS" -c "$T/state/redress.yaml" status >"$T/status" 2>&1
grep -q "redis://$SOCK/suricata" "$T/status" &&
    grep -q "redis://$SOCK/eve-stream" "$T/status"
ok $? "status names both Redis inputs"

# Phase b: read and committed (SQLite does not need Redis), but Redis
# refuses the acknowledgements (LTRIM, XACK) until redress is killed -9.
ev_before=$(q "$DB" "select count(*) from evidence")
rc ACL SETUSER default -ltrim -xack >/dev/null
push b
wait_for 20 sh -c "[ \"\$(redis-cli -s $SOCK LLEN suricata)\" = 0 ] && \
    [ \"\$(redis-cli -s $SOCK XINFO GROUPS eve-stream | \
    sed -n '/^lag$/{n;p;}')\" = 0 ]"
ok $? "phase b taken from the queues"
wait_for 20 sh -c "[ \"\$(sqlite3 $DB 'select count(*) from evidence' \
    2>/dev/null)\" -gt $ev_before ]"
ok $? "phase b committed while its acknowledgement fails"
nl=$(python3 -c "import sys
print(open(sys.argv[1], 'rb').read().count(b'LPUSH'))" "$T/b.resp")
ns=$(python3 -c "import sys
print(open(sys.argv[1], 'rb').read().count(b'XADD'))" "$T/b.resp")
wait_for 10 sh -c "\"$REDRESS\" -c $T/state/redress.yaml status | \
    grep -A2 'redis://$SOCK/suricata ' | grep -q 'queued 0, unacknowledged $nl' &&
    \"$REDRESS\" -c $T/state/redress.yaml status | \
    grep -A2 'redis://$SOCK/eve-stream ' | grep -q 'queued 0, unacknowledged $ns'"
ok $? "status shows the $nl list and $ns stream entries not acknowledged"
python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
    "http://127.0.0.1:$MPORT/metrics" > "$T/metrics" 2>/dev/null
grep -qx "redress_input_unacked_records{input=\"redis:$SOCK/suricata\"} $nl" \
    "$T/metrics" && grep -qx "redress_input_lag_records{input=\"redis:$SOCK/eve-stream\"} 0" \
    "$T/metrics"
ok $? "the metrics have the unacknowledged and queued counts"
sleep 4
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=
rc ACL SETUSER default +ltrim +xack >/dev/null
got_b=$(counts "$DB")
p1=$(plen); p2=$(spend)
[ "$p1" -gt 0 ] && [ "$p2" -gt 0 ]
ok $? "committed entries are still unacknowledged in Redis (list $p1, stream $p2)"
start
wait_for 20 sh -c "[ \"\$(redis-cli -s $SOCK LLEN suricata:redress:r1)\" \
    = 0 ] && [ \"\$(redis-cli -s $SOCK XPENDING eve-stream redress | \
    head -1)\" = 0 ]"
ok $? "after the restart the processing list and the pending list are empty"
sleep 4
is "$(counts "$DB")" "$got_b" "the redelivered entries changed no count"
grep -q "eve-stream: .* acknowledged, not read again" "$T/state/log" &&
    grep -q "suricata: .* trimmed from .*, not read again" "$T/state/log"
ok $? "the committed batches were acknowledged unread (list and stream)"

# Phase c: redress frozen, sensors push, Redis restarts (the AOF keeps the
# entries), redress thaws, reconnects with back-off and drains the backlog.
kill -STOP "$DPID"
push c
is "$(rc LLEN suricata)" "$(python3 -c "import sys
print(open(sys.argv[1], 'rb').read().count(b'LPUSH'))" "$T/c.resp")" \
    "phase c waits in the list"
kill "$RPID"; wait "$RPID" 2>/dev/null
redis_up
ok $? "redis-server restarted with the backlog"
kill -CONT "$DPID"
wait_for 30 sh -c "[ \"\$(redis-cli -s $SOCK LLEN suricata)\" = 0 ] && \
    [ \"\$(redis-cli -s $SOCK LLEN suricata:redress:r1)\" = 0 ] && \
    [ \"\$(redis-cli -s $SOCK XPENDING eve-stream redress | head -1)\" = 0 ]"
ok $? "the backlog is drained after the reconnect"
grep -q "reconnecting" "$T/state/log" && grep -q "connected again" \
    "$T/state/log"
ok $? "the lost connection was logged and retried"
sleep 4
kill "$DPID"; wait "$DPID"; rc=$?; DPID=
is "$rc" 0 "redress stops cleanly"
got=$(counts "$DB")
is "$got" "$want" "incidents, evidence and decisions equal the file run"
[ -n "$want" ] && [ "$(q "$T/ref/state.db" \
    'select count(*) from incident')" -gt 0 ]
ok $? "the reference run made incidents"

# Channel mode: at most once, entries published while nobody listens are
# gone; the input reads what is published while it runs.
conf "$T/state" "  - type: redis
    server: $SOCK
    key: eve-chan
    mode: channel
  - type: redis
    server: $SOCK
    key: snort
    format: snort_json
  - type: redis
    server: $SOCK
    key: eve-stream
    mode: stream
    consumer: r1
    claim_idle: 1s"
# Snort 3 alert_json lines as rsyslog's omhiredis queues them (LPUSH).
sed -n '/^{ "timestamp" : "24\/01\/02-03:04:0[567]/p' \
    "$REPO/tests/integration/010_eve.sh" > "$T/snort.json"
while IFS= read -r l; do rc LPUSH snort "$l" >/dev/null; done < "$T/snort.json"
# A redress that died holding stream entries: consumer "gone" read 12
# entries and never acknowledged them. After claim_idle r1 takes them over.
python3 - "$REPO/demo/data/eve.json" > "$T/gone.resp" <<'EOF'
import json, sys, time
for i, l in enumerate(list(open(sys.argv[1]))[40:52]):
    j = json.loads(l)
    j["timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%S.000000+0000",
                                   time.gmtime(time.time() - 30 + i))
    j["host"] = "sensor7"
    s = json.dumps(j, separators=(",", ":")).encode()
    sys.stdout.buffer.write(b"*5\r\n$4\r\nXADD\r\n$10\r\neve-stream\r\n"
                            b"$1\r\n*\r\n$3\r\neve\r\n$%d\r\n%s\r\n" % (len(s), s))
EOF
rc --pipe < "$T/gone.resp" >/dev/null
rc XREADGROUP GROUP redress gone COUNT 100 STREAMS eve-stream ">" >/dev/null
ngone=$(sed -n 41,52p "$REPO/demo/data/eve.json" | grep -c '"event_type":"alert"')
is "$(rc XPENDING eve-stream redress - + 100 gone | grep -c -- '-')" 12 \
    "a dead consumer holds 12 stream entries"
sleep 1.2
start
wait_for 10 sh -c "[ \"\$(redis-cli -s $SOCK PUBSUB NUMSUB eve-chan | \
    tail -1)\" = 1 ]"
ok $? "channel mode subscribes"
python3 - "$REPO/demo/data/eve.json" > "$T/chan.resp" <<'EOF'
import json, sys, time
for i, l in enumerate(list(open(sys.argv[1]))[:40]):
    j = json.loads(l)
    j["timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%S.000000+0000",
                                   time.gmtime(time.time() - 50 + i))
    j["host"] = "sensor9"
    s = json.dumps(j, separators=(",", ":")).encode()
    sys.stdout.buffer.write(b"*3\r\n$7\r\nPUBLISH\r\n$8\r\neve-chan\r\n$%d\r\n%s\r\n" % (len(s), s))
EOF
rc --pipe < "$T/chan.resp" >/dev/null
nchan=$(head -40 "$REPO/demo/data/eve.json" | grep -c '"event_type":"alert"')
wait_for 15 sh -c "\"$REDRESS\" -c $T/state/redress.yaml status | \
    grep -q ' $nchan alerts, 0 bad'"
ok $? "the $nchan alerts of 40 events published are read"
"$REDRESS" -c $T/state/redress.yaml status > "$T/status2"
grep -A1 "redis://$SOCK/snort " "$T/status2" | grep -q " $(grep -c . \
    "$T/snort.json") alerts, 0 bad"
ok $? "Snort 3 alert_json lines from a list are read (format: snort_json)"
wait_for 10 sh -c "[ \"\$(redis-cli -s $SOCK XPENDING eve-stream redress | \
    head -1)\" = 0 ]"
ok $? "the dead consumer's entries were claimed and acknowledged"
"$REDRESS" -c $T/state/redress.yaml status > "$T/status3"
grep -A1 "redis://$SOCK/eve-stream " "$T/status3" | grep -q " $ngone alerts, 0 bad"
ok $? "its $ngone alerts were read by the live consumer"
kill "$DPID"; wait "$DPID"; DPID=
bad=$(grep -c "input redis.*entry" "$T/state/log")
is "$bad" 0 "no entry was reported bad"
tap_done
