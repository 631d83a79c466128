#!/bin/sh
# Operations: `make install` into a DESTDIR and run the installed binary
# from there: `redress status` (human and --json) against the running
# daemon, Prometheus metrics over HTTP, SIGHUP with a broken config (kept
# running, file:line logged) and with a good one (applied), SIGTERM, the
# "no daemon" message; as root also: the daemon run as nobody with only
# CAP_NET_ADMIN via setpriv inside a network namespace (blocks still land
# in nftables, writes outside its state dir fail), the self-drop from
# root to general.user, the refusal to run as full root, and uninstall.
. "$(dirname "$0")/../lib/tap.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
command -v scdoc >/dev/null 2>&1 || skip_all "no scdoc (make install builds the man pages)"
[ -n "$BUILD" ] || skip_all "BUILD not set"
plan 48
T=$(mktemp -d /tmp/redress-t070.XXXXXX)
chmod 0755 "$T"
PIDS=
NS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM

# eve SEC SRC DST DPORT SID CATEGORY: one established TCP alert line.
eve() {
	printf '{"timestamp":"2024-05-14T09:00:%02d.000000+0200","flow_id":%d,"event_type":"alert","src_ip":"%s","src_port":40000,"dest_ip":"%s","dest_port":%d,"proto":"TCP","flow":{"pkts_toserver":4,"pkts_toclient":3,"bytes_toserver":400,"bytes_toclient":300},"alert":{"action":"allowed","gid":1,"signature_id":%d,"rev":1,"signature":"TEST %d","category":"%s","severity":2}}\n' \
	    "$1" $((1000 + $1)) "$2" "$3" "$4" "$5" "$5" "$6"
}
# conf DIR STATE EVE PORT [EXTRA-GENERAL-LINES]: a config file in DIR.
conf() {
	mkdir -p "$1"
	cat > "$1/redress.yaml" <<YAML
general:
  state_dir: $2
  pid_file: $2/redress.pid
  log_level: info
$5
inputs:
  - type: eve
    path: $3
responders:
  backends:
    - type: nftables
      table: inet redress
resolver:
  enabled: false
reports:
  from: reports@example.org
  outbox: $2/outbox
  templates: $DEST/usr/share/redress/templates
metrics:
  enabled: true
  listen: 127.0.0.1:$4
YAML
}
size() { wc -c < "$1" | tr -d ' '; }
# http_get URL: the body on stdout, exit 0 only for a 200 (no curl needed)
http_get() {
	"$PY" -c 'import sys, urllib.request
try:
    r = urllib.request.urlopen(sys.argv[1], timeout=5)
    sys.stdout.write(r.read().decode())
except Exception as e:
    print(getattr(e, "code", "000"), file=sys.stderr)
    sys.exit(1)' "$1"
}
# jq-less JSON field: js FILE EXPR (python on the parsed document d)
js() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
status_json() { "$R" -c "$1" status --json > "$T/st.json" 2>"$T/st.err"; }
alerts_are() { status_json "$1" && [ "$(js "$T/st.json" 'd["inputs"][0]["alerts"]')" = "$2" ]; }

# ---------------------------------------------------------------- install
# The binary under test is installed as it is (-o: never rebuilt here).
DEST="$T/dest"
make -s -C "$REPO" BUILD="$BUILD" -o "$BUILD/redress" install DESTDIR="$DEST" PREFIX=/usr \
    >"$T/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$T/install.log" | tail -20
is "$rc" 0 "make install DESTDIR PREFIX=/usr"
R="$DEST/usr/sbin/redress"
check "binary installed" test -x "$R"
check "unit installed with the binary path" \
    grep -q '^ExecStart=/usr/sbin/redress run$' "$DEST/lib/systemd/system/redress.service"
check "sysusers and tmpfiles installed" test -f "$DEST/usr/lib/sysusers.d/redress.conf" -a \
    -f "$DEST/usr/lib/tmpfiles.d/redress.conf"
