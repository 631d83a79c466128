#!/bin/sh
# Containment bench (part of make bench): needs root and `ip netns`; each
# measurement runs in a fresh network namespace of its own, so the host's
# firewall is never touched.
#  1. Apply rate: 100,000 distinct IPv4 addresses per backend, timed twice
#     by bench/contain_bench.c: the backend's batch apply() alone, and the
#     whole executor pass (decisions from the store -> whitelist, cap,
#     escalation -> apply -> block rows). Plain iptables applies each
#     batch with one iptables-restore --noflush run per family.
#  2. Latency: `redress run` follows an EVE file inside the namespace; a
#     python writer appends 1,000 exploit alerts (distinct sources, 5 ms
#     apart) and records the wall-clock time of each append. The latency
#     of an alert is the block row's created_usec (stamped right after the
#     backend's apply returned, i.e. after the netlink transaction put the
#     element into the kernel set, so an upper bound on kernel-in time)
#     minus its append time. p50/p99/max over the 1,000. Polling
#     `nft list set` would measure nft, not redress.
# Usage: bench/contain.sh BUILD WORKDIR
set -u
BUILD=${1:?usage: bench/contain.sh BUILD WORKDIR}
WORK=${2:?usage: bench/contain.sh BUILD WORKDIR}
REDRESS=$BUILD/redress
TOOL=$BUILD/bench/contain_bench
N=${CONTAIN_N:-100000}
NIPT=${CONTAIN_N_IPTABLES:-$N}
NLAT=${CONTAIN_LATENCY_N:-1000}
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1; then
	echo "contain: skipped (needs root and ip netns)"
	exit 0
fi
[ -x "$TOOL" ] || { echo "contain: $TOOL missing (make all)"; exit 1; }
NS=rdrbench$$
D=$WORK/contain
mkdir -p "$D"
RUNPID=
cleanup() {
	[ -n "$RUNPID" ] && kill "$RUNPID" 2>/dev/null && wait "$RUNPID" 2>/dev/null
	ip netns del $NS 2>/dev/null
}
trap cleanup EXIT INT TERM

# conf NAME BACKEND-YAML [TOP-LEVEL-YAML]
conf() {
	mkdir -p "$D/$1"
	{
		printf 'general:\n  state_dir: %s\n  pid_file: %s/pid\n' "$D/$1" "$D/$1"
		printf '  allow_root: true\n  user: root\n  group: root\n'
		printf '  log_level: warning\n  commit_interval: 1ms\n'
		[ -n "${3:-}" ] && printf '%s\n' "$3"
		printf 'policy:\n  contain_private: true\n'
		printf 'responders:\n  cap_per_minute: 1000000\n  backends:\n%s\n' "$2"
	} >"$D/$1/redress.yaml"
}
fresh_ns() { ip netns del $NS 2>/dev/null; ip netns add $NS && ip -n $NS link set lo up; }

conf nftables "    - type: nftables"
conf nfthash "    - type: nftables
      interval: false"
conf ipset "    - type: ipset"
conf iptables "    - type: iptables"

echo "-- apply rate ($N distinct IPv4 addresses; iptables $NIPT)"
for b in nftables nfthash ipset iptables; do
	n=$N
	[ $b = iptables ] && n=$NIPT
	for m in apply executor; do
		fresh_ns || { echo "contain: cannot create a namespace"; exit 0; }
		out=$(ip netns exec $NS timeout 900 "$TOOL" "$D/$b/redress.yaml" $n "$D" $m 2>&1)
		echo "$out" | sed "s/^/  $b: /"
		s=$(echo "$out" | sed -n 's/.* seconds=\([0-9.]*\).*/\1/p')
		if [ $b = iptables ] && [ -n "$s" ]; then
			awk -v s="$s" 'BEGIN { printf "  iptables: %s %s s, goal 5 s: %s\n", "'$m'", s, s <= 5 ? "met" : "NOT met" }'
		fi
	done
done

echo "-- latency: alert -> block row (after the kernel has it), $NLAT alerts"
for b in nftables ipset iptables; do
for src in file socket; do
	fresh_ns || exit 0
	L=$D/lat$b$src
	rm -rf "$L"
	if [ $src = file ]; then
		in="  - type: eve
    path: $L/eve.json
    poll_ms: 1ms"
	else
		in="  - type: eve_socket
    path: $L/eve.sock"
	fi
	conf lat$b$src "$(sed -n '/^    - type/,$p' "$D/$b/redress.yaml")" "inputs:
$in"
	: >"$L/eve.json"
	ip netns exec $NS "$REDRESS" -c "$L/redress.yaml" run \
	    >"$L/run.out" 2>"$L/run.log" &
	RUNPID=$!
	i=0
	while [ $i -lt 50 ] && [ ! -S "$L/control.sock" ]; do
		sleep 0.1; i=$((i + 1))
	done
	sleep 0.5
	"$PY" - "$L" "$NLAT" "$b ($src)" "$src" <<'PY'
import json, socket, sqlite3, sys, time
d, n, name, src_kind = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sent = {}
f = open(d + "/eve.json", "a", buffering=1)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for i in range(n):
    src = "%d.%d.%d.1" % (11 + i // 65536, (i // 256) % 256, i % 256)
    now = time.time()
    ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + \
        ".%06d+0000" % int((now % 1) * 1e6)
    rec = {"timestamp": ts, "flow_id": 1000 + i, "event_type": "alert",
           "src_ip": src, "src_port": 40000 + i % 20000,
           "dest_ip": "10.99.0.2", "dest_port": 80, "proto": "TCP",
           "flow": {"pkts_toserver": 4, "pkts_toclient": 3,
                    "bytes_toserver": 400, "bytes_toclient": 300},
           "app_proto": "http",
           "alert": {"action": "allowed", "gid": 1,
                     "signature_id": 2010002, "rev": 1,
                     "signature": "BENCH exploit",
                     "category": "Attempted User Privilege Gain",
                     "severity": 1}}
    line = json.dumps(rec, separators=(",", ":")) + "\n"
    sent[src + "/32"] = time.time()
    if src_kind == "file":
        f.write(line)
        f.flush()
    else:
        s.sendto(line.encode(), d + "/eve.sock")
    time.sleep(0.005)
deadline = time.time() + 120
rows = []
while time.time() < deadline:
    try:
        c = sqlite3.connect(d + "/state.db", timeout=5)
        rows = c.execute("select cidr, created_usec from block").fetchall()
        c.close()
    except sqlite3.Error:
        rows = []
    if len(rows) >= n:
        break
    time.sleep(0.2)
lat = sorted((u / 1e6 - sent[c]) * 1000 for c, u in rows if c in sent)
if not lat:
    print("  %s: no blocks recorded" % name)
    sys.exit(0)
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print("  %s: blocked %d/%d  p50 %.2f ms  p99 %.2f ms  max %.2f ms" %
      (name, len(lat), n, p(0.50), p(0.99), lat[-1]))
PY
	case $b in
	nftables) held=$(ip netns exec $NS nft -j list set inet redress blocked4 | grep -o '"11\.[0-9.]*"' | wc -l) ;;
	ipset) held=$(ip netns exec $NS ipset list redress4 | grep -c '^11\.') ;;
	iptables) held=$(ip netns exec $NS iptables -w -S REDRESS | grep -c -- '-s 11\.') ;;
	esac
	echo "  $b ($src): in the kernel afterwards: $held"
	kill $RUNPID 2>/dev/null; wait $RUNPID 2>/dev/null; RUNPID=
done
done
