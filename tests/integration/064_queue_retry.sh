#!/bin/sh
# `redress queue retry` and `queue list --json`. A report whose file a
# root edit left root:root 0600 fails in a mailer running as the daemon's
# user (here nobody); `queue retry ID`, run as root, gives the file back
# to the outbox's owner (0640), queues the report, and the next pass
# sends it. The JSON list is valid, one object per report, ISO 8601 times.
. "$(dirname "$0")/../lib/tap.sh"
TOOL="$BUILD/tests/tools/report_draft"
ONCE="$BUILD/tests/tools/mailer_once"
[ -x "$TOOL" ] && [ -x "$ONCE" ] || skip_all "test tools not built"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
"$PY" -c "import aiosmtpd" 2>/dev/null || skip_all "no python3-aiosmtpd"
[ "$(id -u)" = 0 ] || skip_all "needs root (a file owned by root, a mailer as nobody)"
command -v setpriv >/dev/null 2>&1 || skip_all "no setpriv"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
plan 9
T=$(mktemp -d /tmp/redress-t064.XXXXXX)
SINK=
trap '[ -n "$SINK" ] && kill "$SINK" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
chmod 755 "$T"
NOBODY=$(id -u nobody)
NOGROUP=$(id -g nobody)
AS_NOBODY="setpriv --reuid $NOBODY --regid $NOGROUP --clear-groups"
PORT=$(free_port)
mkdir -p "$T/mail" "$T/state"
"$PY" tests/servers/smtp_sink.py --port "$PORT" --dir "$T/mail" 2>"$T/sink.err" &
SINK=$!
wait_for 10 test -f "$T/mail/ready"
cat >"$T/r.yaml" <<YAML
reports:
  from: reports@example.org
smtp:
  relay: 127.0.0.1
  port: $PORT
  tls: none
  require_tls: false
  timeout: 5s
  backoff_min: 0s
  backoff_max: 0s
YAML
DB="$T/state/state.db"
ID=$(REDRESS_TEST_STORE="$DB" "$TOOL" "$T/outbox" templates \
    reports@example.org abuse@one.example example.net | awk '{ print $2 }')
"$REDRESS" queue --store "$DB" approve "$ID" >/dev/null
F=$(sqlite3 "$DB" "SELECT path FROM report WHERE id = $ID")
# The daemon's user owns the state and the outbox; a root edit did not.
chown -R "$NOBODY:$NOGROUP" "$T/state" "$T/outbox"
chown root:root "$F"
chmod 600 "$F"
state() { sqlite3 "$DB" "SELECT state FROM report WHERE id = $ID"; }
$AS_NOBODY "$ONCE" "$T/r.yaml" "$DB" >/dev/null 2>&1
is "$(state)" failed "a file the daemon's user cannot read: failed"
"$REDRESS" queue --store "$DB" list --json >"$T/list.json"
ok $? "queue list --json"
"$PY" - "$T/list.json" "$ID" >"$T/json.out" 2>&1 <<'PY'
import json, re, sys
a = json.load(open(sys.argv[1]))
r = [o for o in a if o["id"] == int(sys.argv[2])][0]
assert r["state"] == "failed", r
assert "Permission denied" in r["last_error"], r
assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", r["created"]), r
assert r["rcpt"] == "abuse@one.example" and r["file"].endswith(":2,F"), r
print("ok")
PY
sed "s/^/# /" "$T/json.out" | grep -v "^# ok" | tail -3
is "$(tail -1 "$T/json.out")" ok "JSON: state, error, ISO 8601 time, rcpt, file flagged F"
"$REDRESS" queue --store "$DB" retry 999 >/dev/null 2>&1
is $? 1 "retry of a report that does not exist: an error"
F=$(sqlite3 "$DB" "SELECT path FROM report WHERE id = $ID")
"$REDRESS" queue --store "$DB" retry "$ID" >"$T/retry.out" 2>&1
ok $? "queue retry $ID"
is "$(stat -c '%u:%g %a' "$(sqlite3 "$DB" "SELECT path FROM report WHERE id = $ID")")" \
    "$NOBODY:$NOGROUP 640" "the file is the outbox owner's again, 0640"
is "$(state)" queued "queued again"
$AS_NOBODY "$ONCE" "$T/r.yaml" "$DB" >/dev/null 2>&1
is "$(state)" sent "the next pass, as the daemon's user, sends it"
"$REDRESS" queue --store "$DB" retry "$ID" >/dev/null 2>&1
is $? 1 "a sent report is not retried"
tap_done