check "man pages installed" test -s "$DEST/usr/share/man/man8/redress.8" -a \
    -s "$DEST/usr/share/man/man5/redress.yaml.5" -a \
    -s "$DEST/usr/share/man/man5/redress-templates.5"
check "example config in /etc/redress" test -f "$DEST/etc/redress/redress.yaml"
echo "# changed by the admin" >> "$DEST/etc/redress/redress.yaml"
make -s -C "$REPO" BUILD="$BUILD" -o "$BUILD/redress" install DESTDIR="$DEST" PREFIX=/usr \
    >"$T/install2.log" 2>&1
check "a second install keeps a changed config" \
    grep -q "changed by the admin" "$DEST/etc/redress/redress.yaml"

# ---------------------------------------------------------------- run
P1=$(free_port); P2=$(free_port)
[ "$P2" != "$P1" ] || P2=$((P1 + 1))
S="$T/state"
: > "$T/eve.json"
conf "$T/etc" "$S" "$T/eve.json" "$P1" "  user: \"\"
  allow_root: true
  dry_run: true"
C="$T/etc/redress.yaml"
"$R" -c "$C" check-config >"$T/cc.log" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$T/cc.log"
is "$rc" 0 "test configuration is valid"
"$R" -c "$C" run >"$T/daemon.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
wait_for 10 test -S "$S/control.sock"
ok $? "daemon listens on state_dir/control.sock"
check "control socket mode 0660" sh -c "stat -c %a '$S/control.sock' | grep -qx 660"
{
	eve 1 203.0.113.9 10.0.0.5 80 2010001 "Web Application Attack"
	eve 2 203.0.113.9 10.0.0.5 80 2010001 "Web Application Attack"
	eve 3 198.51.100.7 10.0.0.5 22 2001219 "Attempted Information Leak"
} >> "$T/eve.json"
wait_for 10 alerts_are "$C" 3
ok $? "status --json counts the 3 alerts read"
check "status --json parses with json.tool" sh -c "'$R' -c '$C' status --json | $PY -m json.tool"
is "$(js "$T/st.json" 'd["inputs"][0]["path"]')" "$T/eve.json" "status names the input file"
is "$(js "$T/st.json" 'd["inputs"][0]["bytes"]')" "$(size "$T/eve.json")" "input offset is the file size"
is "$(js "$T/st.json" 'd["inputs"][0]["lag_bytes"]')" 0 "no lag behind the end"
is "$(js "$T/st.json" 'd["pid"]')" "$DPID" "status is from our daemon"
"$R" -c "$C" status >"$T/human" 2>&1
is "$?" 0 "status (human) succeeds"
sed 's/^/#   /' "$T/human"
check "human status: input with path" grep -q "eve $T/eve.json (open)" "$T/human"
check "human status: position and lag" grep -q "position .*, read .*, lag 0 B, 3 alerts" "$T/human"
check "human status: rate, incidents, blocks, drafts, mail, resolver" sh -c "
    grep -q '^alerts: .*/s over the last minute, 3 since start' '$T/human' &&
    grep -q '^incidents open: ' '$T/human' && grep -q '^blocks active: ' '$T/human' &&
    grep -q 'drafts waiting for review' '$T/human' && grep -q '^mail queue: ' '$T/human' &&
    grep -q '^resolver: ' '$T/human' && grep -q '^last errors:' '$T/human'"
wait_for 5 sh -c "'$R' -c '$C' status --json | grep -q '\"incidents_open\":[1-9]'"
ok $? "the alerts made incidents (status reads the store)"

http_get "http://127.0.0.1:$P1/metrics" > "$T/metrics"
is "$?" 0 "metrics served over HTTP"
check "redress_up 1" grep -qx "redress_up 1" "$T/metrics"
check "redress_alerts_total 3" grep -qx "redress_alerts_total 3" "$T/metrics"
check "per-input bytes" grep -qx "redress_input_bytes{input=\"eve:$T/eve.json\"} $(size "$T/eve.json")" "$T/metrics"
code=$(http_get "http://127.0.0.1:$P1/other" 2>&1 >/dev/null)
is "$code" 404 "other paths: 404"

