#!/bin/sh
# Evidence capture and account locking for real. Capture: two network
# namespaces joined by a veth pair (10.251.X.0/24, fd51:0:X::/64); the
# capture responder runs in the sensor namespace through libdaq (pcap and
# afpacket modules) while the attacker namespace pings; the pcap is read
# back with tcpdump: the attacker's ICMP is there, another host's is not,
# the packet and time bounds hold, the file is renamed into place. Lockacct:
# a throwaway user with a running process is locked (passwd -S shows L,
# the account expired, the process killed), root and the not-opted-in
# configuration are refused, unlock restores it.
. "$(dirname "$0")/../lib/tap.sh"
need_root
TOOL=$BUILD/tests/tools/capture_once
[ -x "$TOOL" ] || skip_all "no $TOOL (make all)"
plan 45
T=$(mktemp -d /tmp/redress-t045.XXXXXX)
NA=rdcapa$$
NB=rdcapb$$
U=redress-test-$$
X=$(($$ % 200 + 20))
A4=10.251.$X.1 B4=10.251.$X.2 O4=10.251.$X.3
A6=fd51:0:$X::1 B6=fd51:0:$X::2
NETNS=0 USER_MADE=0 SP=
cleanup() {
	[ -n "$SP" ] && kill -KILL "$SP" 2>/dev/null
	if [ "$USER_MADE" = 1 ]; then
		pkill -KILL -u "$U" 2>/dev/null
		userdel "$U" 2>/dev/null
	fi
	if [ "$NETNS" = 1 ]; then
		ip netns del "$NA" 2>/dev/null
		ip netns del "$NB" 2>/dev/null
	fi
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM
skip() {	# skip N REASON
	_i=0
	while [ "$_i" -lt "$1" ]; do
		_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $2"
		_i=$((_i + 1))
	done
}
ina() { ip netns exec "$NA" "$@"; }
inb() { ip netns exec "$NB" "$@"; }
# cap YAML-LINES TARGETS ID [DIR]: capture_once in the sensor namespace,
# bounded by its own wait and by timeout(1).
cap() {
	_y=$(printf "interface: vb\ndir: $T/cap\n$1")
	shift
	timeout 30 ip netns exec "$NB" "$TOOL" -w 20000 "$_y" "$@"
}
npkts() { tcpdump -r "$1" -n 2>/dev/null | wc -l | tr -d ' '; }

# ---------------------------------------------------------------- capture
# Dry-run needs no namespace and touches nothing.
out=$("$TOOL" -n "$(printf 'interface: vb\nseconds: 3\npackets: 20\ndir: %s/cap' "$T")" "$A4" 500)
is "$out" "capture: would capture host $A4 on vb for 3s/20 packets into $T/cap/incident-500.pcap" \
    "dry-run says what it would capture"
check "dry-run made no directory" test ! -e "$T/cap"

if command -v tcpdump >/dev/null && ip netns add "$NA" 2>/dev/null; then
	NETNS=1
	ip netns add "$NB" &&
	ip -n "$NA" link add va type veth peer name vb netns "$NB" &&
	ip -n "$NA" addr add "$A4/24" dev va &&
	ip -n "$NA" addr add "$O4/24" dev va &&
	ip -n "$NA" addr add "$A6/64" dev va nodad &&
	ip -n "$NB" addr add "$B4/24" dev vb &&
	ip -n "$NB" addr add "$B6/64" dev vb nodad &&
	ip -n "$NA" link set va up && ip -n "$NB" link set vb up &&
	ip -n "$NA" link set lo up && ip -n "$NB" link set lo up
	ok $? "namespaces $NA and $NB joined by a veth pair"
	mkdir -p "$T/cap"

	# 1. pcap module, IPv4, 3 s / 20 packets: ten pings from the
	# attacker, three from another host that must not be captured.
	cap 'seconds: 3\npackets: 20\n' "$A4" 101 >"$T/c1.out" 2>&1 &
	P=$!
	sleep 0.5
	ina ping -n -c 3 -i 0.2 -W 1 -I "$O4" "$B4" >/dev/null 2>&1 &
	ina ping -n -c 10 -i 0.2 -W 1 -I "$A4" "$B4" >/dev/null 2>&1
	wait "$P"; rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$T/c1.out"
	is "$rc" 0 "capture (pcap module) of $A4 ends by itself"
	F=$T/cap/incident-101.pcap
	check "incident-101.pcap is in the capture dir" test -s "$F"
	is "$(ls -A "$T/cap" | grep -c '\.tmp$')" 0 "no temp file left behind"
	is "$(stat -c %a "$F")" 640 "the pcap is mode 0640"
	tcpdump -r "$F" -n >"$T/c1.txt" 2>"$T/c1.err"
	ok $? "tcpdump reads the pcap back"
	req=$(grep -c "IP $A4 > $B4: ICMP echo request" "$T/c1.txt")
	rep=$(grep -c "IP $B4 > $A4: ICMP echo reply" "$T/c1.txt")
	diag "captured $(wc -l < "$T/c1.txt") packets: $req requests, $rep replies"
	check "at least 5 echo requests from the attacker" test "$req" -ge 5
	check "at least 5 echo replies to the attacker" test "$rep" -ge 5
	check "another host's traffic is not captured" \
	    sh -c "! grep -q '$O4 >\|> $O4:' '$T/c1.txt'"
	check "no more than 20 packets" test "$(wc -l < "$T/c1.txt")" -le 20
	check "link type is Ethernet" grep -q 'EN10MB' "$T/c1.err"

	# 2. The packet bound ends a capture early.
	t0=$(date +%s)
	cap 'seconds: 20\npackets: 5\n' "$A4" 102 >"$T/c2.out" 2>&1 &
	P=$!
	sleep 0.5
	ina ping -n -c 60 -i 0.05 -W 1 -I "$A4" "$B4" >/dev/null 2>&1 &
	PP=$!
	wait "$P"; rc=$?
	el=$(($(date +%s) - t0))
	wait "$PP"
	is "$rc" 0 "capture with packets: 5 ends"
	is "$(npkts "$T/cap/incident-102.pcap")" 5 "exactly 5 packets"
	check "well before its 20 s ($el s)" test "$el" -le 8

	# 3. afpacket module, IPv6, time bound 2 s with a quiet link after.
	t0=$(date +%s)
	cap 'module: afpacket\nseconds: 2\npackets: 1000\n' "$A6" 103 \
	    >"$T/c3.out" 2>&1 &
	P=$!
	sleep 1.2
	ina ping -6 -n -c 3 -i 0.2 -W 1 -I "$A6" "$B6" >/dev/null 2>&1
	wait "$P"; rc=$?
	el=$(($(date +%s) - t0))
	[ $rc -eq 0 ] || sed 's/^/# /' "$T/c3.out"
	is "$rc" 0 "capture (afpacket module) of $A6 ends by itself"
	check "after its 2 s and not much later ($el s)" \
	    sh -c "[ $el -ge 2 ] && [ $el -le 7 ]"
	tcpdump -r "$T/cap/incident-103.pcap" -n >"$T/c3.txt" 2>/dev/null
	check "IPv6 echo requests from the attacker captured" \
	    grep -q "IP6 $A6 > $B6: ICMP6, echo request" "$T/c3.txt"

	# 4. A quiet capture still writes an (empty) pcap after its time.
	cap 'seconds: 1\npackets: 10\n' "$A4" 104 >"$T/c4.out" 2>&1
	is "$?" 0 "a capture with no traffic ends after its seconds"
	is "$(npkts "$T/cap/incident-104.pcap")" 0 "and holds no packet"

	# 5. Re-applying an incident already captured is a no-op.
	s1=$(md5sum < "$F")
	cap 'seconds: 3\npackets: 20\n' "$A4" 101 >/dev/null 2>&1
	is "$?" 0 "re-applying incident 101 succeeds"
	is "$(md5sum < "$F")" "$s1" "and leaves its pcap alone"

	# 6. A prefix filter, the incident's evidence dir, max_concurrent.
	cap 'seconds: 1\npackets: 10\nmax_concurrent: 1\n' \
	    "10.251.$X.0/24,$O4" 300 "$T/ev/300" >"$T/c6.out" 2>&1
	is "$?" 1 "a second capture over max_concurrent is refused"
	check "refusal names max_concurrent" grep -q 'max_concurrent' "$T/c6.out"
	check "the first went to the evidence dir (parents made)" test -f "$T/ev/300/incident-300.pcap"
	check "the refused one wrote nothing" test ! -e "$T/ev/300/incident-301.pcap"

	# 7. A missing interface is an error, not a thread.
	timeout 30 ip netns exec "$NB" "$TOOL" -w 1000 \
	    "$(printf 'interface: nosuch0\ndir: %s/cap' "$T")" "$A4" 105 \
	    >"$T/c7.out" 2>&1
	is "$?" 1 "capture on a missing interface fails"
	check "and says which" grep -q 'nosuch0' "$T/c7.out"
else
	skip 27 "no tcpdump or cannot create network namespaces"
fi

# ---------------------------------------------------------------- lockacct
if command -v useradd >/dev/null && command -v setpriv >/dev/null &&
    command -v chpasswd >/dev/null &&
    useradd -M -s /usr/sbin/nologin "$U" 2>"$T/ua.err"; then
	USER_MADE=1
	echo "$U:Redress-$$-pw" | chpasswd
	uid=$(id -u "$U")
	min=1000
	[ "$uid" -lt 1000 ] && min=$uid
	Y=$(printf 'type: lockacct\nenabled: true\nexpire: true\nmin_uid: %s\nusers_allowed: [%s]' "$min" "$U")
	setpriv --reuid="$U" --regid="$(id -g "$U")" --clear-groups \
	    sleep 60 &
	SP=$!
	wait_for 5 sh -c "[ \"\$(ps -o uid= -p $SP | tr -d ' ')\" = $uid ]"
	ok $? "a process runs as $U"
	is "$(passwd -S "$U" | awk '{print $2}')" P "$U has a usable password"

	out=$("$TOOL" -n "$Y" "$U")
	is "$out" "$(printf 'lockacct: would run /usr/sbin/usermod -L -e 1 %s\nlockacct: would end the processes of %s (SIGTERM, SIGKILL after 5000ms)' "$U" "$U")" \
	    "dry-run prints the commands"
	is "$(passwd -S "$U" | awk '{print $2}')" P "dry-run changed nothing"

	"$TOOL" "$(printf 'type: lockacct\n')" "$U" >/dev/null 2>"$T/l1.err"
	is "$?" 1 "not opted in: refused"
	check "refusal says opt-in" grep -q 'opt-in' "$T/l1.err"
	before=$(passwd -S root)
	"$TOOL" "$(printf 'type: lockacct\nenabled: true\nnever: []\nusers_allowed: [root]\n')" \
	    root >/dev/null 2>"$T/l2.err"
	is "$?" 1 "root: refused"
	is "$(passwd -S root)" "$before" "root's account untouched"

	"$TOOL" "$Y" "$U" 2>"$T/l3.err"
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$T/l3.err"
	is "$rc" 0 "lock $U"
	is "$(passwd -S "$U" | awk '{print $2}')" L "passwd -S shows L"
	check "account expired (usermod -e 1)" \
	    sh -c "chage -l '$U' | grep -i 'account expires' | grep -q 1970"
	wait_for 5 sh -c "! kill -0 $SP 2>/dev/null || grep -q '^State:[[:space:]]*Z' /proc/$SP/status"
	ok $? "the user's process is gone"
	wait "$SP"; st=$?
	SP=
	is "$st" 143 "it was ended with SIGTERM"

	"$TOOL" -r "$Y" "$U" 2>"$T/l4.err"
	is "$?" 0 "unlock $U"
	is "$(passwd -S "$U" | awk '{print $2}')" P "passwd -S shows P again"
	check "expiry cleared" \
	    sh -c "chage -l '$U' | grep -i 'account expires' | grep -q never"
else
	[ -s "$T/ua.err" ] && sed 's/^/# /' "$T/ua.err"
	skip 16 "cannot create a throwaway user (useradd/setpriv/chpasswd)"
fi
tap_done
