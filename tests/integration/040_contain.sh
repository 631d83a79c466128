#!/bin/sh
# Containment with real firewalls, in network namespaces the test makes:
# redress runs inside "rdr" (its firewall is the namespace's), the
# attacker pings from "atk" over a veth pair. For nftables, ipset and
# iptables, IPv4 and IPv6: a ping passes before, is dropped after
# `redress block`, passes after `redress unblock` and after expiry
# (--for 2s: kernel timeout for the sets, redress's own timer for
# iptables). Reconcile after kill -9 of `redress run` (an element deleted
# by hand comes back, one added by hand goes), hosts.deny keeps unrelated
# lines byte for byte, a whitelisted address is refused, the per-minute
# block cap holds, and dry-run touches nothing.
. "$(dirname "$0")/../lib/tap.sh"
need_root
for c in ip nft ipset iptables ip6tables ping nc; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
N=$$
X=$((N % 200 + 20))
NSR=rdr$N
NSA=atk$N
ip netns add $NSR 2>/dev/null || skip_all "cannot create a network namespace"
T=$(mktemp -d /tmp/redress-t040.XXXXXX)
PIDS=
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	ip netns del $NSR 2>/dev/null
	ip netns del $NSA 2>/dev/null
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add $NSA || skip_all "cannot create a second namespace"
if ! ip link add va$N netns $NSA type veth peer name vr$N netns $NSR; then
	skip_all "cannot create a veth pair"
fi
ip -n $NSA addr add 10.250.$X.1/24 dev va$N
ip -n $NSR addr add 10.250.$X.2/24 dev vr$N
ip -n $NSA addr add fd00:250::1/64 dev va$N nodad
ip -n $NSR addr add fd00:250::2/64 dev vr$N nodad
for ns in $NSA $NSR; do
	ip -n $ns link set lo up
done
ip -n $NSA link set va$N up
ip -n $NSR link set vr$N up
A4=10.250.$X.1
A6=fd00:250::1

plan 82

# reach4/reach6: does a ping from the attacker reach redress's host?
reach4() { ip netns exec $NSA ping -c1 -W1 -q 10.250.$X.2 >/dev/null 2>&1; }
reach6() { ip netns exec $NSA ping -6 -c1 -W1 -q fd00:250::2 >/dev/null 2>&1; }
blocked4() { ! reach4; }
blocked6() { ! reach6; }
# tcp4: a TCP connect from the attacker to a listener in rdr
tcp4() { ip netns exec $NSA nc -z -w1 10.250.$X.2 8080 >/dev/null 2>&1; }
wait_for 5 reach4
ok $? "IPv4 ping passes before any block"
wait_for 5 reach6
ok $? "IPv6 ping passes before any block"
ip netns exec $NSR nc -lk 10.250.$X.2 8080 >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_for 5 tcp4
ok $? "TCP connect passes before any block"

