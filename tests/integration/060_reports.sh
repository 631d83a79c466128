#!/bin/sh
# Reports as mail readers and abuse desks see them: a signed draft written
# into the Maildir outbox by the real report/MIME/signing code is checked
# with gpg --verify over the exact signed part (RFC 3156), its micalg
# matches the hash gpg used, and hostile network names inject no header.
# Every draft is checked against the published X-ARF 0.2 specification
# and schemata and the abusix/xarf JSON schemas (tests/lib/xarf_validate.py).
. "$(dirname "$0")/../lib/tap.sh"
skip() {	# skip N REASON
	_i=0
	while [ "$_i" -lt "$1" ]; do
		_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $2"
		_i=$((_i + 1))
	done
}
. "$(dirname "$0")/../lib/gpg.sh"
TOOL="$BUILD/tests/tools/report_draft"
[ -x "$TOOL" ] || skip_all "no $TOOL (make the test tools)"
command -v gpg >/dev/null 2>&1 || skip_all "no gpg"
plan 31
T=$(mktemp -d /tmp/redress-t060.XXXXXX)
trap 'gpg_cleanup; rm -rf "$T"' EXIT INT TERM

gpg_setup "$T"; ok $? "throwaway signing key made"

# split.py MSG DIR: writes DIR/signed (the first part of the top-level
# multipart/signed, exact bytes with CRLF line ends as RFC 3156 says),
# DIR/sig, DIR/micalg and DIR/headers.
cat > "$T/split.py" <<'PY'
import re, sys
raw = open(sys.argv[1], 'rb').read()
d = sys.argv[2]
hdr, _, body = raw.partition(b'\n\n')
open(d + '/headers', 'wb').write(hdr + b'\n')
unfolded = re.sub(rb'\n[ \t]+', b' ', hdr)
ct = [l for l in unfolded.split(b'\n') if l.lower().startswith(b'content-type:')][0]
m = re.search(rb'micalg="?([^";\s]+)', ct)
open(d + '/micalg', 'wb').write(m.group(1) if m else b'')
b = re.search(rb'boundary="?([^";\s]+)', ct).group(1)
parts = body.split(b'\n--' + b)
signed = parts[0].split(b'--' + b + b'\n', 1)[1] if parts[0].startswith(b'--' + b) else parts[0]
if body.startswith(b'--' + b):
    first = body[len(b'--' + b) + 1:].split(b'\n--' + b, 1)[0]
else:
    first = signed
open(d + '/signed', 'wb').write(first.replace(b'\n', b'\r\n'))
sigpart = parts[1].lstrip(b'\n')
sh, _, sb = sigpart.partition(b'\n\n')
open(d + '/sig', 'wb').write(sb)
PY

MSG=$("$TOOL" "$T/outbox" templates reports@example.org abuse@casema.net \
    casema.net "$GPG_FPR" 2>"$T/err")
ok $? "signed draft written to the outbox"
[ -s "$T/err" ] && sed 's/^/# /' "$T/err"
case "$MSG" in "$T/outbox/new/"*) ok 0 "draft is in outbox/new";;
*) ok 1 "draft is in outbox/new ($MSG)";; esac
python3 "$T/split.py" "$MSG" "$T" 2>"$T/err"; ok $? "message parses as multipart/signed"
gpg --batch --status-fd 1 --verify "$T/sig" "$T/signed" >"$T/verify" 2>&1
ok $? "gpg --verify accepts the signature over the exact signed part"
check "signature is by our key" grep -q "VALIDSIG $GPG_FPR" "$T/verify"
algo=$(awk '$2 == "VALIDSIG" { print $10 }' "$T/verify")
case "$algo" in 8) want=pgp-sha256;; 10) want=pgp-sha512;; 9) want=pgp-sha384;;
11) want=pgp-sha224;; 2) want=pgp-sha1;; *) want="algo-$algo";; esac
is "$(cat "$T/micalg")" "$want" "micalg names the hash gpg used"
check "Auto-Submitted header" grep -q '^Auto-Submitted: auto-generated' "$T/headers"
check "X-XARF header: SECURE when signed" grep -q '^X-XARF: SECURE' "$T/headers"
check "subject names service, kind, network and source" grep -q \
    '^Subject: \[SECURITY\] FTP exploit attempt from casema.net (212.64.110.94)' \
    "$T/headers"

check "the signed part is the X-ARF container xarf.eml" \
    grep -q '^Content-Type: message/rfc822; name=xarf.eml' "$T/signed"
check "the container holds the PLAIN message" grep -q '^X-XARF: PLAIN' \
    "$T/signed"

