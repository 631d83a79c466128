#!/bin/sh
# SIGHUP with real nftables in a namespace the test makes: `redress run`
# follows an EVE file with an nftables backend; a SIGHUP to a config whose
# only backend cannot start (iptables at a missing path) is refused with
# the reason, and the old backend keeps containing (a new attacker lands
# in the set); a SIGHUP to a config without inputs is refused too; a good
# config is then loaded. An address added to the host while it runs is
# never contained (host facts re-read on the rtnetlink event).
. "$(dirname "$0")/../lib/tap.sh"
need_root
command -v nft >/dev/null 2>&1 || skip_all "no nft"
N=$$
NS=rdh$N
ip netns add $NS 2>/dev/null || skip_all "cannot create a network namespace"
T=$(mktemp -d /tmp/redress-t042.XXXXXX)
RUNPID=
cleanup() {
	[ -n "$RUNPID" ] && kill -9 "$RUNPID" 2>/dev/null && wait "$RUNPID" 2>/dev/null
	ip netns del $NS 2>/dev/null
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip -n $NS link set lo up
REDRESS=${REDRESS:-build/redress}

plan 11

eve() {	# eve SRC FLOW-ID
	printf '{"timestamp":"%s","flow_id":%d,"event_type":"alert","src_ip":"%s","src_port":40000,"dest_ip":"10.9.9.9","dest_port":80,"proto":"TCP","flow":{"pkts_toserver":4,"pkts_toclient":3,"bytes_toserver":400,"bytes_toclient":300},"app_proto":"http","alert":{"action":"allowed","gid":1,"signature_id":2010002,"rev":1,"signature":"TEST exploit","category":"Attempted User Privilege Gain","severity":1}}\n' \
	    "$(date -u +%Y-%m-%dT%H:%M:%S.000000+0000)" "$2" "$1"
}
# conf INPUTS BACKENDS
conf() {
	printf 'general:\n  state_dir: %s\n  pid_file: %s/redress.pid\n' "$T" "$T"
	printf '  allow_root: true\n  user: root\n  group: root\n  log_level: info\n'
	printf '%s' "$1"
	printf 'policy:\n  contain_private: true\n  widen_sources: 0\n'
	printf 'responders:\n  backends:\n%s\n' "$2"
}
IN="inputs:
  - type: eve
    path: $T/eve.json
"
NFT="    - type: nftables
      table: inet rdh"
BAD="    - type: iptables
      iptables: /nonexistent/iptables
      ip6tables: /nonexistent/ip6tables"
: >"$T/eve.json"
conf "$IN" "$NFT" >"$T/redress.yaml"
ip netns exec $NS "$REDRESS" -c "$T/redress.yaml" run >"$T/run.out" 2>"$T/run.log" &
RUNPID=$!
inset() { ip netns exec $NS nft list set inet rdh blocked4 2>/dev/null | grep -q "$1"; }
eve 198.18.7.1 1 >>"$T/eve.json"
wait_for 10 inset 198.18.7.1
ok $? "the first attacker is blocked by the running nftables backend"

# ---- a config whose only backend cannot start
conf "$IN" "$BAD" >"$T/redress.yaml"
kill -HUP $RUNPID
wait_for 10 grep -q "keeping the running configuration and backends" "$T/run.log"
ok $? "SIGHUP to a config whose backend cannot start is refused"
check "the log says why" grep -q "reload: .*responder iptables: .*/nonexistent/iptables" "$T/run.log"
eve 198.18.7.2 2 >>"$T/eve.json"
wait_for 10 inset 198.18.7.2
ok $? "the old backend keeps containing: the next attacker is in the set"
kill -0 $RUNPID 2>/dev/null
ok $? "the daemon is still running"

# ---- a config without inputs
conf "" "$NFT" >"$T/redress.yaml"
kill -HUP $RUNPID
wait_for 10 sh -c "grep -c 'keeping the running configuration and backends' '$T/run.log' | grep -qx 2"
ok $? "SIGHUP to a config without inputs is refused"
eve 198.18.7.3 3 >>"$T/eve.json"
wait_for 10 inset 198.18.7.3
ok $? "the old inputs keep being read"

# ---- a good config
conf "$IN" "$NFT" >"$T/redress.yaml"
kill -HUP $RUNPID
wait_for 10 grep -q "reload: configuration .* loaded" "$T/run.log"
ok $? "SIGHUP to a good config loads it"
eve 198.18.7.4 4 >>"$T/eve.json"
wait_for 10 inset 198.18.7.4
ok $? "and containment goes on"

# ---- an address the host gains while running is ours at once
ip -n $NS addr add 198.18.7.5/32 dev lo
sleep 0.3
eve 198.18.7.5 5 >>"$T/eve.json"
eve 198.18.7.6 6 >>"$T/eve.json"
wait_for 10 inset 198.18.7.6
ok $? "an attacker after it is blocked"
! inset 198.18.7.5
ok $? "the address added to the host a moment ago is not (rtnetlink)"
tap_done
