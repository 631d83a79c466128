#!/bin/sh
# Redis input bench: the same generated EVE events (gen_eve.py --profile
# scan) read by `redress run --once` from a file and from Redis (a list,
# as Suricata's lpush writes it, and a stream), with the policy on and the
# same configuration otherwise: alerts/s of each and the ratio of Redis to
# the file. The events are loaded into Redis before the clock starts (the
# sensors' side is not measured); what is measured includes moving the
# entries, committing and acknowledging them.
# Usage: bench/redis.sh BUILD_DIR WORKDIR
# Environment: REDIS_BENCH_EVENTS (default 200000), SHARED (../shared).
set -u
BUILD=${1:?usage: bench/redis.sh BUILD_DIR WORKDIR}
WORK=${2:?usage: bench/redis.sh BUILD_DIR WORKDIR}/redis
R="$BUILD/redress"
N=${REDIS_BENCH_EVENTS:-200000}
GEN=
for d in "${SHARED:-}" ../shared /work/shared; do
	[ -n "$d" ] && [ -f "$d/tools/gen_eve.py" ] && { GEN="$d/tools/gen_eve.py"; break; }
done
[ -n "$GEN" ] || { echo "redis: SKIP (no gen_eve.py)"; exit 0; }
command -v redis-server >/dev/null 2>&1 || { echo "redis: SKIP (no redis-server)"; exit 0; }
[ -x "$R" ] || { echo "redis: build first (make all)"; exit 1; }
mkdir -p "$WORK"
SOCK=$WORK/redis.sock
redis-server --port 0 --unixsocket "$SOCK" --dir "$WORK" --save "" \
    --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
RPID=$!
trap 'kill $RPID 2>/dev/null' EXIT
i=0
while [ $i -lt 100 ] && ! redis-cli -s "$SOCK" ping >/dev/null 2>&1; do
	sleep 0.1; i=$((i + 1))
done

F=$WORK/events.json
python3 "$GEN" --profile scan --events "$N" --seed 1 -o "$F" 2>"$WORK/gen.err" ||
    { echo "redis: gen_eve.py failed"; exit 1; }
alerts=$(grep -c '"event_type":"alert"' "$F")
echo "redis: $N events ($alerts alerts) from gen_eve.py --profile scan --seed 1"

# The events as Redis protocol: LPUSH to a list, XADD ... eve to a stream.
python3 - "$F" "$WORK" <<'EOF'
import sys
def resp(*a):
    out = [b"*%d\r\n" % len(a)]
    for x in a:
        out.append(b"$%d\r\n%s\r\n" % (len(x), x))
    return b"".join(out)
with open(sys.argv[1], "rb") as f, open(sys.argv[2] + "/list.resp", "wb") as l, \
        open(sys.argv[2] + "/stream.resp", "wb") as s:
    for line in f:
        line = line.rstrip(b"\n")
        l.write(resp(b"LPUSH", b"suricata", line))
        s.write(resp(b"XADD", b"eve", b"*", b"eve", line))
EOF

conf() {	# conf NAME INPUT-YAML
	mkdir -p "$WORK/$1"
	cat > "$WORK/$1/redress.yaml" <<EOF
general:
  state_dir: $WORK/$1
  allow_root: true
  user: root
  group: root
  log_level: warning
  dry_run: true
inputs:
$2
resolver:
  enabled: false
policy:
  home_net: [10.0.0.0/8]
reports:
  templates: $(pwd)/templates
  outbox: $WORK/$1/outbox
  from: "abuse@example.org"
  name: "Bench"
  organisation: "Bench"
  team_address: "security@example.org"
responders:
  backends: []
EOF
}
conf file "  - type: eve
    path: $F"
conf list "  - type: redis
    server: $SOCK
    key: suricata"
conf stream "  - type: redis
    server: $SOCK
    key: eve
    mode: stream"

# secs NAME: wall-clock seconds of `run --once` (executors included).
secs() {
	s=$(date +%s.%N)
	"$R" -c "$WORK/$1/redress.yaml" run --once >/dev/null 2>"$WORK/$1/err" ||
	    { echo "redis: $1 failed:" >&2; tail -3 "$WORK/$1/err" >&2; }
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'
}
tf=$(secs file)
redis-cli -s "$SOCK" --pipe < "$WORK/list.resp" >/dev/null
tl=$(secs list)
left=$(redis-cli -s "$SOCK" LLEN suricata)
redis-cli -s "$SOCK" --pipe < "$WORK/stream.resp" >/dev/null
ts=$(secs stream)
pend=$(redis-cli -s "$SOCK" XPENDING eve redress | head -1)
q() { sqlite3 "$WORK/$1/state.db" "select sum(alerts) from incident" 2>/dev/null; }
awk -v a="$alerts" -v f="$tf" -v l="$tl" -v s="$ts" 'BEGIN {
	printf "file input:          %7.2f s %9.0f alerts/s\n", f, a / f
	printf "redis list input:    %7.2f s %9.0f alerts/s  %.2fx the file\n",
	    l, a / l, f / l
	printf "redis stream input:  %7.2f s %9.0f alerts/s  %.2fx the file\n",
	    s, a / s, f / s }'
echo "redis: left unread: list $left, stream pending $pend; incident alerts" \
    "file $(q file), list $(q list), stream $(q stream)"
