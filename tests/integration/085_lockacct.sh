#!/bin/sh
# Local containment with a real OpenSSH server, in namespaces the test
# makes: sshd and redress run in "srv", the attacker logs in from "atk"
# as a user the test creates. An exploit alert for the attacker's address
# makes redress block it and, with a lockacct responder, lock the account
# the address holds (found by its connection, not named by any alert) and
# end its processes: the session is gone and a new login is refused.
# `redress unlock` lets the user in again. root and an account on the
# `never` list, logged in from the same address, are untouched. Our own
# team's report names the account locked and how to undo it. Then the
# user is locked again for a second address, and the intruder comes back:
# unlocked by hand outside redress (a backdoor), a login from a third
# address; the running daemon notes it, ends the session and blocks that
# address too.
. "$(dirname "$0")/../lib/tap.sh"
need_root
for c in ip nft sshd ssh ssh-keygen useradd userdel passwd chage pgrep; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
SSHD=$(command -v sshd)
REPO=$(cd "$(dirname "$0")/../.." && pwd)
XS="${SHARED:-$REPO/../shared}/reference/xarf"
N=$$
X=$((N % 200 + 20))
NSS=srv$N
NSA=atk$N
U1=rdrlk$((N % 100000))
U2=rdrpr$((N % 100000))
ip netns add $NSS 2>/dev/null || skip_all "cannot create a network namespace"
T=$(mktemp -d /tmp/redress-t085.XXXXXX)
chmod 755 "$T"
PIDS=
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	[ -f "$T/sshd.pid" ] && kill "$(cat "$T/sshd.pid")" 2>/dev/null
	pkill -KILL -u $U1 2>/dev/null
	pkill -KILL -u $U2 2>/dev/null
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	userdel -r $U1 >/dev/null 2>&1
	userdel -r $U2 >/dev/null 2>&1
	ip netns del $NSS 2>/dev/null
	ip netns del $NSA 2>/dev/null
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add $NSA || skip_all "cannot create a second namespace"
ip link add va$N netns $NSA type veth peer name vs$N netns $NSS ||
	skip_all "cannot create a veth pair"
ip -n $NSA addr add 10.251.$X.1/24 dev va$N
ip -n $NSS addr add 10.251.$X.2/24 dev vs$N
for ns in $NSA $NSS; do ip -n $ns link set lo up; done
ip -n $NSA link set va$N up
ip -n $NSS link set vs$N up
A=10.251.$X.1
S=10.251.$X.2

useradd -m -s /bin/sh $U1 || skip_all "cannot create a user"
useradd -m -s /bin/sh $U2 || skip_all "cannot create a second user"
# usermod -L locks a password; give them one so there is one to lock.
echo "$U1:x$N-secret" | chpasswd
echo "$U2:y$N-secret" | chpasswd
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey" || skip_all "ssh-keygen"
ssh-keygen -q -t ed25519 -N '' -f "$T/userkey"
cp "$T/userkey.pub" "$T/keys"
chmod 644 "$T/keys"
mkdir -p /run/sshd
cat > "$T/sshd_config" <<CONF
Port 2222
ListenAddress $S
HostKey $T/hostkey
PidFile $T/sshd.pid
AuthorizedKeysFile $T/keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin no
LogLevel VERBOSE
CONF
ip netns exec $NSS "$SSHD" -f "$T/sshd_config" -E "$T/sshd.log" ||
	skip_all "sshd does not start"

plan 33

SSHOPT="-i $T/userkey -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=3 -o LogLevel=ERROR"
login() { ip netns exec $NSA ssh $SSHOPT "$1@$S" "$2"; }
sess() { pgrep -u "$1" -f "sleep 30$2" >/dev/null; }

wait_for 5 sh -c "ip netns exec $NSA ssh $SSHOPT $U1@$S true"
ok $? "$U1 logs in from the attacker's address before any alert"
login $U1 "sleep 301" >/dev/null 2>&1 &
PIDS="$PIDS $!"
login $U2 "sleep 302" >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_for 5 sess $U1 1 && wait_for 5 sess $U2 2
ok $? "both users hold a session from $A"

