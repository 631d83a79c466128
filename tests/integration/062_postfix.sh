#!/bin/sh
# Delivery through a real MTA: Debian's Postfix (tests/lib/postfix.sh) with
# STARTTLS (TLS 1.3 allowed, so it sends session tickets), SASL AUTH and a
# self-signed certificate. N (default 100) signed reports, one session
# each, with Postfix at real-time priority on the same CPU as the mailer
# so that its NewSessionTicket is on the socket before the client's first
# write after the handshake (the race that stalled the libESMTP mailer).
# All arrive once, intact, their PGP/MIME signatures verifying at the
# receiving Maildir; the time from the relay's 250 to our commit is
# printed.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/gpg.sh"
. "$(dirname "$0")/../lib/postfix.sh"
TOOL="$BUILD/tests/tools/report_draft"
ONCE="$BUILD/tests/tools/mailer_once"
N=${N:-100}
[ -x "$TOOL" ] && [ -x "$ONCE" ] || skip_all "test tools not built"
pf_available || skip_all "needs root and Debian's postfix + sasl2-bin"
command -v gpg >/dev/null 2>&1 || skip_all "no gpg"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
plan 14
T=$(mktemp -d /tmp/redress-t062.XXXXXX)
trap 'pf_stop; gpg_cleanup; rm -rf "$T"' EXIT INT TERM
gpg_setup "$T"
# The race needs the relay to run first: same CPU, real-time priority.
WRAP=
if taskset -c 0 true 2>/dev/null && chrt -f 10 true 2>/dev/null; then
	WRAP="taskset -c 0"
	PF_WRAP="taskset -c 0 chrt -f 10"
else
	diag "no taskset/chrt: the race is left to chance"
fi
PORT=$(free_port)
PF_SMTPS_PORT=$(free_port)
pf_start "$T/pf" "$PORT" reporter s3cret
ok $? "postfix started on 127.0.0.1:$PORT (STARTTLS, SASL)"
[ -n "$PF_PID" ] || { sed 's/^/# /' "$T/pf/start.log"; tap_done; }
printf 'reporter\ns3cret\n' >"$T/auth"
chmod 600 "$T/auth"
cat >"$T/r.yaml" <<YAML
reports:
  from: reports@example.org
smtp:
  relay: localhost
  port: $PORT
  tls: starttls
  require_tls: true
  ca_file: $PF_CERT
  auth_file: $T/auth
  timeout: 5s
  backoff_min: 0s
  backoff_max: 0s
  per_hour: 100000
  per_domain_per_hour: 100000
YAML
DB="$T/state.db"
T0=$(date +%s)
i=0
while [ $i -lt "$N" ]; do
	i=$((i + 1))
	REDRESS_TEST_STORE="$DB" "$TOOL" "$T/outbox" templates \
	    reports@example.org "abuse@net$i.example" "net$i.example" \
	    "$GPG_FPR" >>"$T/drafts" 2>>"$T/err" || break
done
is "$(wc -l <"$T/drafts")" "$N" "$N signed drafts written"
diag "drafts written in $(($(date +%s) - T0)) s"
# One report per session: each is a new STARTTLS handshake.
START=$(date +%s)
awk '{ print $2 }' "$T/drafts" | while read -r ID; do
	"$REDRESS" queue --store "$DB" approve "$ID" >/dev/null
	# shellcheck disable=SC2086
	timeout 60 $WRAP "$ONCE" "$T/r.yaml" "$DB" >/dev/null 2>>"$T/once.log"
done
END=$(date +%s)
diag "$N sessions in $((END - START)) s"
is "$(sqlite3 "$DB" "SELECT count(*) FROM report WHERE state = 'sent'")" \
    "$N" "all $N recorded as sent"
sqlite3 "$DB" "SELECT id, state, last_error FROM report WHERE state != 'sent'" |
    head -5 | sed 's/^/# /'
