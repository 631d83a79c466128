#!/bin/sh
# The installed layout, end to end: `make install DESTDIR=... PREFIX=/usr`
# into a scratch root, seen at its real paths (/etc/redress, /usr/sbin,
# /usr/share/redress, /var/lib/redress, /run/redress) through read-only
# overlays in a private mount namespace. The installed config is changed
# only where a test must: the input path, the relay (a real Postfix on
# loopback, STARTTLS and SASL AUTH), general.user (a throwaway user instead
# of redress), the signing key and the resolver (recorded registry answers
# on loopback). The daemon runs as that user with CAP_NET_ADMIN only, in a
# network namespace with real nftables: alert in -> the attacker in the
# kernel's set -> a signed draft -> root's check-config (the key found in
# the user's keyring, not root's), root's `queue edit` (the re-signed file
# stays the user's) and `queue approve` -> delivered once through Postfix,
# the signature verifying at the receiving Maildir.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/postfix.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
need_root
[ -n "$BUILD" ] || skip_all "BUILD not set"
for c in ip nft gpg useradd userdel setpriv unshare mount scdoc sqlite3; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
pf_available || skip_all "no postfix (make deps)"
# Everything runs in a network namespace of its own: the daemon's nftables,
# Postfix and the registries on its loopback.
if [ -z "$T095_NS" ]; then
	NS=rdi$$
	ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace"
	T095_NS=$NS ip netns exec "$NS" sh "$0"
	rc=$?
	ip netns del "$NS" 2>/dev/null
	exit $rc
fi
ip link set lo up
U=rdi$$
S=rds$$
G=rdg$$
T=$(mktemp -d /tmp/redress-t095.XXXXXX)
chmod 0755 "$T"
DPID=
cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	pf_stop
	[ -f "$T/registry/registry.pids" ] &&
	    kill $(cat "$T/registry/registry.pids") 2>/dev/null
	[ -d "$T/home/.gnupg" ] && GNUPGHOME="$T/home/.gnupg" \
	    gpgconf --kill gpg-agent >/dev/null 2>&1
	[ -d "$T/vgpg" ] && GNUPGHOME="$T/vgpg" gpgconf --kill gpg-agent \
	    >/dev/null 2>&1
	for u in "$U" "$S"; do
		getent passwd "$u" >/dev/null && userdel "$u" 2>/dev/null
	done
	for g in "$U" "$G"; do
		getent group "$g" >/dev/null && groupdel "$g" 2>/dev/null
	done
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
plan 43

# ---------------------------------------------------------------- install
D="$T/root"
make -s -C "$REPO" BUILD="$BUILD" -o "$BUILD/redress" install DESTDIR="$D" \
    PREFIX=/usr >"$T/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -20 "$T/install.log" | sed 's/^/# /'
is "$rc" 0 "make install DESTDIR=<scratch> PREFIX=/usr"
C="$D/etc/redress/redress.yaml"
check "the installed config names the installed templates" \
    grep -q '^  templates: /usr/share/redress/templates ' "$C"
check "... and the installed bootstrap" \
    grep -q '^  bootstrap_dir: /etc/redress/rdap-bootstrap$' "$C"

# Another PREFIX: what is installed names where it went.
O="$T/opt"
make -s -C "$REPO" BUILD="$BUILD" -o "$BUILD/redress" install DESTDIR="$O" \
    PREFIX=/opt/rd LOCALSTATEDIR=/srv >"$T/install-opt.log" 2>&1
check "PREFIX=/opt/rd: the config names its templates, state dir, outbox" sh -c "
    grep -q '^  templates: /opt/rd/share/redress/templates ' '$O/etc/redress/redress.yaml' &&
    test -f '$O/opt/rd/share/redress/templates/default.tmpl' &&
    grep -q '^  state_dir: /srv/lib/redress\$' '$O/etc/redress/redress.yaml' &&
    grep -q '^  outbox: /srv/lib/redress/outbox ' '$O/etc/redress/redress.yaml'"
check "... the unit its binary" grep -q '^ExecStart=/opt/rd/sbin/redress run$' \
    "$O/lib/systemd/system/redress.service"
check "... the man pages the real paths" sh -c "
    grep -q 'opt/rd/share/redress/templates' '$O/opt/rd/share/man/man8/redress.8' &&
    ! grep -q '/usr/share/redress' '$O/opt/rd/share/man/man8/redress.8' '$O/opt/rd/share/man/man5/redress-templates.5'"