printf '{"timestamp":"%s","flow_id":1,"event_type":"alert","src_ip":"%s","src_port":40001,"dest_ip":"%s","dest_port":2222,"proto":"TCP","flow":{"pkts_toserver":9,"pkts_toclient":8,"bytes_toserver":900,"bytes_toclient":800},"alert":{"action":"allowed","gid":1,"signature_id":2010002,"rev":1,"signature":"TEST exploit","category":"Attempted Administrator Privilege Gain","severity":1}}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.000000+0000)" $A $S >"$T/eve.json"
conf() {
	mkdir -p "$T/$1"
	cat > "$T/$1/redress.yaml" <<CONF
general:
  state_dir: $T/$1
  pid_file: $T/$1/redress.pid
  allow_root: true
  user: root
  group: root
  log_level: info
  dry_run: $2
inputs:
  - type: eve
    path: $T/eve.json
policy:
  contain_private: true
responders:
  backends:
    - type: nftables
    - type: lockacct
      enabled: true
      never: [root, $U2]
      grace: 2s
reports:
  name: "Jane Doe"
  organisation: "Example Org"
  from: "abuse-reports@example.org"
  team_address: "security@example.org"
  templates: $REPO/templates
  outbox: $T/$1/outbox
  timezone: UTC
CONF
}
R() { _n=$1; shift; ip netns exec $NSS "$REDRESS" -c "$T/$_n/redress.yaml" "$@"; }

# Dry-run: what it would do, and nothing done.
conf dry true
R dry run --once >"$T/dry/out" 2>"$T/dry/err"
ok $? "dry-run: run --once with an exploit alert from $A"
check "dry-run: says it would lock $U1 and end its processes" \
    sh -c "grep -q 'would run /usr/sbin/usermod -L -e 1 $U1' '$T/dry/out' &&
    grep -q 'would end the processes of $U1' '$T/dry/out'"
check "dry-run: $U1 still logged in and not locked" \
    sh -c "pgrep -u $U1 -f 'sleep 301' >/dev/null &&
    passwd -S $U1 | awk '{ exit \$2 != \"P\" }'"

conf live false
R live run --once >"$T/live/out" 2>"$T/live/err"
ok $? "run --once with an exploit alert from $A"
check "$A is in the kernel's block set" \
    sh -c "ip netns exec $NSS nft list ruleset | grep -q '$A'"
check "$U1's password is locked" \
    sh -c "passwd -S $U1 | awk '{ exit \$2 != \"L\" }'"
check "$U1's account is expired" \
    sh -c "chage -l $U1 | grep -q 'Account expires.*1970'"
wait_for 5 sh -c "! pgrep -u $U1 >/dev/null"
ok $? "$U1's session and processes are gone"
check "the protected $U2 still holds its session, not locked" \
    sh -c "pgrep -u $U2 -f 'sleep 302' >/dev/null &&
    passwd -S $U2 | awk '{ exit \$2 != \"P\" }'"
check "the log names what was locked and ended, with the incident" \
    sh -c "grep -q 'lockacct: locked $U1 (expired) incident=' '$T/live/err' &&
    grep -q 'SIGTERM to .* of $U1' '$T/live/err' &&
    grep -q 'refused: $U2 is on the never list' '$T/live/err'"

# A new login: from another address (the block stops this one), refused.
ip -n $NSA addr add 10.251.$X.3/24 dev va$N
! ip netns exec $NSA ssh $SSHOPT -b 10.251.$X.3 "$U1@$S" true >/dev/null 2>&1
ok $? "a new login of $U1 from another address is refused"

R live incident 1 >"$T/live/inc1" 2>&1
check "redress incident 1 shows the account locked and its processes ended" \
    sh -c "grep -q 'lockacct: $A holds 0 sessions and 1 connection of $U1' '$T/live/inc1' &&
    grep -q 'lockacct: locked $U1 (expired)' '$T/live/inc1' &&
    grep -q 'lockacct: SIGTERM to [1-9][0-9]* process' '$T/live/inc1' &&
    grep -q 'lockacct: refused: $U2 is on the never list (held by $A)' '$T/live/inc1'"

SUDO_USER=alice R live unlock $U1 >"$T/live/unlock.out" 2>"$T/live/unlock.err"
ok $? "redress unlock $U1"
R live incident 1 >"$T/live/inc1" 2>&1
check "the unlock and who ran it are on the incident's record" \
    grep -q "lockacct: unlocked $U1 by hand: alice (through sudo)" "$T/live/inc1"
wait_for 5 sh -c "ip netns exec $NSA ssh $SSHOPT -b 10.251.$X.3 $U1@$S true"
ok $? "$U1 logs in again after unlock"

# The report to our own team: the account, the host, what ended, the undo.
team_draft() { grep -l '^To: security@example.org' "$T/live/outbox/new/"* \
    "$T/live/outbox/cur/"* 2>/dev/null | head -n 1; }
