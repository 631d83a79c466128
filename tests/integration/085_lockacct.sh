#!/bin/sh
# Local containment with a real OpenSSH server, in namespaces the test
# makes: sshd and redress run in "srv", the attacker logs in from "atk"
# as a user the test creates. An exploit alert for the attacker's address
# makes redress block it and, with a lockacct responder, lock the account
# the address holds (found by its connection, not named by any alert) and
# end its processes: the session is gone and a new login is refused.
# `redress unlock` lets the user in again. root and an account on the
# `never` list, logged in from the same address, are untouched.
. "$(dirname "$0")/../lib/tap.sh"
need_root
for c in ip nft sshd ssh ssh-keygen useradd userdel passwd chage pgrep; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
SSHD=$(command -v sshd)
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

plan 17

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