# A modified signed part must not verify.
sed -i 's/212.64.110.94/212.64.110.95/' "$T/signed"
gpg --batch --verify "$T/sig" "$T/signed" >/dev/null 2>&1
is "$?" 1 "a changed message fails verification"

# Hostile network name (as a PTR or whois field could carry).
MSG=$("$TOOL" "$T/outbox" templates reports@example.org abuse@evil.example \
    "$(printf 'evil.example\r\nBcc: victim@example.net')" 2>"$T/err")
ok $? "draft with a hostile network name written"
if grep -qi '^Bcc:' "$MSG"; then ok 1 "no Bcc header injected"
else ok 0 "no Bcc header injected"; fi

# The review commands on report rows the tool records in a fresh store.
DB="$T/state.db"
out=$(REDRESS_TEST_STORE="$DB" "$TOOL" "$T/outbox" templates \
    reports@example.org abuse@casema.net casema.net "$GPG_FPR")
ok $? "draft recorded in the store"
ID1=${out##* }
out=$(REDRESS_TEST_STORE="$DB" "$TOOL" "$T/outbox" templates \
    reports@example.org abuse@other.example other.example)
ID2=${out##* }
out=$(REDRESS_TEST_STORE="$DB" "$TOOL" "$T/outbox" templates \
    reports@example.org abuse@third.example third.example)
ID3=${out##* }
"$REDRESS" queue --store "$DB" list >"$T/list" 2>&1
ok $? "queue list"
is "$(grep -c ' draft ' "$T/list")" 3 "three drafts listed"
"$REDRESS" queue --store "$DB" show "$ID1" >"$T/show" 2>&1
ok $? "queue show"
check "show prints the message" grep -q '^Subject: *\[SECURITY\] FTP exploit' "$T/show"
"$REDRESS" queue --store "$DB" approve "$ID1" >/dev/null 2>&1
ok $? "queue approve"
"$REDRESS" queue --store "$DB" approve "$ID1" >/dev/null 2>"$T/err"
is "$?" 1 "approving twice fails"
check "and says why" grep -q "is approved, not a draft" "$T/err"
"$REDRESS" queue --store "$DB" reject "$ID2" --reason "wrong desk" >/dev/null 2>&1
ok $? "queue reject with a reason"
"$REDRESS" queue --store "$DB" show "$ID2" | grep -q '^Reason: *wrong desk'
ok $? "the reason is kept"
"$REDRESS" queue --store "$DB" approve --all >/dev/null 2>&1
ok $? "queue approve --all"
is "$("$REDRESS" queue --store "$DB" list --state approved | grep -c ' approved ')" 2 \
    "two approved, the rejected one stays rejected"

# X-ARF: every draft written above (signed: SECURE; unsigned: PLAIN) and
# a brute force (login-attack) and a scan (XARF JSON only) validate.
VAL=tests/lib/xarf_validate.py
XS="${SHARED:-../shared}/reference/xarf"
REDRESS_TEST_KIND=brute-force "$TOOL" "$T/outbox" templates \
    reports@example.org abuse@casema.net casema.net "$GPG_FPR" >/dev/null
REDRESS_TEST_KIND=scan "$TOOL" "$T/outbox" templates \
    reports@example.org abuse@casema.net casema.net >/dev/null
if [ -d "$XS" ]; then
	n=$(ls "$T/outbox/new" | wc -l)
	python3 "$VAL" --schemas "$XS" "$T/outbox" >"$T/valid" 2>&1
	ok $? "all $n drafts are valid X-ARF / XARF JSON"
	sed 's/^/# /' "$T/valid" | tail -n 3
	check "signed and unsigned X-ARF 0.2 were among them" sh -c \
	    "grep -q 'X-XARF SECURE login-attack' '$T/valid' &&
	     grep -q 'X-XARF PLAIN malware-attack' '$T/valid' &&
	     grep -q 'XARF JSON 3 PortScan' '$T/valid'"
	# The checker fails what the specification forbids.
	m=$(grep -l '^X-XARF: SECURE' "$T"/outbox/new/* | head -1)
	sed '0,/^X-XARF: SECURE/s//X-XARF: PLAIN/' "$m" >"$T/bad1"
	python3 "$VAL" --schemas "$XS" "$T/bad1" >"$T/bad1.out" 2>&1
	is "$?" 1 "X-XARF: PLAIN on a signed message is refused"
	check "and named" grep -q 'PLAIN is multipart/signed' "$T/bad1.out"
else
	skip 4 "no X-ARF schemas in $XS (../shared absent)"
fi
tap_done