D=$(team_draft)
check "a report to our own team was drafted for incident 1" test -n "$D"
check "it says which account was locked on which host, what ended, how to undo" \
    sh -c "grep -q 'We locked the account $U1 on $(hostname)' '$D' &&
    grep -q 'because $A, the address that attacked us, held a connection of it' '$D' &&
    grep -q 'Processes ended: [1-9][0-9]* sent SIGTERM' '$D' &&
    grep -q 'redress unlock $U1' '$D' && grep -q 'Not locked: $U2 is on the never list' '$D'"
if [ -d "$XS" ]; then
	python3 "$REPO/tests/lib/xarf_validate.py" --schemas "$XS" \
	    "$T/live/outbox" >"$T/xarf" 2>&1
	ok $? "every draft is valid X-ARF / XARF JSON ($(tail -n 1 "$T/xarf"))"
else
	ok 0 "# SKIP no X-ARF schemas in $XS"
fi

# Locked again: a session from a second address, and an alert for it.
B=10.251.$X.3
login3() { ip netns exec $NSA ssh $SSHOPT -b "$1" "$U1@$S" "$2"; }
login3 $B "sleep 303" >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_for 5 sess $U1 3
ok $? "$U1 holds a session from $B"
printf '{"timestamp":"%s","flow_id":2,"event_type":"alert","src_ip":"%s","src_port":40002,"dest_ip":"%s","dest_port":2222,"proto":"TCP","flow":{"pkts_toserver":9,"pkts_toclient":8,"bytes_toserver":900,"bytes_toclient":800},"alert":{"action":"allowed","gid":1,"signature_id":2010002,"rev":1,"signature":"TEST exploit","category":"Attempted Administrator Privilege Gain","severity":1}}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.000000+0000)" $B $S >>"$T/eve.json"
R live run --once >"$T/live/out2" 2>"$T/live/err2"
ok $? "run --once with an exploit alert from $B"
wait_for 5 sh -c "! pgrep -u $U1 >/dev/null"
ok $? "$U1 is locked again and its session from $B gone"
INC2=$(sed -n 's/.*lockacct: locked '$U1' (expired) incident=\([0-9]*\).*/\1/p' "$T/live/err2" | head -n 1)
check "the second lock is on a new incident ($INC2)" test "${INC2:-1}" -gt 1

# The intruder comes back: unlocked outside redress, from a third address.
C=10.251.$X.4
ip -n $NSA addr add $C/24 dev va$N
usermod -U -e '' $U1
wait_for 5 sh -c "ip netns exec $NSA ssh $SSHOPT -b $C $U1@$S true"
ok $? "unlocked by hand outside redress, $U1 logs in from $C"
login3 $C "sleep 304" >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_for 5 sess $U1 4
ok $? "$U1 holds a session from $C"
ip netns exec $NSS "$REDRESS" -c "$T/live/redress.yaml" run \
    >"$T/live/out3" 2>"$T/live/err3" &
RP=$!
PIDS="$PIDS $RP"
wait_for 15 grep -q "lockacct: $U1 came back: connection from $C incident=$INC2" "$T/live/err3"
ok $? "the running daemon sees $U1 come back from $C"
wait_for 5 sh -c "! pgrep -u $U1 >/dev/null"
ok $? "the session from $C is ended"
wait_for 5 sh -c "ip netns exec $NSS nft list ruleset | grep -q '$C'"
ok $? "$C is blocked too"
kill "$RP"; wait "$RP" 2>/dev/null
check "$U1 is locked again" \
    sh -c "passwd -S $U1 | awk '{ exit \$2 != \"L\" }'"
R live incident "$INC2" >"$T/live/inc2" 2>&1
check "redress incident $INC2 records the return and the new block" \
    sh -c "grep -q 'lockacct: $U1 came back: connection from $C' '$T/live/inc2' &&
    grep -q '$C' '$T/live/inc2'"
check "the team's report of incident $INC2 says $U1 came back from $C" \
    sh -c "grep -l 'came back: connection from $C' '$T/live/outbox/new/'* '$T/live/outbox/cur/'* | xargs grep -l '^To: security@example.org'"
if [ -d "$XS" ]; then
	python3 "$REPO/tests/lib/xarf_validate.py" --schemas "$XS" \
	    "$T/live/outbox" >"$T/xarf" 2>&1
	ok $? "every draft is still valid X-ARF / XARF JSON ($(tail -n 1 "$T/xarf"))"
else
	ok 0 "# SKIP no X-ARF schemas in $XS"
fi