# SIGHUP with a broken config: logged with file:line, old one kept.
cp "$C" "$T/good.yaml"
sed 's/^  log_level: info$/  log_level: info\n  no_such_key: 1/' "$T/good.yaml" > "$C"
line=$(grep -n no_such_key "$C" | cut -d: -f1)
kill -HUP "$DPID"
wait_for 10 grep -q "keeping the running configuration" "$T/daemon.log"
ok $? "broken config on SIGHUP: running configuration kept"
check "the error names file:line" grep -q "reload: $C:$line:[0-9]*: general.no_such_key: unknown key" "$T/daemon.log"
check "daemon still running" kill -0 "$DPID"
check "metrics still on the old port" http_get "http://127.0.0.1:$P1/metrics"
# SIGHUP with a good config: applied (metrics move to another port).
sed "s/127.0.0.1:$P1/127.0.0.1:$P2/" "$T/good.yaml" > "$C"
kill -HUP "$DPID"
wait_for 10 http_get "http://127.0.0.1:$P2/metrics"
ok $? "good config on SIGHUP: applied (metrics on the new port)"
http_get "http://127.0.0.1:$P1/metrics" >/dev/null 2>&1
ok $((! $?)) "old metrics port closed"
eve 4 203.0.113.10 10.0.0.5 80 2010001 "Web Application Attack" >> "$T/eve.json"
total_is() { status_json "$C" && [ "$(js "$T/st.json" 'd["alerts_total"]')" = "$1" ]; }
wait_for 10 total_is 4
ok $? "after reload the input resumes from its bookmark (4 alerts, not 7)"
sleep 0.5
check "nothing read twice" total_is 4
is "$(js "$T/st.json" 'd["inputs"][0]["lag_bytes"]')" 0 "no lag after the reload"

kill -TERM "$DPID"
n=0; while kill -0 "$DPID" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
wait "$DPID"; rc=$?
is "$rc" 0 "SIGTERM: clean exit"
check "control socket removed" test ! -e "$S/control.sock"
# A daemon that died without cleaning up: a clear message.
"$R" -c "$C" run >>"$T/daemon.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
wait_for 10 test -S "$S/control.sock"
kill -9 "$DPID"; wait "$DPID" 2>/dev/null
"$R" -c "$C" status >"$T/nod.out" 2>&1
rc=$?
check "no daemon: exit 1 and a clear message" sh -c "[ $rc = 1 ] &&
    grep -qx 'redress: no daemon on $S/control.sock: connection refused' '$T/nod.out'"

# ---------------------------------------------------------------- privileges
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1 ||
    ! command -v nft >/dev/null 2>&1 || ! ip netns add "redress-t070-$$" 2>/dev/null; then
	for i in 1 2 3 4 5 6 7 8; do echo "ok $((_tap_n + 1)) # SKIP needs root, setpriv, nft and netns"; _tap_n=$((_tap_n + 1)); done