# inroot CMD...: CMD with the scratch root seen at its real paths. /var/lib/
# redress and /run/redress are the writable directories tmpfiles.d makes.
mkdir -p "$D/var/lib/redress" "$D/run/redress"
cat > "$T/in.sh" <<EOF
#!/bin/sh
set -e
for d in /etc /usr /var /run; do
	mount -t overlay overlay -o "lowerdir=$D\$d:\$d" "\$d"
done
mount --bind "$D/var/lib/redress" /var/lib/redress
mount --bind "$D/run/redress" /run/redress
exec "\$@"
EOF
chmod 0755 "$T/in.sh"
inroot() { unshare -m --propagation private "$T/in.sh" "$@"; }

# ---------------------------------------------------------------- user
mkdir -p "$T/home"
# G: the sensor's group; S: a sensor (Suricata) running as its own user.
groupadd "$G" 2>"$T/ua.err" &&
    useradd -M -d "$T/home" -s /usr/sbin/nologin -U -G "$G" "$U" \
    2>>"$T/ua.err" &&
    useradd -M -d / -s /usr/sbin/nologin -N -g "$G" "$S" 2>>"$T/ua.err" ||
    { sed 's/^/# /' "$T/ua.err"; skip_all "cannot create users"; }
GNUPGHOME="$T/home/.gnupg"
mkdir -m 700 "$GNUPGHOME"
GNUPGHOME=$GNUPGHOME gpg --batch --quiet --passphrase '' --quick-gen-key \
    "Example Org Security <security@example.org>" ed25519 sign 1y \
    >/dev/null 2>&1
