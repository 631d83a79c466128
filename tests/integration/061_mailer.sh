#!/bin/sh
# Delivery of approved reports through a real SMTP server on loopback
# (tests/servers/smtp_sink.py): relay down then up (arrives exactly
# once), a 5xx for one of two recipients (recorded per recipient, the
# other gets it), a row left "sending" by a crash (resent once with the
# same Message-ID), and STARTTLS + AUTH with a self-signed certificate.
. "$(dirname "$0")/../lib/tap.sh"
TOOL="$BUILD/tests/tools/report_draft"
ONCE="$BUILD/tests/tools/mailer_once"
[ -x "$TOOL" ] && [ -x "$ONCE" ] || skip_all "test tools not built"
# The Debian python3 has python3-aiosmtpd; a pyenv python3 first in PATH may not.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
"$PY" -c "import aiosmtpd" 2>/dev/null || skip_all "no python3-aiosmtpd"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
command -v openssl >/dev/null 2>&1 || skip_all "no openssl"
plan 28
T=$(mktemp -d /tmp/redress-t061.XXXXXX)
SINK=
stop_sink() { [ -n "$SINK" ] && kill "$SINK" 2>/dev/null && wait "$SINK" 2>/dev/null; SINK=; }
trap 'stop_sink; rm -rf "$T"' EXIT INT TERM
PORT=$(free_port)
DB="$T/state.db"
mkdir -p "$T/mail"
start_sink() {
	rm -f "$T/mail/ready"
	"$PY" tests/servers/smtp_sink.py --port "$PORT" --dir "$T/mail" "$@" \
	    2>"$T/sink.err" &
	SINK=$!
	wait_for 10 test -f "$T/mail/ready"
}
cat > "$T/r.yaml" <<YAML
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
  max_attempts: 5
YAML
draft() {
	REDRESS_TEST_STORE="$DB" "$TOOL" "$T/outbox" templates \
	    reports@example.org "$1" example.net | awk '{ print $2 }'
}
state() { "$REDRESS" queue --store "$DB" show "$1" | awk '$1 == "State:" { print $2 }'; }

ID=$(draft abuse@one.example)
"$REDRESS" queue --store "$DB" approve "$ID" >/dev/null
is "$("$ONCE" "$T/r.yaml" "$DB" 2>"$T/err")" 1 "relay down: one report handled"
is "$(state "$ID")" queued "relay down: back in the queue"
"$REDRESS" queue --store "$DB" show "$ID" | grep -q '^Error: .*relay 127.0.0.1'
ok $? "the connection error is recorded"
start_sink; ok $? "smtp sink started"
is "$("$ONCE" "$T/r.yaml" "$DB" 2>"$T/err")" 1 "relay up: delivered"
is "$(state "$ID")" sent "state is sent"
is "$("$ONCE" "$T/r.yaml" "$DB" 2>"$T/err")" 0 "nothing left to send"
is "$(ls "$T/mail"/msg-*.eml | wc -l)" 1 "arrived exactly once"
stop_sink

start_sink --fail bad@two.example=550
ID=$(draft "good@two.example, bad@two.example")
"$REDRESS" queue --store "$DB" approve "$ID" >/dev/null
"$ONCE" "$T/r.yaml" "$DB" >/dev/null 2>&1
is "$(state "$ID")" sent "one recipient refused: still sent to the other"
"$REDRESS" queue --store "$DB" show "$ID" | grep -q '^Result: *bad@two.example failed 550'
ok $? "the 550 is recorded for that recipient"
"$REDRESS" queue --store "$DB" show "$ID" | grep -q '^Result: *good@two.example sent 250'
ok $? "the other recipient is recorded as sent"

# A crash while sending: the row stays "sending"; the next start resends
# it once with the same Message-ID.
ID=$(draft abuse@three.example)
"$REDRESS" queue --store "$DB" approve "$ID" >/dev/null
MID=$("$REDRESS" queue --store "$DB" show "$ID" | awk '$1 == "Message-ID:" { print $2 }')
sqlite3 "$DB" "UPDATE report SET state = 'sending', attempts = 1 WHERE id = $ID"
"$ONCE" "$T/r.yaml" "$DB" >/dev/null 2>&1
is "$(state "$ID")" sent "interrupted report resent after restart"
grep -l "three.example" "$T/mail"/msg-*.eml >"$T/found"
is "$(wc -l <"$T/found")" 1 "resent once"
grep -qi "^Message-Id: $MID" "$(cat "$T/found")"
ok $? "with the same Message-ID"
# A crash during that resend (the note of the first one still on the row).
ID=$(draft abuse@four.example)
"$REDRESS" queue --store "$DB" approve "$ID" >/dev/null
sqlite3 "$DB" "UPDATE report SET state = 'sending', attempts = 2,
    last_error = 'interrupted while sending; resending once with the same Message-ID'
    WHERE id = $ID"