else
	NS="redress-t070-$$"
	ip -n "$NS" link set lo up
	# As nobody with only CAP_NET_ADMIN, as systemd's unit would run it.
	U="$T/u"; mkdir -p "$U/state"; : > "$U/eve.json"
	conf "$U/etc" "$U/state" "$U/eve.json" "$(free_port)" "  user: \"\""
	chown -R nobody:nogroup "$U/state"
	chmod 0644 "$U/eve.json"
	ip netns exec "$NS" setpriv --reuid nobody --regid nogroup --clear-groups \
	    --inh-caps +net_admin --ambient-caps +net_admin \
	    "$R" -c "$U/etc/redress.yaml" run >"$U/daemon.log" 2>&1 &
	UPID=$!
	PIDS="$PIDS $UPID"
	wait_for 10 test -S "$U/state/control.sock"
	ok $? "runs as nobody with CAP_NET_ADMIN (setpriv)"
	# $! is ip netns exec, which execs setpriv, which execs redress.
	check "uid nobody, CapEff only net_admin" sh -c "grep -q '^Uid:.65534' /proc/$UPID/status &&
	    grep -q '^CapEff:.0000000000001000' /proc/$UPID/status"
	eve 1 203.0.113.9 10.0.0.5 80 2010001 "Web Application Attack" >> "$U/eve.json"
	wait_for 10 sh -c "ip netns exec $NS nft list set inet redress blocked4 2>/dev/null | grep -q 203.0.113.9"
	ok $? "blocking still works unprivileged: 203.0.113.9 in the nftables set"
	[ $? = 0 ] || sed 's/^/# /' "$U/daemon.log" | tail -5
	check "its state dir is written (store owned by nobody)" sh -c "
	    [ \"\$(stat -c %U '$U/state/state.db')\" = nobody ]"
	# The same identity cannot write outside it (config dir, /etc).
	ip netns exec "$NS" setpriv --reuid nobody --regid nogroup --clear-groups \
	    --inh-caps +net_admin --ambient-caps +net_admin \
	    sh -c "echo x > '$U/etc/evil' || echo x > /etc/redress-t070-evil" 2>/dev/null
	check "writing outside the state dir fails" sh -c "[ ! -e '$U/etc/evil' ] && [ ! -e /etc/redress-t070-evil ]"
	kill "$UPID"; wait "$UPID" 2>/dev/null

	# Started as root with general.user: drops to it by itself.
	D="$T/d"; : > "$T/d.eve.json"
	conf "$D/etc" "$D/state" "$T/d.eve.json" "$(free_port)" "  user: nobody
  group: nogroup"
	"$R" -c "$D/etc/redress.yaml" run >"$D/daemon.log" 2>&1 &
	DPID=$!
	PIDS="$PIDS $DPID"
	wait_for 10 test -S "$D/state/control.sock"
	check "root start drops to general.user, keeps CAP_NET_ADMIN only" sh -c "
	    grep -q '^Uid:.65534.65534.65534.65534' /proc/$DPID/status &&
	    grep -q '^CapEff:.0000000000001000' /proc/$DPID/status &&
	    grep -q '^CapAmb:.0000000000001000' /proc/$DPID/status &&
	    grep -q '^CapBnd:.0000000000001000' /proc/$DPID/status"
	check "state dir handed to the user" sh -c "[ \"\$(stat -c %U '$D/state')\" = nobody ] &&
	    [ \"\$(stat -c %U '$D/state/state.db')\" = nobody ]"
	kill "$DPID"; wait "$DPID" 2>/dev/null
	# Root with no user and no allow_root: refused.
	conf "$D/etc2" "$D/state2" "$T/d.eve.json" "$(free_port)" "  user: \"\""
	"$R" -c "$D/etc2/redress.yaml" run >"$D/refuse.log" 2>&1
	rc=$?
	check "full root refused without allow_root" sh -c "[ $rc = 1 ] &&
	    grep -q 'refusing to run as root' '$D/refuse.log'"
fi

# ---------------------------------------------------------------- uninstall
make -s -C "$REPO" BUILD="$BUILD" -o "$BUILD/redress" uninstall DESTDIR="$DEST" PREFIX=/usr \
    >"$T/uninstall.log" 2>&1
check "uninstall removes the binary, unit and man pages" sh -c "
    [ ! -e '$R' ] && [ ! -e '$DEST/lib/systemd/system/redress.service' ] &&
    [ ! -e '$DEST/usr/share/man/man8/redress.8' ]"
check "uninstall keeps the changed config, removes unchanged ones" sh -c "
    [ -f '$DEST/etc/redress/redress.yaml' ] &&
    [ -z \"\$(ls '$DEST/etc/redress' | grep -vx redress.yaml)\" ]"
tap_done