FPR=$(GNUPGHOME=$GNUPGHOME gpg --batch --with-colons --list-secret-keys \
    2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
mkdir -m 700 "$T/vgpg"
GNUPGHOME=$GNUPGHOME gpg --batch --export "$FPR" 2>/dev/null |
    GNUPGHOME="$T/vgpg" gpg --batch --quiet --import 2>/dev/null
GNUPGHOME=$GNUPGHOME gpgconf --kill gpg-agent >/dev/null 2>&1
chown -R "$U:$U" "$T/home" "$D/var/lib/redress" "$D/run/redress"
# The modes the installed tmpfiles.d snippet gives them.
tmode() { awk -v d="$1" '$1 == "d" && $2 == d { print $3 }' \
    "$D/usr/lib/tmpfiles.d/redress.conf"; }
chmod "$(tmode /var/lib/redress)" "$D/var/lib/redress"
chmod "$(tmode /run/redress)" "$D/run/redress"
is "$(tmode /run/redress)" \
    "$(sed -n 's/^RuntimeDirectoryMode=//p' "$D/lib/systemd/system/redress.service")" \
    "tmpfiles.d and the unit give /run/redress the same mode"
# What the tmpfiles.d snippet's Z line does: the config root's, group-readable.
chgrp -R "$U" "$D/etc/redress"
[ -n "$FPR" ]; ok $? "signing key in $U's keyring ($T/home/.gnupg)"

# ---------------------------------------------------------------- relay
P=$(free_port)
pf_start "$T/pf" "$P" reporter s3cret >"$T/pf.log" 2>&1
ok $? "Postfix on 127.0.0.1:$P (STARTTLS, TLS 1.3 allowed, SASL AUTH)"
printf 'reporter\ns3cret\n' > "$T/smtp-auth"
chown "$U:$U" "$T/smtp-auth"
chmod 600 "$T/smtp-auth"
sh "$REPO/tests/servers/registry_up.sh" "$REPO/demo/data/registry" \
    "$T/registry" >"$T/registry.log" 2>&1
ok $? "loopback whois/RDAP servers with recorded answers"

# The installed config with only the test's changes.
: > "$T/eve.json"
chmod 644 "$T/eve.json"
python3 - "$C" "$T" "$U" "$P" "$FPR" "$T/pf/cert.pem" "$G" <<'EOF'
import re, sys
path, t, user, port, fpr, ca, group = sys.argv[1:]
s = open(path).read()
def sub(pat, rep):
    global s
    n = re.subn(pat, rep, s, count=1, flags=re.M)
    assert n[1] == 1, pat
    s = n[0]
sub(r'^    path: /var/log/suricata/eve\.json$', '    path: %s/eve.json\n'
    '  - type: eve_socket\n    path: /run/redress/eve.sock\n'
    '    group: %s\n    mode: "0660"' % (t, group))
sub(r'^  user: redress$', '  user: %s' % user)
sub(r'^  group: redress$', '  group: %s' % user)
sub(r'^  # sign_key: .*$', '  sign_key: "%s"' % fpr)
sub(r'^  port: 587 ', '  port: %s ' % port)
sub(r'^  # ca_file: .*$', '  ca_file: %s' % ca)
sub(r'^  # auth_file: .*$', '  auth_file: %s/smtp-auth' % t)
# the resolver section: the recorded registries instead of the internet
a = s.index('\nresolver:\n')
b = s.index('# ---- end resolver ----')
s = s[:a + 1] + open(t + '/registry/resolver.yaml').read() + s[b:]
open(path, 'w').write(s)
EOF
ok $? "installed config: inputs, relay, user, key and resolver changed"
# Root's own environment points at a keyring without the key.
mkdir -m 700 "$T/rootgpg"
export GNUPGHOME="$T/rootgpg" HOME=/root
R() { inroot /usr/sbin/redress "$@"; }

R check-config >"$T/cc.out" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$T/cc.out"
is "$rc" 0 "root's check-config passes"
check "the key is found in $U's keyring, not root's" \
    grep -qF "signing key $FPR: in keyring $T/home/.gnupg" "$T/cc.out"

# A state directory the user cannot write: named, at its setting.
chown root:root "$D/var/lib/redress"
R check-config >"$T/cc2.out" 2>&1
rc=$?
chown "$U:$U" "$D/var/lib/redress"
[ $rc = 1 ] && grep -Eq "^/etc/redress/redress.yaml:[0-9]+:[0-9]+: general.state_dir: (cannot create it: )?/var/lib/redress.*: not writable by user $U \(the daemon's user\)" "$T/cc2.out"
rc=$?
ok $rc "check-config: a state_dir $U cannot write is an error at file:line:col"
[ $rc -eq 0 ] || sed 's/^/# /' "$T/cc2.out"

# ---------------------------------------------------------------- run
unshare -m --propagation private "$T/in.sh" \
    env -i HOME="$T/home" USER="$U" LOGNAME="$U" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    setpriv --reuid "$U" --regid "$U" --init-groups \
    --inh-caps +net_admin --ambient-caps +net_admin \
    /usr/sbin/redress run >"$T/daemon.log" 2>&1 &
DPID=$!
wait_for 10 test -S "$D/var/lib/redress/control.sock"
ok $? "the installed daemon runs as $U"
# send USER GROUP LINE: one datagram to /run/redress/eve.sock as USER.
send() {
	unshare -m --propagation private "$T/in.sh" setpriv --reuid "$1" \
	    --regid "$2" --init-groups /usr/bin/python3 -c 'import errno, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    s.sendto(sys.argv[1].encode(), "/run/redress/eve.sock")
except OSError as e:
    sys.exit("send: " + errno.errorcode.get(e.errno, str(e.errno)))' "$3" \
	    2>"$T/send.err"
}
sock_alerts() { R status --json 2>/dev/null | /usr/bin/python3 -c 'import json, sys
print([i["alerts"] for i in json.load(sys.stdin)["inputs"] if i["type"] == "eve_socket"][0])'; }
wait_for 10 test -S "$D/run/redress/eve.sock"
ok $? "the daemon made /run/redress/eve.sock"
is "$(stat -c '%G %a' "$D/run/redress/eve.sock")" "$G 660" \
    "the socket belongs to the sensor group, mode 0660"
now=$(date +%Y-%m-%dT%H:%M:%S.000000%z)
line='{"timestamp":"'$now'","flow_id":77,"event_type":"alert","src_ip":"198.51.100.77","src_port":5000,"dest_ip":"203.0.113.11","dest_port":80,"proto":"TCP","alert":{"gid":1,"signature_id":2100498,"rev":7,"signature":"GPL ATTACK_RESPONSE id check returned root","category":"Potentially Bad Traffic","severity":2}}'
chmod 0750 "$D/run/redress"
send "$S" "$G" "$line"
rc=$?
chmod "$(tmode /run/redress)" "$D/run/redress"
[ $rc -ne 0 ] && grep -qx 'send: EACCES' "$T/send.err"
ok $? "with /run/redress 0750 the sensor user cannot reach the socket"
send "$S" "$G" "$line"
ok $? "with the installed mode the sensor user sends an alert"
[ -s "$T/send.err" ] && sed 's/^/# /' "$T/send.err"
send nobody "$(id -gn nobody)" "$line"
grep -qx 'send: EACCES' "$T/send.err"
ok $? "a user outside the sensor group cannot"
n=0
while [ "$(sock_alerts)" != 1 ] && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
is "$(sock_alerts)" 1 "the daemon read the sensor's one alert"

for i in 1 2 3; do
	printf '{"timestamp":"%s","flow_id":%d,"event_type":"alert","src_ip":"196.11.240.215","src_port":4010%d,"dest_ip":"203.0.113.11","dest_port":22,"proto":"TCP","app_proto":"ssh","alert":{"action":"allowed","gid":1,"signature_id":2006546,"rev":8,"signature":"ET SCAN LibSSH Based Frequent SSH Connections Likely BruteForce Attack","category":"Attempted Administrator Privilege Gain","severity":1},"flow":{"pkts_toserver":14,"pkts_toclient":11,"bytes_toserver":1260,"bytes_toclient":1320}}\n' \
	    "$now" $((1000 + i)) "$i" >> "$T/eve.json"
done
wait_for 20 sh -c "nft list set inet redress blocked4 2>/dev/null | grep -q 196.11.240.215"
ok $? "the attacker is in the kernel's set (nft list set)"
wait_for 30 sh -c "ls '$D/var/lib/redress/outbox/cur' | grep -q ."
rc=$?
ok $rc "a draft in the outbox"
[ $rc -eq 0 ] || tail -20 "$T/daemon.log" | sed 's/^/# /'
ID=$(R queue list 2>/dev/null | awk '$1 ~ /^[0-9]+$/ { print $1; exit }')
[ -n "$ID" ]; ok $? "root's queue list shows it (report $ID)"

# What a sysadmin scripts against, from root's shell.
is "$(R --version)" "redress 0.9.0" "--version"
ISO='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}'
R queue list 2>/dev/null | grep -Eq "^$ID +draft +$ISO "
ok $? "queue list: the same time format"
R incident 1 >"$T/inc.txt" 2>&1
check "incident 1 is readable: header, ISO 8601 times, counted alerts" sh -c "
    grep -q '^incident 1: ' '$T/inc.txt' &&
    grep -Eq '^  first seen:  $ISO\$' '$T/inc.txt' &&
    grep -q '^  alerts:      3 alerts\$' '$T/inc.txt' &&
    grep -q '^decisions:' '$T/inc.txt' && grep -q '^evidence:' '$T/inc.txt'"
R incident --json 1 2>&1 | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)
assert d["id"] == 1 and d["src_ip"] == "196.11.240.215", d
assert {x["action"] for x in d["decisions"]} == {"contain", "report"}, d
assert len(d["evidence"]) == 3 and d["evidence"][0]["src_ip"] == d["src_ip"]'
ok $? "incident --json 1: one document with decisions and evidence"
R whois --json 196.11.240.215 2>&1 | /usr/bin/python3 -c 'import json, re, sys
d = json.load(sys.stdin)
assert d["cached"] and d["recipients"][0]["email"] == "abuse@mtnbusiness.co.za", d
assert re.fullmatch(sys.argv[1], d["expires"]), d' "$ISO"
ok $? "whois --json: the cached desk, times in the same format"
R blocks --json 2>&1 | /usr/bin/python3 -c 'import json, re, sys
d = json.loads(sys.stdin.readline())
assert d["cidr"].startswith("196.11.240.215") and re.fullmatch(sys.argv[1], d["created"]), d' "$ISO"
ok $? "blocks --json: the block, its times in the same format"

# Root edits: the re-signed file stays the user's.
printf '#!/bin/sh\nsed -i "s/^Dear abuse team of .*/Hello from a reviewer,/" "$1"\n' \
    > "$T/editor"
chmod 755 "$T/editor"
EDITOR="$T/editor" R queue edit "$ID" >"$T/edit.out" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$T/edit.out"
is "$rc" 0 "root's queue edit $ID"
F=$(R queue show "$ID" 2>/dev/null | awk '$1 == "File:" { print $2 }')
is "$(stat -c %U "$D${F}" 2>&1)" "$U" "the re-signed report still belongs to $U"
is "$(find "$D/var/lib/redress" ! -user "$U" | wc -l)" 0 \
    "nothing under the state directory changed owner"

R queue approve "$ID" >"$T/approve.out" 2>&1
ok $? "root's queue approve $ID"
state() { R queue show "$ID" 2>/dev/null | awk '$1 == "State:" { print $2 }'; }
n=0
while [ "$(state)" != sent ] && [ $n -lt 60 ]; do sleep 1; n=$((n + 1)); done
[ "$(state)" = sent ]
rc=$?
ok $rc "the daemon sent it"
[ $rc -eq 0 ] || { R queue show "$ID" 2>&1 | grep -E 'State|Error' | sed 's/^/# /'; tail -5 "$T/daemon.log" | sed 's/^/# /'; }
pf_settled 20
is "$(pf_count)" 1 "delivered once through Postfix"
M=$(find "$PF_MAILDIR/new" "$PF_MAILDIR/cur" -type f | head -1)
check "to the desk the registry names" grep -q '^To:.*abuse@mtnbusiness.co.za' "$M"
check "with the reviewer's text" grep -q '^Hello from a reviewer,' "$M"
GNUPGHOME="$T/vgpg" python3 "$REPO/tests/lib/pgpmime_verify.py" "$M" \
    >"$T/verify.out" 2>&1
rc=$?
ok $rc "its signature verifies at the receiving Maildir"
[ $rc -eq 0 ] || sed 's/^/# /' "$T/verify.out"
# The relay gone: the next approved report is deferred, and root's
# `status` shows it with its last error.
pf_stop
now=$(date +%Y-%m-%dT%H:%M:%S.000000%z)
for i in 1 2 3; do
	printf '{"timestamp":"%s","flow_id":%d,"event_type":"alert","src_ip":"62.239.237.1","src_port":4500%d,"dest_ip":"203.0.113.10","dest_port":22,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2006546,"rev":8,"signature":"ET SCAN LibSSH Based Frequent SSH Connections Likely BruteForce Attack","category":"Attempted Administrator Privilege Gain","severity":1},"flow":{"pkts_toserver":14,"pkts_toclient":11,"bytes_toserver":1260,"bytes_toclient":1320}}\n' \
	    "$now" $((2000 + i)) "$i" >> "$T/eve.json"
done
ID2=
n=0
while [ -z "$ID2" ] && [ $n -lt 100 ]; do
	ID2=$(R queue list 2>/dev/null | awk -v a="$ID" '$1 ~ /^[0-9]+$/ && $1 != a && / draft / { print $1; exit }')
	[ -n "$ID2" ] || sleep 0.2
	n=$((n + 1))
done
R queue approve "$ID2" >/dev/null 2>&1
n=0
while ! R status 2>/dev/null | grep -q '^  deferred: 1 report' && [ $n -lt 100 ]; do
	sleep 0.2; n=$((n + 1))
done
R status >"$T/status.txt" 2>&1
check "status shows the deferred report, its next attempt and last error" sh -c "
    grep -Eq '^  deferred: 1 report, next attempt $ISO \(report $ID2\)\$' '$T/status.txt' &&
    grep -q '^  last error: .*localhost' '$T/status.txt'"
[ $? -eq 0 ] || sed 's/^/# /' "$T/status.txt"

# A reload with a signing key the user does not have is refused, the
# keyring named, and the daemon keeps running with the old configuration.
# (written in place: the overlay shows the same inode)
cp "$C" "$T/good.yaml"
sed "s/^  sign_key: .*/  sign_key: \"no-such-key@example.org\"/" \
    "$T/good.yaml" > "$C"
kill -HUP "$DPID"
wait_for 10 grep -q 'reload: .*has errors; keeping' "$T/daemon.log"
ok $? "reload with a missing signing key is refused"
check "... naming the setting and the user's keyring" grep -q \
    "reload: /etc/redress/redress.yaml:[0-9]*:[0-9]*: reports.sign_key: .*no such secret key in keyring $T/home/.gnupg" \
    "$T/daemon.log"
sleep 0.5
check "... and the daemon still runs" kill -0 "$DPID"
cp "$T/good.yaml" "$C"
tap_done