pf_settled 60
ok $? "postfix delivered its whole queue"
T0=$(date +%s)
is "$(pf_count)" "$N" "$N messages in the receiving Maildir"
# The message's own Message-ID: the first one (a signed X-ARF report
# carries the same one again in its message/rfc822 part).
for f in "$PF_MAILDIR"/new/* "$PF_MAILDIR"/cur/*; do
	[ -f "$f" ] && grep -i -m1 '^Message-Id:' "$f"
done | sort | uniq -d >"$T/dups"
is "$(wc -l <"$T/dups")" 0 "no Message-ID arrived twice"
# Intact: the body that arrived is the outbox's, byte for byte, and the
# signature verifies with the real gpg at the receiving end.
# (pgpmime_verify.py's check, one process for all: gpg --verify over the
# exact signed part of each multipart/signed message)
python3 - "$PF_MAILDIR" >"$T/unverified" 2>&1 <<'PY'
import email, email.policy, glob, os, subprocess, sys, tempfile
with tempfile.TemporaryDirectory() as d:
    for f in sorted(glob.glob(os.path.join(sys.argv[1], "*", "*"))):
        raw = open(f, "rb").read()
        m = email.message_from_bytes(raw, policy=email.policy.compat32)
        if m.get_content_type() != "multipart/signed":
            print("not multipart/signed:", f)
            continue
        b = ("--" + m.get_boundary()).encode()
        body = raw.split(b"\n\n", 1)[1]
        first = body.split(b + b"\n", 1)[1].split(b"\n" + b, 1)[0]
        signed, sig = os.path.join(d, "signed"), os.path.join(d, "sig")
        open(signed, "wb").write(first.replace(b"\n", b"\r\n"))
        open(sig, "wb").write(m.get_payload()[1].get_payload(decode=True))
        r = subprocess.run(["gpg", "--batch", "--no-auto-check-trustdb",
                            "--verify", sig, signed], capture_output=True)
        if r.returncode != 0:
            print("does not verify:", f)
PY
sed 's/^/# /' "$T/unverified" | head -5
is "$(wc -l <"$T/unverified")" 0 "every signature verifies at the receiving Maildir"
diag "verified in $(($(date +%s) - T0)) s"
sqlite3 "$DB" "SELECT path FROM report" >"$T/paths"
python3 - "$T/paths" "$PF_MAILDIR" >"$T/cmp" 2>&1 <<'PY'
import email, glob, os, sys
got = {}
for f in glob.glob(os.path.join(sys.argv[2], "new", "*")) + \
        glob.glob(os.path.join(sys.argv[2], "cur", "*")):
    raw = open(f, "rb").read()
    mid = email.message_from_bytes(raw)["Message-ID"].strip()
    got[mid] = raw.split(b"\n\n", 1)[1]
bad = 0
for line in open(sys.argv[1]):
    path = line.split()[0]
    raw = open(path, "rb").read()
    mid = email.message_from_bytes(raw)["Message-ID"].strip()
    if got.get(mid) != raw.split(b"\n\n", 1)[1]:
        bad += 1
        print("differs or missing:", mid)
print(bad)
PY
is "$(tail -1 "$T/cmp")" 0 "every body arrived byte for byte as reviewed"
# The outbox in a mail reader: every sent report is flagged S in cur/.
is "$(find "$T/outbox/cur" -name 'redress-*:2,S' | wc -l)" "$N" \
    "the outbox shows all $N as sent (cur/redress-ID:2,S)"
# No session waited for a timeout: Postfix saw each EHLO after STARTTLS.
is "$(grep -c 'disconnect from .* ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1' \
    "$PF_DIR/maillog")" "$N" "every session: EHLO, STARTTLS, EHLO, AUTH, one message, QUIT"
# The EHLO name: this host's FQDN, else the From domain (never a bare name).
FQDN=$(getent ahosts "$(hostname)" | awk 'NR == 1 { print $3 }')
case "$FQDN" in *.*) ;; *) FQDN=example.org ;; esac
F=$(find "$PF_MAILDIR/new" -type f | head -1)
check "EHLO name $FQDN in Postfix's Received: header" \
    grep -q "^Received: from $FQDN (localhost \[127.0.0.1\])" "$F"
is "$(grep -c 'TLS connection established from localhost.*: TLSv1.3 ' "$PF_DIR/maillog")" \
    "$N" "every session was TLS 1.3"
# Implicit TLS (smtp.tls: tls, Postfix's smtps wrapper mode) works too.
sed -e "s/port: $PORT/port: $PF_SMTPS_PORT/" -e "s/tls: starttls/tls: tls/" \
    "$T/r.yaml" >"$T/smtps.yaml"
REDRESS_TEST_STORE="$DB" "$TOOL" "$T/outbox" templates reports@example.org \
    abuse@smtps.example smtps.example "$GPG_FPR" >"$T/smtps.draft" 2>>"$T/err"
SID=$(awk '{ print $2 }' "$T/smtps.draft")
"$REDRESS" queue --store "$DB" approve "$SID" >/dev/null
timeout 60 "$ONCE" "$T/smtps.yaml" "$DB" >/dev/null 2>>"$T/once.log"
is "$(sqlite3 "$DB" "SELECT state FROM report WHERE id = $SID")" sent \
    "smtp.tls: tls (implicit TLS, port $PF_SMTPS_PORT): sent"
pf_settled 30
check "it arrived" grep -rlq '^To: abuse@smtps.example' "$PF_MAILDIR/new"
# The window in which a crash would repeat a message.
grep -o 'recorded [0-9]* us after' "$T/once.log" | awk '{ print $2 }' |
    sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "# 250-to-commit window over %d messages: min %d us, median %d us, max %d us\n", NR, v[1], v[int((NR + 1) / 2)], v[NR] }'
tap_done
