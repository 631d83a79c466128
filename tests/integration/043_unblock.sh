#!/bin/sh
# Unblocking with real nftables interval sets (in a namespace the test
# makes): a /24 that holds no row of its own while /32s inside it are
# blocked, a /32 inside a blocked /24, and the /24 itself, after which
# the /32 blocked inside it (left out of the set while the prefix held
# it) is in the kernel again, as `redress blocks` says. A --reason that
# is not one line of UTF-8 text is refused (it is listed and logged).
. "$(dirname "$0")/../lib/tap.sh"
need_root
for c in ip nft; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
N=$$
NS=rdu$N
ip netns add $NS 2>/dev/null || skip_all "cannot create a network namespace"
T=$(mktemp -d /tmp/redress-t043.XXXXXX)
cleanup() {
	ip netns del $NS 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip -n $NS link set lo up
REDRESS=${REDRESS:-build/redress}
cat >"$T/redress.yaml" <<Y
general:
  state_dir: $T
  pid_file: $T/redress.pid
  allow_root: true
  user: root
  group: root
resolver:
  rdap: false
inputs:
  - type: eve
    path: $T/eve.json
responders:
  backends:
    - type: nftables
      table: inet rdu
Y
R() { ip netns exec $NS "$REDRESS" -c "$T/redress.yaml" "$@"; }
elems() { ip netns exec $NS nft list set inet rdu blocked4 | tr -d '\n\t' |
    sed -n 's/.*elements = { \([^}]*\)}.*/\1/p' |
    sed 's/ timeout [^,]*//g; s/ expires [^,]*//g; s/ //g'; }

plan 13

R block 198.51.100.1 --for 1h --reason a >"$T/out" 2>&1 &&
    R block 198.51.100.2 --for 1h --reason b >>"$T/out" 2>&1
ok $? "two /32s blocked"
R unblock 198.51.100.0/24 >"$T/out" 2>&1
ok $? "unblock of a /24 that was never blocked succeeds"
is "$(elems)" "198.51.100.1,198.51.100.2" "the /32s inside it are still in the set (their rows are)"

R block 198.51.100.0/24 --for 1h --reason w >"$T/out" 2>&1
ok $? "the /24 blocked (it replaces the /32s)"
R unblock 198.51.100.5 >"$T/out" 2>&1
ok $? "unblock of a /32 inside the blocked /24 succeeds"
check "it says the /24 still blocks it" grep -q "198.51.100.5 is still blocked by 198.51.100.0/24" "$T/out"
is "$(elems)" "198.51.100.0/24" "the /24 is still in the set"

R unblock 198.51.100.0/24 >"$T/out" 2>&1
ok $? "unblock of the /24"
is "$(elems)" "198.51.100.1,198.51.100.2" "the /32s blocked inside it are in the set again"
R blocks >"$T/blocks" 2>&1
is "$(grep -c 'active' "$T/blocks")" 2 "redress blocks lists the same two"

R block 198.51.100.9 --for 1h --reason "$(printf 'a\nFAKE 198.51.100.8/32 active\r')" >"$T/out" 2>&1
is "$?" 2 "a --reason with a newline and a CR is refused"
check "it says why" grep -q -- "--reason: one line of UTF-8 text" "$T/out"
R block 198.51.100.9 --for 1h --reason "$(printf 'bad \377 byte')" >"$T/out" 2>&1
is "$?" 2 "a --reason that is not UTF-8 is refused"
tap_done