"$ONCE" "$T/r.yaml" "$DB" >/dev/null 2>&1
is "$(state "$ID")" failed "interrupted twice: failed, for a person to check"
stop_sink
is "$(grep -c '^DATA from=' "$T/mail/transcript")" 3 "three DATA transactions in all"

# STARTTLS (required) and AUTH with a self-signed certificate we trust
# through smtp.ca_file; credentials from a private file.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
ok $? "self-signed certificate made"
printf 'reporter\ns3cret\n' >"$T/auth"
chmod 600 "$T/auth"
cat > "$T/tls.yaml" <<YAML
reports:
  from: reports@example.org
smtp:
  relay: localhost
  port: $PORT
  tls: starttls
  require_tls: true
  ca_file: $T/cert.pem
  auth_file: $T/auth
  timeout: 20s
  backoff_min: 0s
  backoff_max: 0s
YAML
: >"$T/mail/transcript"
start_sink --tls "$T/cert.pem" "$T/key.pem" --auth reporter:s3cret
ID=$(draft abuse@tls.example)
"$REDRESS" queue --store "$DB" approve "$ID" >/dev/null
# A temporary failure (a slow handshake on a loaded machine) is retried
# as the daemon's mailer would: at most three passes.
for _try in 1 2 3; do
	"$ONCE" "$T/tls.yaml" "$DB" >>"$T/out" 2>&1
	[ "$(state "$ID")" = sent ] && break
done
is "$(state "$ID")" sent "delivered over STARTTLS with AUTH"
[ "$(state "$ID")" = sent ] || { sed 's/^/# /' "$T/out"; "$REDRESS" queue --store "$DB" show "$ID" | grep Error | sed 's/^/# /'; sed 's/^/# sink: /' "$T/sink.err" "$T/mail/transcript"; }
check "the server saw TLS and AUTH" grep -q 'tls=True auth=True' "$T/mail/transcript"
stop_sink

# Without our CA the relay's certificate is refused: nothing is sent.
sed -i "/ca_file/d" "$T/tls.yaml"
start_sink --tls "$T/cert.pem" "$T/key.pem" --auth reporter:s3cret
ID=$(draft abuse@untrusted.example)
"$REDRESS" queue --store "$DB" approve "$ID" >/dev/null
"$ONCE" "$T/tls.yaml" "$DB" >/dev/null 2>&1
is "$(state "$ID")" queued "untrusted certificate: not sent, queued"
is "$(grep -c 'untrusted.example' "$T/mail/transcript")" 0 "no envelope reached the server"
"$REDRESS" queue --store "$DB" show "$ID" | grep '^Error:' >"$T/uerr"
check "the error says the certificate did not verify" \
    grep -q "certificate did not verify (smtp.ca_file)" "$T/uerr"
[ -s "$T/uerr" ] && sed 's/^/# /' "$T/uerr"
stop_sink

# The review command that sends now, with the real binary.
start_sink
ID=$(draft abuse@cli.example)
"$REDRESS" queue --store "$DB" approve "$ID" >/dev/null
"$REDRESS" -c "$T/r.yaml" queue --store "$DB" send >"$T/out" 2>&1
ok $? "queue send"
is "$(state "$ID")" sent "queue send delivered the approved report"
stop_sink

# Hourly limits live in the store: four separate `queue send` runs (four
# processes) together send no more than per_hour, and no more than
# per_domain_per_hour to one domain.
RDB="$T/rate.db"
sed -e "s/max_attempts: 5/max_attempts: 5\n  per_hour: 5\n  per_domain_per_hour: 3/" \
    "$T/r.yaml" >"$T/rate.yaml"
for d in same same same same other1 other2 other3 other4; do
	REDRESS_TEST_STORE="$RDB" "$TOOL" "$T/outbox" templates \
	    reports@example.org "abuse@$d.example" example.net |
	    awk '{ print $2 }'
done >"$T/rate.ids"
while read -r id; do
	"$REDRESS" queue --store "$RDB" approve "$id" >/dev/null
done <"$T/rate.ids"
start_sink
for run in 1 2 3 4; do
	"$REDRESS" -c "$T/rate.yaml" queue --store "$RDB" send >/dev/null 2>&1
done
stop_sink
is "$(sqlite3 "$RDB" "SELECT count(*) FROM report WHERE state = 'sent'")" 5 \
    "per_hour 5 over four queue send runs: 5 sent"
is "$(sqlite3 "$RDB" "SELECT count(*) FROM report WHERE state = 'sent' AND rcpt = 'abuse@same.example'")" \
    3 "per_domain_per_hour 3: 3 of 4 to one domain"
is "$(sqlite3 "$RDB" "SELECT count(*) FROM report WHERE state = 'approved'")" 3 \
    "the rest waits for the next hour"

# A credentials file others can read is refused at configuration time.
chmod 644 "$T/auth"
"$ONCE" "$T/tls.yaml" "$DB" >/dev/null 2>"$T/err"
check "readable auth_file is an error naming file:line" \
    grep -q "tls.yaml:8:.*mode 0644" "$T/err"
tap_done