# conf NAME BACKENDS-YAML [RESPONDERS-KEYS] [POLICY-KEYS] [TOP-LEVEL]
# ($GEN: extra general: lines)
conf() {
	mkdir -p "$T/$1"
	{
		printf 'general:\n  state_dir: %s\n  pid_file: %s/redress.pid\n' "$T/$1" "$T/$1"
		printf '  allow_root: true\n  user: root\n  group: root\n  log_level: info\n'
		[ -n "$GEN" ] && printf '%s\n' "$GEN"
		# redress run needs an input: an empty EVE file unless given
		if [ -n "$5" ]; then printf '%s\n' "$5"
		else : >"$T/$1/idle.json"; printf 'inputs:\n  - type: eve\n    path: %s\n' "$T/$1/idle.json"; fi
		printf 'policy:\n  contain_private: true\n'
		[ -n "$4" ] && printf '%s\n' "$4"
		printf 'responders:\n  expire_interval: 1s\n  reconcile_interval: 1s\n'
		[ -n "$3" ] && printf '%s\n' "$3"
		printf '  backends:\n%s\n' "$2"
	} > "$T/$1/redress.yaml"
}
R() { _n=$1; shift; ip netns exec $NSR "$REDRESS" -c "$T/$_n/redress.yaml" "$@"; }
# start NAME: `redress run` in the namespace, in the background
start() {
	ip netns exec $NSR "$REDRESS" -c "$T/$1/redress.yaml" run \
	    >>"$T/$1/run.out" 2>>"$T/$1/run.log" &
	RUNPID=$!
	PIDS="$PIDS $RUNPID"
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

conf nftables "    - type: nftables"
conf ipset "    - type: ipset
      set4: rdr4
      set6: rdr6"
conf iptables "    - type: iptables
      chain: RDR"

for b in nftables ipset iptables; do
	R $b block $A4 --for 1h --reason "test $b" >"$T/$b/out" 2>&1
	ok $? "$b: redress block $A4"
	wait_for 3 blocked4
	ok $? "$b: IPv4 ping from $A4 dropped"
	! tcp4
	ok $? "$b: TCP connect from $A4 dropped"
	R $b block $A6 --for 1h --reason "test $b v6" >>"$T/$b/out" 2>&1
	ok $? "$b: redress block $A6"
	wait_for 3 blocked6
	ok $? "$b: IPv6 ping from $A6 dropped"
	R $b blocks >"$T/$b/blocks" 2>&1
	check "$b: redress blocks lists both with the reason" \
	    sh -c "grep -q '$A4/32 .*active.*test $b' '$T/$b/blocks' &&
	    grep -q '$A6/128 .*active.*test $b v6' '$T/$b/blocks'"
	R $b unblock $A4 >>"$T/$b/out" 2>&1 && R $b unblock $A6 >>"$T/$b/out" 2>&1
	ok $? "$b: redress unblock both"
	wait_for 3 reach4 && wait_for 3 reach6
	ok $? "$b: both pass again after unblock"
	wait_for 3 tcp4
	ok $? "$b: TCP connect passes again"
	# Expiry: kernel timeout for the sets, redress's timer for iptables.
	RUNPID=
	[ $b = iptables ] && start $b
	R $b block $A4 --for 3s --reason expiry >>"$T/$b/out" 2>&1 &&
	    R $b block $A6 --for 3s --reason expiry >>"$T/$b/out" 2>&1
	ok $? "$b: block both for 3s"
	blocked4 && blocked6
	ok $? "$b: both dropped at once"
	wait_for 8 reach4 && wait_for 4 reach6
	ok $? "$b: both pass again after expiry"
	if [ -n "$RUNPID" ]; then
		stop $RUNPID
		check "$b: redress run logged the expiry" \
		    grep -q "unblock addr=$A4/32 reason=expired" "$T/$b/run.log"
	else
		R $b blocks --all >"$T/$b/blocks" 2>&1
		check "$b: the ended block shows as expired" \
		    grep -q "$A4/32 .*expired" "$T/$b/blocks"
	fi
done

# Nothing outside redress's own table, sets and chains.
ip netns exec $NSR nft list tables >"$T/tables"
check "nftables: own table inet redress" grep -qx "table inet redress" "$T/tables"
ip netns exec $NSR iptables -w -S INPUT >"$T/input4"
is "$(grep -c -- '--match-set rdr4 src -j DROP' "$T/input4")" 1 \
    "ipset: the set rule is in INPUT once"
is "$(grep -c -- '-j RDR$' "$T/input4")" 1 \
    "iptables: the jump to RDR is in INPUT once"
ip netns exec $NSR ip6tables -w -S INPUT >"$T/input6"
check "ip6tables: set rule and jump in INPUT" \
    sh -c "grep -q -- '--match-set rdr6 src -j DROP' '$T/input6' && grep -q -- '-j RDR' '$T/input6'"

# ---- reconcile after kill -9 (nftables and ipset)
for b in nftables ipset; do
	R $b block $A4 --for 1h --reason reconcile >>"$T/$b/out" 2>&1
	start $b
	p=$RUNPID
	wait_for 5 grep -q "containment: 1 responder" "$T/$b/run.log"
	ok $? "$b: redress run started"
	kill -9 $p; wait $p 2>/dev/null
	if [ $b = nftables ]; then
		ip netns exec $NSR nft delete element inet redress blocked4 "{ $A4 }"
	else
		ip netns exec $NSR ipset del rdr4 $A4
	fi
	ok $? "$b: element deleted by hand after kill -9"
	wait_for 3 reach4
	ok $? "$b: so the attacker passes"
	: >"$T/$b/run.log"
	start $b
	p=$RUNPID
	wait_for 5 blocked4
	ok $? "$b: restarted redress re-adds it (dropped again)"
	check "$b: drift reported" grep -q "reconcile responder=$b drift missing=1" "$T/$b/run.log"
	if [ $b = nftables ]; then
		ip netns exec $NSR nft list set inet redress blocked4 >"$T/set"
		check "nftables: element back with its remaining time" \
		    grep -q "$A4 timeout 59m" "$T/set"
		ip netns exec $NSR nft add element inet redress blocked4 "{ 198.51.100.99 }"
		wait_for 4 sh -c "! ip netns exec $NSR nft list set inet redress blocked4 | grep -q 198.51.100.99"
		ok $? "nftables: an element not in the store is removed"
	else
		ip netns exec $NSR ipset list rdr4 >"$T/set"
		check "ipset: element back with its remaining time" \
		    grep -Eq "^$A4 timeout 35[0-9][0-9]" "$T/set"
		ip netns exec $NSR ipset add rdr4 198.51.100.99
		wait_for 4 sh -c "! ip netns exec $NSR ipset test rdr4 198.51.100.99 2>/dev/null"
		ok $? "ipset: an element not in the store is removed"
	fi
	stop $p
	R $b unblock $A4 >>"$T/$b/out" 2>&1
	wait_for 3 reach4
	ok $? "$b: unblocked"
done

# ---- long blocks: past ipset's 2147483 s the own timer holds them
R ipset block 198.51.100.7 --for 30d --reason long >>"$T/ipset/out" 2>&1
ok $? "ipset: a 30-day block"
ip netns exec $NSR ipset list rdr4 >"$T/set"
check "ipset: added without a kernel timeout (never truncated)" \
    grep -Eq "^198.51.100.7 timeout 0$" "$T/set"
R ipset blocks >"$T/blocks" 2>&1
check "ipset: the store keeps the full 30 days" \
    grep -Eq "198.51.100.7/32 .*active .* 259[0-9]{4}s" "$T/blocks"

# ---- whitelist refusal
conf white "    - type: nftables
      table: inet rdrwl" "" "  whitelist: [10.250.$X.0/30]"
R white block $A4 --for 1h --reason nope >"$T/white/out" 2>&1
is "$?" 1 "whitelisted address: redress block fails"
check "the refusal is logged" grep -q "block refused addr=$A4 prefix=32 reason=whitelisted" "$T/white/out"
reach4
ok $? "the whitelisted address still passes"
ip netns exec $NSR nft list set inet rdrwl blocked4 >"$T/set" 2>&1
check "nothing in the set" sh -c "! grep -q elements '$T/set'"

# ---- the block cap, through the policy: 6 exploit sources, cap 3
eve() {
	printf '{"timestamp":"%s","flow_id":%d,"event_type":"alert","src_ip":"%s","src_port":4%04d,"dest_ip":"10.250.%d.2","dest_port":80,"proto":"TCP","flow":{"pkts_toserver":4,"pkts_toclient":3,"bytes_toserver":400,"bytes_toclient":300},"app_proto":"http","alert":{"action":"allowed","gid":1,"signature_id":2010002,"rev":1,"signature":"TEST exploit","category":"Attempted User Privilege Gain","severity":1}}\n' \
	    "$(date -u +%Y-%m-%dT%H:%M:%S.000000+0000)" "$2" "$1" "$2" $X
}
for i in 1 2 3 4 5 6; do eve 198.18.$i.1 $i; done >"$T/eve.json"
conf cap "    - type: nftables
      table: inet rdrcap" "  cap_per_minute: 3" "" "inputs:
  - type: eve
    path: $T/eve.json"
R cap run --once >"$T/cap/out" 2>"$T/cap/err"
ok $? "run --once with 6 exploit sources"
n=$(ip netns exec $NSR nft -j list set inet rdrcap blocked4 | grep -o '198\.18\.[1-6]\.1' | sort -u | wc -l)
is "$n" 3 "only 3 blocks made (cap_per_minute 3)"
is "$(grep -c 'reason=cap' "$T/cap/err")" 3 "3 refusals logged with reason=cap"
R cap blocks >/dev/null 2>"$T/cap/n"
is "$(cat "$T/cap/n")" "3 blocks" "redress blocks shows 3"

# ---- hosts.deny: unrelated lines byte for byte
printf '# /etc/hosts.deny\nsshd: 192.0.2.1\t# tab kept\n\nALL: .example.invalid\r\nin.ftpd: ALL' >"$T/hosts.deny"
cp "$T/hosts.deny" "$T/hosts.deny.orig"
conf hd "    - type: hostsdeny
      path: $T/hosts.deny"
R hd block 198.51.100.0/24 --for 1h --reason hd >"$T/hd/out" 2>&1 &&
    R hd block $A6 --for 1h --reason hd >>"$T/hd/out" 2>&1
ok $? "hostsdeny: two blocks"
check "hostsdeny: IPv4 network line" grep -qx "ALL: 198.51.100.0/255.255.255.0" "$T/hosts.deny"
check "hostsdeny: IPv6 host line" grep -qx "ALL: \[$A6\]" "$T/hosts.deny"
head -c "$(wc -c <"$T/hosts.deny.orig")" "$T/hosts.deny" | cmp -s - "$T/hosts.deny.orig"
ok $? "hostsdeny: the original text is kept byte for byte"
R hd unblock 198.51.100.0/24 >>"$T/hd/out" 2>&1 && R hd unblock $A6 >>"$T/hd/out" 2>&1
ok $? "hostsdeny: unblock both"
# The original lacked a final newline: the one added before the marked
# block stays (the only byte that differs).
printf '\n' | cat "$T/hosts.deny.orig" - | cmp -s - "$T/hosts.deny"
ok $? "hostsdeny: file identical to the original after unblock (+ final newline)"

# ---- dry-run touches nothing
GEN="  dry_run: true"
conf dry "    - type: nftables
      table: inet rdrdry"
GEN=
R dry block 198.51.100.5 --for 1h >"$T/dry/out" 2>&1
ok $? "dry-run block"
check "dry-run prints the nft command" grep -q "add element inet rdrdry blocked4 { 198.51.100.5 timeout 3600s }" "$T/dry/out"
ip netns exec $NSR nft list table inet rdrdry >/dev/null 2>&1
is "$?" 1 "dry-run created no table"
tap_done
