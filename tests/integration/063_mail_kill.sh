#!/bin/sh
# Mail is sent once under kill -9: `redress queue send` of N approved
# reports through a real Postfix (STARTTLS, AUTH) is killed KILLS times
# at random moments. After each kill, once Postfix has delivered what it
# accepted, a report that arrived but is not recorded as sent is one the
# kill caught between the relay's 250 and our commit: the only kind that
# may arrive twice. In the end every report arrives, and the duplicates
# are exactly those.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/postfix.sh"
TOOL="$BUILD/tests/tools/report_draft"
N=${N:-304}
KILLS=${KILLS:-12}
[ -x "$TOOL" ] || skip_all "test tools not built"
pf_available || skip_all "needs root and Debian's postfix + sasl2-bin"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
plan 6
T=$(mktemp -d /tmp/redress-t063.XXXXXX)
SEND=
trap '[ -n "$SEND" ] && kill -9 "$SEND" 2>/dev/null; pf_stop; rm -rf "$T"' EXIT INT TERM
PORT=$(free_port)
pf_start "$T/pf" "$PORT" reporter s3cret
ok $? "postfix started"
printf 'reporter\ns3cret\n' >"$T/auth"
chmod 600 "$T/auth"
cat >"$T/r.yaml" <<YAML
reports:
  from: reports@example.org
smtp:
  relay: localhost
  port: $PORT
  ca_file: $PF_CERT
  auth_file: $T/auth
  timeout: 10s
  backoff_min: 0s
  backoff_max: 0s
  per_hour: 100000
  per_domain_per_hour: 100000
YAML
DB="$T/state.db"
i=0
while [ $i -lt "$N" ]; do
	i=$((i + 1))
	REDRESS_TEST_STORE="$DB" "$TOOL" "$T/outbox" templates \
	    reports@example.org "abuse@net$i.example" "net$i.example" \
	    >>"$T/drafts" 2>>"$T/err" || break
done
sqlite3 "$DB" "UPDATE report SET state = 'approved'"
is "$(sqlite3 "$DB" "SELECT count(*) FROM report WHERE state = 'approved'")" \
    "$N" "$N approved reports"
# Message-IDs that arrived (Postfix settled) / that the store says are sent.
arrived() {
	find "$PF_MAILDIR/new" "$PF_MAILDIR/cur" -type f -exec \
	    grep -hi '^Message-Id:' {} + | awk '{ print $2 }' | sort
}
sent() { sqlite3 "$DB" "SELECT message_id FROM report WHERE state = 'sent'" | sort; }
: >"$T/window"
k=0
rounds=0
while [ $k -lt "$KILLS" ] && [ $rounds -lt $((KILLS * 4)) ]; do
	rounds=$((rounds + 1))
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM report WHERE state != 'sent'")" = 0 ] && break
	"$REDRESS" -c "$T/r.yaml" queue --store "$DB" send >>"$T/send.log" 2>&1 &
	SEND=$!
	# 0.08 to 0.3 s: past the start and the resend of an interrupted report
	sleep "$(awk -v s="$$$k" 'BEGIN { srand(s); printf "%.3f", 0.08 + rand() * 0.22 }')"
	if kill -9 "$SEND" 2>/dev/null; then k=$((k + 1)); fi
	wait "$SEND" 2>/dev/null
	SEND=
	pf_settled 30
	# Arrived, not recorded: the kill fell between the 250 and the commit.
	arrived | uniq >"$T/a"
	sent >"$T/s"
	comm -23 "$T/a" "$T/s" >>"$T/window"
	sort -u -o "$T/window" "$T/window"
done
diag "$k kills in $rounds rounds"
# The rest, uninterrupted.
"$REDRESS" -c "$T/r.yaml" queue --store "$DB" send >>"$T/send.log" 2>&1
"$REDRESS" -c "$T/r.yaml" queue --store "$DB" send >>"$T/send.log" 2>&1
pf_settled 30
ok $? "postfix delivered its whole queue"
is "$(sqlite3 "$DB" "SELECT count(*) FROM report WHERE state = 'sent'")" "$N" \
    "all $N recorded as sent"
sqlite3 "$DB" "SELECT id, state, last_error FROM report WHERE state != 'sent'" |
    head -5 | sed 's/^/# /'
is "$(arrived | uniq | wc -l)" "$N" "every report arrived"
arrived | uniq -d >"$T/dups"
diag "$(wc -l <"$T/dups") duplicates; $(wc -l <"$T/window") kills fell between a 250 and its commit"
is "$(cat "$T/dups")" "$(cat "$T/window")" \
    "the only duplicates are reports a kill caught between the relay's 250 and the commit"
tap_done
