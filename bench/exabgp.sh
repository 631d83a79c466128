#!/bin/sh
# Blocks/s through ExaBGP: ExaBGP in a speaker namespace peering with BIRD
# 2 in a gateway namespace that installs blackhole routes (as in
# tests/integration/111_bgp.sh). N blocks are made with `redress block`
# (each one a command-line run: blocks/s as a user or script sees them),
# then ExaBGP is restarted twice, redress announcing every block again:
# once grouped (batch: 200 prefixes a line) and once one route a line
# (batch: 1). Each is timed from the BGP session coming up to the last
# route in the gateway's kernel table: blocks/s end to end (redress ->
# ExaBGP -> BGP -> BIRD -> kernel).
# Usage: bench/exabgp.sh BUILD_DIR WORKDIR
# Environment: EXABGP_BENCH_BLOCKS (default 1000).
set -u
BUILD=${1:?usage: bench/exabgp.sh BUILD_DIR WORKDIR}
WORK=${2:?usage: bench/exabgp.sh BUILD_DIR WORKDIR}/exabgp
R="$(cd "$BUILD" && pwd)/redress"
N=${EXABGP_BENCH_BLOCKS:-1000}
[ "$(id -u)" = 0 ] || { echo "exabgp: SKIP (needs root for namespaces)"; exit 0; }
command -v exabgp >/dev/null 2>&1 || { echo "exabgp: SKIP (no exabgp)"; exit 0; }
command -v bird >/dev/null 2>&1 || { echo "exabgp: SKIP (no bird)"; exit 0; }
mkdir -p "$WORK/state"
GW=rbgw$$; SPK=rbspk$$
XPID=; DPID=; BPID=
cleanup() {
	for p in $XPID $DPID $BPID; do kill "$p" 2>/dev/null; done
	sleep 0.3
	ip netns del $GW 2>/dev/null; ip netns del $SPK 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add $GW && ip netns add $SPK &&
    ip link add xb$$ netns $GW type veth peer name yb$$ netns $SPK &&
    ip -n $GW addr add 10.97.0.1/24 dev xb$$ &&
    ip -n $SPK addr add 10.97.0.2/24 dev yb$$ &&
    ip -n $GW link set xb$$ up && ip -n $SPK link set yb$$ up &&
    ip -n $GW link set lo up && ip -n $SPK link set lo up ||
    { echo "exabgp: SKIP (cannot make namespaces)"; exit 0; }

cat > "$WORK/bird.conf" <<EOF
router id 10.97.0.1;
protocol device { }
protocol kernel { ipv4 { export where source = RTS_BGP; }; }
protocol bgp rtbh {
	local 10.97.0.1 as 65000;
	neighbor 10.97.0.2 as 65001;
	multihop 2;		# the next hop 192.0.2.1 is not on the link
	ipv4 {
		import filter {
			if (65535, 666) ~ bgp_community then {
				dest = RTD_BLACKHOLE; accept;
			}
			reject;
		};
		export none;
	};
}
EOF
ip netns exec $GW bird -f -c "$WORK/bird.conf" -s "$WORK/bird.ctl" \
    >"$WORK/bird.log" 2>&1 &
BPID=$!

conf() {	# conf BATCH
	cat > "$WORK/redress.yaml" <<EOF
general:
  state_dir: $WORK/state
  pid_file: $WORK/state/redress.pid
  allow_root: true
  user: root
  group: root
  log_level: warning
inputs: []
resolver:
  enabled: false
responders:
  reconcile_interval: 0
  backends:
    - type: exabgp
      socket: $WORK/exabgp.sock
      batch: $1
      timeout: 30s
reports:
  templates: $(pwd)/templates
  outbox: $WORK/outbox
  from: "abuse@example.org"
  name: "Bench"
  organisation: "Bench"
  team_address: "security@example.org"
EOF
}
cat > "$WORK/exabgp.conf" <<EOF
process redress {
	run $R exabgp-helper $WORK/exabgp.sock;
	encoder text;
}
neighbor 10.97.0.1 {
	router-id 10.97.0.2;
	local-address 10.97.0.2;
	local-as 65001;
	peer-as 65000;
	family { ipv4 unicast; }
	api { processes [ redress ]; }
}
EOF
now() { date +%s.%N; }
routes() { ip -n $GW route show type blackhole | wc -l; }
established() {
	birdc -s "$WORK/bird.ctl" show protocols rtbh 2>/dev/null |
	    grep -q Established
}
# wait_routes WANT SECONDS: prints when the BGP session came up and when
# the last route was in the kernel
wait_routes() {
	first=; i=0
	while [ $i -lt $(($2 * 50)) ]; do
		[ -z "$first" ] && established && first=$(now)
		[ -n "$first" ] && [ "$(routes)" -ge "$1" ] &&
		    { echo "$first $(now)"; return 0; }
		sleep 0.02; i=$((i + 1))
	done
	echo "${first:-0} $(now)"; return 1
}
exabgp_up() {
	ip netns exec $SPK env exabgp.daemon.user=root exabgp.api.cli=false \
	    exabgp.daemon.daemonize=false exabgp.log.destination=stdout \
	    exabgp.log.level=WARNING exabgp "$WORK/exabgp.conf" \
	    >>"$WORK/exabgp.log" 2>&1 &
	XPID=$!
}
exabgp_down() {
	kill "$XPID" 2>/dev/null; wait "$XPID" 2>/dev/null; XPID=
	i=0; while [ $i -lt 100 ] && [ "$(routes)" -gt 0 ]; do
		sleep 0.1; i=$((i + 1)); done
}
daemon_up() {
	conf "$1"
	"$R" -c "$WORK/redress.yaml" run >>"$WORK/redress.log" 2>&1 &
	DPID=$!
	i=0; while [ $i -lt 100 ] && [ ! -S "$WORK/exabgp.sock" ]; do
		sleep 0.1; i=$((i + 1)); done
}
daemon_down() {
	kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=
}

daemon_up 200
exabgp_up
i=0
while [ $i -lt 300 ] && ! established; do sleep 0.1; i=$((i + 1)); done
sleep 1		# the helper connects once ExaBGP runs its process
s=$(now)
i=0
while [ $i -lt "$N" ]; do
	"$R" -c "$WORK/redress.yaml" block "198.18.$((i / 250)).$((i % 250 + 1))" \
	    --for 1d --reason bench >/dev/null 2>&1 || break
	i=$((i + 1))
done
set -- $(wait_routes "$N" 120)
awk -v n="$N" -v s="$s" -v e="$2" 'BEGIN {
    printf "exabgp: %d blocks one by one with redress block: %.2f s, " \
	"%.0f blocks/s\n", n, e - s, n / (e - s) }'
for b in 200 1; do
	exabgp_down
	daemon_down
	daemon_up $b
	exabgp_up
	if set -- $(wait_routes "$N" 120); then
		awk -v n="$N" -v b="$b" -v s="$1" -v e="$2" 'BEGIN {
		    d = e - s; if (d <= 0) d = 0.001
		    printf "exabgp: %d routes after a speaker restart, batch " \
			"%d: %.2f s from the session up to the last in the kernel, %.0f routes/s\n", n, b, d,
			n / d }'
	else
		echo "exabgp: batch $b: only $(routes) of $N routes in 120 s"
	fi
done
