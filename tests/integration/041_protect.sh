#!/bin/sh
# Never block our own side, with real nftables in namespaces the test
# makes: redress runs in "rdr" (10.250.X.2, default gateway 10.250.X.1,
# fd00:251::2 via fd00:251::1), the attackers ping from "atk". By hand:
# the gateway, the host's own address, 0.0.0.0, ::, 240.0.0.1 and a /24
# over the host are refused with the reason. Via alerts: attacks from the
# gateway and from the host are never contained; three attackers in the
# host's /24 widen to the /25 that leaves the host and gateway out, and
# the interval set takes it over the /32s it already holds (replaced in
# one transaction). The gateway still passes, the attackers do not.
. "$(dirname "$0")/../lib/tap.sh"
need_root
for c in ip nft ping; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
N=$$
X=$((N % 200 + 20))
NSR=rdp$N
NSA=atp$N
ip netns add $NSR 2>/dev/null || skip_all "cannot create a network namespace"
T=$(mktemp -d /tmp/redress-t041.XXXXXX)
cleanup() {
	ip netns del $NSR 2>/dev/null
	ip netns del $NSA 2>/dev/null
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add $NSA || skip_all "cannot create a second namespace"
ip link add vp$N netns $NSA type veth peer name vq$N netns $NSR ||
	skip_all "cannot create a veth pair"
NET=10.250.$X
GW=$NET.1
ME=$NET.2
ip -n $NSA addr add $GW/24 dev vp$N
for h in 130 131 132 140; do ip -n $NSA addr add $NET.$h/24 dev vp$N; done
ip -n $NSR addr add $ME/24 dev vq$N
ip -n $NSA addr add fd00:251::1/64 dev vp$N nodad
ip -n $NSR addr add fd00:251::2/64 dev vq$N nodad
for ns in $NSA $NSR; do ip -n $ns link set lo up; done
ip -n $NSA link set vp$N up
ip -n $NSR link set vq$N up
ip -n $NSR route add default via $GW
ip -n $NSR -6 route add default via fd00:251::1
REDRESS=${REDRESS:-build/redress}

plan 24

# from ADDR: does a ping from ADDR (in atk) reach the host?
from() { ip netns exec $NSA ping -I "$1" -c1 -W1 -q $ME >/dev/null 2>&1; }
wait_for 5 from $GW
ok $? "the gateway reaches the host before any block"

eve() {	# eve SRC FLOW-ID DST
	printf '{"timestamp":"%s","flow_id":%d,"event_type":"alert","src_ip":"%s","src_port":4%04d,"dest_ip":"%s","dest_port":80,"proto":"TCP","flow":{"pkts_toserver":4,"pkts_toclient":3,"bytes_toserver":400,"bytes_toclient":300},"app_proto":"http","alert":{"action":"allowed","gid":1,"signature_id":2010002,"rev":1,"signature":"TEST exploit","category":"Attempted User Privilege Gain","severity":1}}\n' \
	    "$(date -u +%Y-%m-%dT%H:%M:%S.000000+0000)" "$2" "$1" "$2" "$3"
}
{
	eve $GW 1 $ME
	eve $ME 2 $ME
	eve fd00:251::1 3 fd00:251::2
	eve $NET.130 4 $ME
	eve $NET.131 5 $ME
	eve $NET.132 6 $ME
} >"$T/eve.json"
cat >"$T/redress.yaml" <<EOF
general:
  state_dir: $T
  pid_file: $T/redress.pid
  allow_root: true
  user: root
  group: root
inputs:
  - type: eve
    path: $T/eve.json
policy:
  contain_private: true
  widen_sources: 3
responders:
  backends:
    - type: nftables
      table: inet rdp
EOF
R() { ip netns exec $NSR "$REDRESS" -c "$T/redress.yaml" "$@"; }
set4() { ip netns exec $NSR nft list set inet rdp blocked4 2>&1; }

# ---- by hand
R block $GW --for 1h --reason t >"$T/out" 2>&1
is "$?" 1 "redress block of the default gateway fails"
check "it says why" grep -q "refused: $GW is a default gateway (via vq$N)" "$T/out"
R block $ME --for 1h --reason t >"$T/out" 2>&1
is "$?" 1 "redress block of the host's own address fails"
check "it says why" grep -q "refused: $ME is this host's address on vq$N" "$T/out"
R block fd00:251::1 --for 1h --reason t >"$T/out" 2>&1
is "$?" 1 "redress block of the IPv6 default gateway fails"
R block $NET.0/24 --for 1h --reason t >"$T/out" 2>&1
is "$?" 1 "redress block of a /24 over the host fails"
check "it names what it covers" grep -qE "refused: $NET.0/24 covers ($ME, this host's address|$GW, a default gateway)" "$T/out"
for a in 0.0.0.0 :: 240.0.0.1; do
	R block $a --for 1h --reason t >"$T/out" 2>&1
	is "$?" 1 "redress block $a fails"
done

# ---- two attackers blocked by hand: /32s in the interval set
R block $NET.130 --for 1h --reason t >"$T/out" 2>&1 &&
    R block $NET.131 --for 1h --reason t >>"$T/out" 2>&1
ok $? "redress block $NET.130 and .131"
set4 >"$T/set0"
check "both /32s are in the set" sh -c "grep -q '$NET.130' '$T/set0' && grep -q '$NET.131' '$T/set0'"

# ---- via alerts and widening
R run --once >"$T/run.out" 2>"$T/run.err"
ok $? "run --once over attacks from the gateway, the host and 3 attackers"
set4 >"$T/set"
check "widened to $NET.128/25 (the /24 would cover the host and gateway)" grep -q "$NET.128/25" "$T/set"
check "the /32s inside it were replaced by the prefix" sh -c "! grep -qE '$NET\\.13[0-2]([^0-9/]|\$)' '$T/set'"
check "neither the gateway nor the host is in the set" sh -c "! grep -qE '$NET\\.(1|2)([^0-9/]|\$)|$NET\\.0/24' '$T/set'"
check "no element failed" sh -c "! grep -q 'block failed' '$T/run.err'"
ip netns exec $NSR nft list set inet rdp blocked6 >"$T/set6" 2>&1
check "the IPv6 gateway is not in the set" sh -c "! grep -q 'fd00:251::1' '$T/set6'"
R blocks >"$T/blocks" 2>&1
check "the narrowing is in the block's reason" grep -q "narrowed: $NET.0/24 covers" "$T/blocks"
wait_for 3 sh -c "! ip netns exec $NSA ping -I $NET.132 -c1 -W1 -q $ME"
ok $? "a ping from the attacker $NET.132 is dropped"
from $GW
ok $? "a ping from the gateway still passes"

# ---- inside the prefix, and reconcile
R block $NET.140 --for 1h --reason t >"$T/out" 2>&1
ok $? "a block inside the widened prefix succeeds (the prefix holds it)"
R run --once >"$T/run2.out" 2>"$T/run2.err"
check "reconcile finds no drift for the /32s the prefix holds" sh -c "! grep -q 'drift' '$T/run2.err'"
tap_done
