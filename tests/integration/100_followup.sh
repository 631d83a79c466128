#!/bin/sh
# Follow-up of sent reports with real components: the sample alerts are
# drafted (run --once against loopback registry servers), approved and
# sent through a loopback SMTP relay; then a bounce, an auto-ack with a
# ticket number, a person's reply, a forged reply and hostile files are
# delivered into the reply Maildir the way an MTA does, and `redress
# followup scan` threads them: the thread in `queue show` and
# `incident`, the bounced address in the contact cache, the draft to the
# next candidate waiting for review (never sent on its own), closing by
# hand and after close_after.
. "$(dirname "$0")/../lib/tap.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ONCE="$BUILD/tests/tools/mailer_once"
[ -x "$ONCE" ] || skip_all "test tools not built"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
"$PY" -c "import aiosmtpd" 2>/dev/null || skip_all "no python3-aiosmtpd"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3"
plan 48
T=$(mktemp -d /tmp/redress-t100.XXXXXX)
SINK=
cleanup() {
	[ -n "$SINK" ] && kill "$SINK" 2>/dev/null && wait "$SINK" 2>/dev/null
	[ -f "$T/registry/registry.pids" ] &&
	    kill $(cat "$T/registry/registry.pids") 2>/dev/null
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
FIX="$REPO/tests/data/followup"
sh "$REPO/tests/servers/registry_up.sh" "$REPO/demo/data/registry" \
    "$T/registry" >"$T/registry.log" 2>&1
ok $? "loopback whois/RDAP servers"
PORT=$(free_port)
mkdir -p "$T/mail" "$T/state" "$T/replies/new" "$T/replies/cur" \
    "$T/replies/tmp"
"$PY" tests/servers/smtp_sink.py --port "$PORT" --dir "$T/mail" \
    2>"$T/sink.err" &
SINK=$!
wait_for 10 test -f "$T/mail/ready"
ok $? "loopback SMTP relay"
cp "$REPO/demo/data/eve.json" "$T/eve.json"
conf() {	# conf CLOSE_AFTER REPEAT_AFTER (reports.repeat_after)
	cat <<EOF
general:
  state_dir: $T/state
  pid_file: $T/state/redress.pid
  log_level: info
  sensor_name: sensor1.example.org
  allow_root: true
  dry_run: true
inputs:
  - type: eve
    path: $T/eve.json
policy:
  home_net: [203.0.113.0/24]
  upstream: abuse@our-isp.example
reports:
  name: "Jane Doe"
  organisation: "Example Org"
  from: "abuse-reports@example.org"
  team_address: "security@example.org"
  upstream_address: "abuse@our-isp.example"
  templates: $REPO/templates
  outbox: $T/outbox
  timezone: UTC
  repeat_after: $2
smtp:
  relay: 127.0.0.1
  port: $PORT
  tls: none
  require_tls: false
  timeout: 5s
followup:
  maildirs: [$T/replies]
  close_after: $1
EOF
	cat "$T/registry/resolver.yaml"
}
conf 30d 7d >"$T/redress.yaml"
conf 3s 7d >"$T/quick.yaml"
conf 30d 1s >"$T/later.yaml"
DB="$T/state/state.db"
q() { sqlite3 "$DB" "$1" 2>/dev/null; }
R() { "$REDRESS" -c "$T/redress.yaml" "$@"; }
R check-config >"$T/err" 2>&1
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/err"
is "$rc" 0 "configuration with a followup section checks"
printf 'reports:\n  from: a@example.org\nfollowup:\n  maildirs: [%s/none]\n  close_after: soon\n' \
    "$T" >"$T/bad.yaml"
"$REDRESS" -c "$T/bad.yaml" check-config >"$T/bad.err" 2>&1
check "a missing Maildir and a bad duration are both named with file:line:col" \
    sh -c "grep -q 'bad.yaml:4:[0-9]*: .*none: not a Maildir' '$T/bad.err' &&
    grep -q 'bad.yaml:5:16: followup.close_after' '$T/bad.err'"
timeout 120 "$REDRESS" -c "$T/redress.yaml" run --once >"$T/out" 2>"$T/err"
is "$?" 0 "run --once drafts the sample's reports"

rid() { q "select id from report where rcpt like '$1%' order by id limit 1"; }
MX=$(rid operacion.redes@triara.com)   # one recipient: will bounce
BT=$(rid protect@bt.com)                # will acknowledge and answer
[ -n "$MX" ] && [ -n "$BT" ]; ok $? "reports to Triara ($MX) and BT ($BT)"
R queue approve "$MX" "$BT" >/dev/null 2>&1
"$ONCE" "$T/redress.yaml" "$DB" >"$T/once" 2>&1
is "$(q "select count(*) from report where state = 'sent'")" 2 \
    "both sent through the relay"
is "$(ls "$T/mail"/msg-*.eml | wc -l)" 2 "the relay received two messages"
mid() { q "select message_id from report where id = $1"; }
MXID=$(mid "$MX") BTID=$(mid "$BT")
NOMID='<redress.1.0123456789abcdef@example.org>'
# A fixture as the desk would send it about report (MID, address, domain).
as_sent() {	# as_sent FIXTURE MID ADDR DOMAIN FILE
	sed -e "s/$NOMID/$2/g" -e "s/abuse@one\.example/$3/g" \
	    -e "s/one\.example/$4/g" "$FIX/$1" >"$T/replies/tmp/$5" &&
	    mv "$T/replies/tmp/$5" "$T/replies/new/$5"
}
n=0
deliver() { n=$((n + 1)); as_sent "$1" "$2" "$3" "$4" "1733100000.M${n}P1.mx"; }

deliver postfix-dsn-real.eml "$MXID" operacion.redes@triara.com triara.com
deliver autoack-otrs.eml "$BTID" zzdnsr@bt.com bt.com
deliver human-reply.eml "$BTID" zzdnsr@bt.com bt.com
# Forged: someone who saw the report answers in its name.
printf 'From: owner@attacker.example\nSubject: Re: report\nMessage-ID: <f@attacker.example>\nIn-Reply-To: %s\nReferences: %s\n\nIt was not me. Close it.\n' \
    "$BTID" "$BTID" >"$T/replies/new/1733100100.M9P1.mx"
# Hostile: a bare CR that would smuggle a header; more than 10 MB.
printf 'From: zzdnsr@bt.com\r\nSubject: Re: x\r\n\rBcc: victim@else.example\r\nMessage-ID: <h@bt.com>\r\nIn-Reply-To: %s\r\n\r\nok\r\n' \
    "$BTID" >"$T/replies/new/1733100101.M10P1.mx"
head -c 11000000 /dev/zero | tr '\0' x >"$T/replies/new/1733100102.M11P1.mx"
R followup scan >"$T/scan" 2>"$T/scan.err"
is "$?" 0 "followup scan"
is "$(cat "$T/scan")" \
    "read 6, threaded 4, not attached 1, unreadable 1, re-routed 1, closed 0" \
    "six read: four threaded, the forged one not, the huge one unreadable"
is "$(ls "$T/replies/new" | wc -l)" 0 "new/ is empty"
is "$(ls "$T/replies/cur" | grep -c ':2,S$')" 4 "handled ones moved to cur/ with S"
is "$(ls "$T/replies/cur" | grep -c ':2,F$')" 2 "the others flagged F for a person"
check "the forged reply is reported with its file name" \
    grep -q 'M9P1.mx: reply from owner@attacker.example refers to report' "$T/scan.err"
check "the bare CR is reported with its file name" \
    grep -q 'M10P1.mx: a bare CR in the header' "$T/scan.err"
check "the huge file is reported with its file name" \
    grep -q 'M11P1.mx: 11000000 bytes' "$T/scan.err"

# The bounce: the address is undeliverable, a new draft to the next
# candidate (RFC 2142 abuse@ of the network's domain) waits for review.
is "$(q "select status from contact_bounce where email = 'operacion.redes@triara.com'")" \
    5.1.1 "the bounced address is marked undeliverable (5.1.1)"
R queue show "$MX" >"$T/show.mx"
check "report $MX: the thread says bounced" grep -q '^Thread: *bounced' "$T/show.mx"
NEW=$(q "select rerouted_to from thread where report_id = $MX")
check "report $MX: the re-routed draft is named" grep -q "^Rerouted: *report $NEW " "$T/show.mx"
is "$(q "select state || ' ' || rcpt || ' ' || low_confidence from report where id = $NEW")" \
    "draft abuse@triara.com 1" "draft $NEW to abuse@triara.com, low-confidence, not approved"
em=$(q "select path from report where id = $NEW")
check "its message is in the outbox, addressed to the next candidate" \
    grep -q '^To: abuse@triara.com' "$em"
"$ONCE" "$T/redress.yaml" "$DB" >/dev/null 2>&1
is "$(ls "$T/mail"/msg-*.eml | wc -l)" 2 "nothing is resent on its own"

# The acknowledgement and the reply: one thread, the desk's ticket.
R queue show "$BT" >"$T/show.bt"
check "report $BT: answered, three messages, the desk's ticket" \
    grep -q '^Thread: *answered, 3 messages, ticket Ticket#2024120210000087' "$T/show.bt"
check "the ack is in the thread" grep -q ' ack  *zzdnsr@bt.com' "$T/show.bt"
check "the reply is in the thread" grep -q ' reply  *m.mustermann@bt.com' "$T/show.bt"
check "the forged sender is not" sh -c "! grep -q attacker '$T/show.bt'"
inc=$(q "select incident_id from report_incident where report_id = $BT limit 1")
R incident "$inc" >"$T/inc" 2>&1
check "incident $inc shows the thread" grep -q '^Thread: *answered' "$T/inc"
is "$(q "select count(*) from thread_msg where subject glob '*[$(printf '\r')]*'")" 0 \
    "no CR stored from the hostile header"

# Delivered again (a second copy in new/): recorded once.
deliver human-reply.eml "$BTID" zzdnsr@bt.com bt.com
R followup scan >/dev/null 2>&1
is "$(q "select messages from thread where report_id = $BT")" 3 \
    "the same reply twice is recorded once"

# The attackers come back ten days later, after reports.repeat_after
# (1s in later.yaml): BT's desk answered, so the new evidence is a
# follow-up in its thread; Triara's address bounced, so its new report
# goes to the next candidate and not to the bounced address.
"$PY" - "$T/eve.json" >"$T/again.json" <<'PYEOF'
import json, sys, datetime
for line in open(sys.argv[1]):
    j = json.loads(line)
    if j.get("src_ip") not in ("62.239.237.1", "200.57.141.161"):
        continue
    for k in ("timestamp",):
        t = datetime.datetime.strptime(j[k], "%Y-%m-%dT%H:%M:%S.%f%z")
        j[k] = (t + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%S.%f%z")
    j.get("flow", {}).pop("start", None)
    print(json.dumps(j))
PYEOF
sleep 2
cat "$T/again.json" >>"$T/eve.json"
# The daemon reads the reply Maildir too: an ARF report from BT waits there.
deliver arf-feedback.eml "$BTID" zzdnsr@bt.com bt.com
before=$(q "select max(id) from report")
timeout 120 "$REDRESS" -c "$T/later.yaml" run --once >"$T/out2" 2>"$T/err2"
is "$?" 0 "run --once over the returning sources"
is "$(q "select count(*) from thread_msg where report_id = $BT and kind = 'feedback'")" 1 \
    "the daemon's follow-up executor filed the ARF report in the thread"
FU=$(q "select id from report where id > $before and rcpt like 'protect@bt.com%'")
[ -n "$FU" ]; ok $? "a new draft to BT's desk ($FU)"
is "$(q "select state || ' ' || in_reply_to from report where id = '$FU'")" \
    "draft $BTID" "it is a follow-up In-Reply-To the first report, waiting for review"
fm=$(q "select path from report where id = '$FU'")
check "its subject carries the desk's ticket number" \
    grep -q '^Subject: \[Ticket#2024120210000087\] ' "$fm"
check "it has In-Reply-To and References of the first report" \
    sh -c "grep -qi '^In-Reply-To: $BTID' '$fm' && grep -qi '^References: $BTID' '$fm'"
R queue show "$FU" >"$T/show.fu"
check "its text says what it follows, with the new log lines" \
    sh -c "grep -q '^This follows our report of .*your ticket Ticket#2024120210000087' '$T/show.fu' &&
    grep -q '^  2026-11-30 .* 62\.239\.237\.1:' '$T/show.fu' &&
    ! grep -q '^  2026-11-20 ' '$T/show.fu'"
R queue show "$BT" >"$T/show.bt2"
check "the thread names the follow-up" grep -q "^Follow-up: *report $FU" "$T/show.bt2"
MX2=$(q "select id from report where id > $before and rcpt not like 'protect@bt.com%' and kind <> 'compromise' and exists (select 1 from report_incident where report_id = report.id and src = '200.57.141.161')")
is "$(q "select rcpt || ' ' || low_confidence || ' ' || in_reply_to from report where id = '$MX2'")" \
    "abuse@triara.com 1 " "the bounced desk gets no follow-up: a new draft to the next candidate"

# Closing by hand.
R queue close "$BT" >/dev/null 2>&1
is "$?" 2 "queue close needs --reason"
R queue close "$BT" --reason "customer disconnected" >/dev/null 2>&1
is "$?" 0 "queue close $BT --reason"
R queue show "$BT" | grep -q '^Closed: .*customer disconnected'
ok $? "queue show: closed, with the reason"
R queue close "$BT" --reason again >/dev/null 2>&1
is "$?" 1 "closing twice is refused"
DR=$(q "select id from report where state = 'draft' order by id limit 1")
R queue close "$DR" --reason x >/dev/null 2>"$T/cl.err"
is "$?" 1 "a draft has no thread to close"

# Closing by itself: the sources are quiet (their alerts are old).
is "$(q "select count(*) from thread where closed_usec = 0")" 1 \
    "one thread still open"
sleep 4
"$REDRESS" -c "$T/quick.yaml" followup scan >"$T/scan2" 2>&1
check "scan with close_after 3s closes it" grep -q 'closed 1$' "$T/scan2"
is "$(q "select close_reason from thread where report_id = $MX")" \
    "the source stayed quiet for 3s" "the reason is recorded"
is "$(q "select count(*) from thread")" 2 "closed threads are kept"
R followup list >"$T/list" 2>&1
is "$(grep -c '^Thread: ' "$T/list")" 2 "followup list prints both threads"
tap_done
