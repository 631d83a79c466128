#!/bin/sh
# Blocks out to every router through BGP: ExaBGP in a speaker namespace,
# run with `redress exabgp-helper` as its process, peers with BIRD 2 in a
# gateway namespace that turns routes with the BLACKHOLE community
# (65535:666) into kernel blackhole routes. An attacker namespace pings a
# victim through the gateway: the ping stops after `redress block` and
# passes again after the block expires; an ExaBGP restart brings the
# routes back; many blocks at once go out grouped; dry-run prints the
# lines it would send.
. "$(dirname "$0")/../lib/tap.sh"
need_root
command -v exabgp >/dev/null 2>&1 || skip_all "no exabgp"
command -v bird >/dev/null 2>&1 || skip_all "no bird"
plan 21
N=$$
GW=rdgw$N; SPK=rdspk$N; ATT=rdatt$N; VIC=rdvic$N
T=${KEEP_T:-$(mktemp -d /tmp/redress-t111.XXXXXX)}
XPID=
DPID=
BPID=
cleanup() {
	[ -n "$XPID" ] && kill "$XPID" 2>/dev/null
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null
	[ -n "$BPID" ] && kill "$BPID" 2>/dev/null
	sleep 0.2
	for ns in $GW $SPK $ATT $VIC; do ip netns del $ns 2>/dev/null; done
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add $GW 2>/dev/null || skip_all "cannot create a network namespace"
for ns in $SPK $ATT $VIC; do ip netns add $ns; done
link() {	# link NS1 ADDR1 NS2 ADDR2 (ADDRs with /len)
	ip link add x$N$5 netns $1 type veth peer name y$N$5 netns $3 &&
	    ip -n $1 addr add $2 dev x$N$5 && ip -n $3 addr add $4 dev y$N$5 &&
	    ip -n $1 link set x$N$5 up && ip -n $3 link set y$N$5 up
}
link $GW 198.51.100.1/24 $ATT 198.51.100.2/24 a &&
    link $GW 10.99.0.1/24 $VIC 10.99.0.2/24 v &&
    link $GW 10.98.0.1/24 $SPK 10.98.0.2/24 s
ok $? "attacker, victim and speaker namespaces linked to the gateway"
for ns in $GW $SPK $ATT $VIC; do ip -n $ns link set lo up; done
ip -n $ATT route add default via 198.51.100.1
ip -n $VIC route add default via 10.99.0.1
ip netns exec $GW sysctl -qw net.ipv4.ip_forward=1
reach() { ip netns exec $ATT ping -c1 -W1 -q 10.99.0.2 >/dev/null 2>&1; }
wait_for 5 reach
ok $? "the attacker reaches the victim through the gateway"

# BIRD on the gateway: routes tagged 65535:666 become blackholes.
cat > "$T/bird.conf" <<EOF
router id 10.98.0.1;
protocol device { }
protocol kernel {
	ipv4 { export where source = RTS_BGP; };
}
protocol kernel {
	ipv6 { export where source = RTS_BGP; };
}
protocol bgp rtbh {
	local 10.98.0.1 as 65000;
	neighbor 10.98.0.2 as 65001;
	multihop 2;
	ipv4 {
		import filter {
			if (65535, 666) ~ bgp_community then {
				dest = RTD_BLACKHOLE;
				accept;
			}
			reject;
		};
		export none;
	};
	ipv6 {
		import filter {
			if (65535, 666) ~ bgp_community then {
				dest = RTD_BLACKHOLE;
				accept;
			}
			reject;
		};
		export none;
	};
}
EOF
ip netns exec $GW bird -f -c "$T/bird.conf" -s "$T/bird.ctl" \
    >"$T/bird.log" 2>&1 &
BPID=$!
wait_for 5 test -S "$T/bird.ctl"
ok $? "BIRD runs in the gateway namespace"

mkdir -p "$T/state"
: > "$T/eve.json"
cat > "$T/redress.yaml" <<EOF
general:
  state_dir: $T/state
  pid_file: $T/state/redress.pid
  log_level: info
  allow_root: true
  user: root
  group: root
inputs:
  - type: eve
    path: $T/eve.json
resolver:
  enabled: false
policy:
  home_net: [10.99.0.0/24]
responders:
  expire_interval: 1s
  reconcile_interval: 1s
  backends:
    - type: exabgp
      socket: $T/exabgp.sock
      next_hop: 192.0.2.1
      communities: ["65535:666", "65000:1"]
      batch: 50
reports:
  templates: $(cd "$(dirname "$0")/../.." && pwd)/templates
  outbox: $T/outbox
  from: "abuse@example.org"
  name: "Jane Doe"
  organisation: "Example Org"
  team_address: "security@example.org"
EOF
"$REDRESS" -c "$T/redress.yaml" check-config >"$T/err" 2>&1
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/err"
is "$rc" 0 "an exabgp responder checks"
"$REDRESS" -c "$T/redress.yaml" run >"$T/redress.log" 2>&1 &
DPID=$!
wait_for 10 test -S "$T/exabgp.sock"
ok $? "redress listens for the ExaBGP helper"

cat > "$T/exabgp.conf" <<EOF
process redress {
	run $REDRESS exabgp-helper $T/exabgp.sock;
	encoder text;
}
neighbor 10.98.0.1 {
	router-id 10.98.0.2;
	local-address 10.98.0.2;
	local-as 65001;
	peer-as 65000;
	family { ipv4 unicast; ipv6 unicast; }
	api { processes [ redress ]; }
}
EOF
exabgp_up() {
	ip netns exec $SPK env exabgp.daemon.user=root exabgp.api.cli=false \
	    exabgp.daemon.daemonize=false exabgp.log.destination=stdout \
	    exabgp.api.ack=true exabgp.tcp.bind=10.98.0.2 \
	    exabgp "$T/exabgp.conf" >>"$T/exabgp.log" 2>&1 &
	XPID=$!
}
established() {
	birdc -s "$T/bird.ctl" show protocols rtbh 2>/dev/null |
	    grep -q Established
}
exabgp_up
wait_for 30 established
ok $? "ExaBGP peers with BIRD"
wait_for 10 grep -q "speaker connected" "$T/redress.log"
ok $? "the helper connected to redress"

R() { "$REDRESS" -c "$T/redress.yaml" "$@"; }
bh() { ip -n $GW route show "$1" | grep -q "^blackhole $1"; }
bh6() { ip -6 -n $GW route show "$1" | grep -q "^blackhole $1"; }
R block 198.51.100.2 --for 20s --reason "test" >"$T/out" 2>&1
ok $? "redress block 198.51.100.2 through the running daemon"
wait_for 10 bh 198.51.100.2
ok $? "the gateway installs a blackhole route for the attacker"
reach
is "$?" 1 "the attacker's ping no longer passes"
R block 2001:db8:51::2 --for 1h --reason "test v6" >>"$T/out" 2>&1 &&
    wait_for 10 bh6 2001:db8:51::2
ok $? "an IPv6 block is blackholed too (next hop 100::1)"

# ExaBGP restart: BIRD drops the session's routes, redress announces them
# again to the new speaker.
kill "$XPID"; wait "$XPID" 2>/dev/null; XPID=
wait_for 10 sh -c "! ip -n $GW route show 198.51.100.2 | grep -q blackhole"
ok $? "the route goes with the speaker"
exabgp_up
wait_for 30 bh 198.51.100.2
ok $? "an ExaBGP restart brings the route back"
# The session alone flaps (the gateway side): ExaBGP sends its routes again.
birdc -s "$T/bird.ctl" disable rtbh >/dev/null 2>&1
wait_for 10 sh -c "! ip -n $GW route show 198.51.100.2 | grep -q blackhole"
ok $? "the route goes with the BGP session"
birdc -s "$T/bird.ctl" enable rtbh >/dev/null 2>&1
wait_for 30 bh 198.51.100.2
ok $? "the session coming back brings the route back"

# Many blocks, one after another, while the first one holds.
i=1
while [ $i -le 60 ]; do
	echo "203.0.113.$i"; i=$((i + 1))
done > "$T/many"
for a in $(cat "$T/many"); do
	R block "$a" --for 1h --reason "many" >/dev/null 2>&1 || break
done
wait_for 15 sh -c "[ \$(ip -n $GW route show type blackhole | wc -l) -ge 61 ]"
ok $? "60 more blocks are blackholed on the gateway"
# The new speaker gets them grouped: 50 prefixes a line (batch).
kill "$XPID"; wait "$XPID" 2>/dev/null; XPID=
wait_for 10 sh -c "[ \$(ip -n $GW route show type blackhole | wc -l) -eq 0 ]"
exabgp_up
wait_for 30 sh -c "[ \$(ip -n $GW route show type blackhole | wc -l) -ge 61 ]"
ok $? "after another ExaBGP restart all 61 come back in grouped updates"

wait_for 30 sh -c "! ip -n $GW route show 198.51.100.2 | grep -q blackhole"
ok $? "at expiry the route is withdrawn"
wait_for 5 reach
ok $? "the attacker's ping passes again after expiry"

# Dry-run prints the lines it would send and touches nothing.
sed 's/^  group: root$/  group: root\n  dry_run: true/' "$T/redress.yaml" \
    > "$T/dry.yaml"
sed -i "s|socket: .*|socket: $T/dry.sock|" "$T/dry.yaml"
"$REDRESS" -c "$T/dry.yaml" block 198.51.100.9 --for 1h --reason dry \
    >"$T/dry.out" 2>&1
grep -q "^exabgp announce route 198.51.100.9/32 next-hop 192.0.2.1 community \[65535:666 65000:1\]" "$T/dry.out" &&
    ! bh 198.51.100.9 && [ ! -e "$T/dry.sock" ]
ok $? "dry-run prints the announce line and sends nothing"
kill "$DPID"; wait "$DPID"; rc=$?; DPID=
is "$rc" 0 "redress stops cleanly"
tap_done
