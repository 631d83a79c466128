#!/bin/sh
# Who to tell: `redress whois` against loopback whois, RDAP and DNS servers
# (tests/servers/*_fake.py) serving recorded registry answers from
# tests/data/resolve: each registry's sample gives its abuse address, IANA
# and ARIN referrals, an inter-RIR RDAP redirect, PTR with forward
# confirmation, the range cache (one lookup for a /24), a server that never
# answers, one that sends 10 MB of noise, one that says the query limit is
# exceeded, hostile contact fields, and update-bootstrap over HTTP.
. "$(dirname "$0")/../lib/tap.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
"$PY" -c "import dnslib" 2>/dev/null || skip_all "no python3-dnslib"
D=tests/data/resolve
[ -d "$D" ] || skip_all "no $D"
SAMPLES=
if [ -n "$SHARED" ] && [ -d "$SHARED/fixtures/whois" ]; then
	SAMPLES=$(ls "$SHARED/fixtures/whois" | grep -E '^(ripe|arin|apnic|lacnic|afrinic)_' | grep -v 'rate-limit\|_AS')
fi
plan $((60 + $(echo $SAMPLES | wc -w)))
T=$(mktemp -d /tmp/redress-t050.XXXXXX)
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM

# start NAME SCRIPT ARGS...: a server on a free port, its port in $T/NAME.port
start() {
	_n=$1; _s=$2; shift 2
	"$PY" "tests/servers/$_s" --port-file "$T/$_n.port" "$@" \
	    >"$T/$_n.out" 2>&1 &
	PIDS="$PIDS $!"
}
port() { cat "$T/$1.port"; }

# IANA answers: refer each test address to its registry.
refer() { printf '%% IANA WHOIS server\n\nrefer:        %s\n\ninetnum:      %s\n' "$1" "$2" > "$T/iana_$3.txt"; }
refer whois.ripe.net "62.0.0.0 - 62.255.255.255" 62
refer whois.arin.net "74.0.0.0 - 74.255.255.255" 74
refer whois.lacnic.net "200.0.0.0 - 200.255.255.255" 200
refer whois.afrinic.net "196.0.0.0 - 196.255.255.255" 196
refer whois.arin.net "170.0.0.0 - 170.255.255.255" 170
refer whois.hostile.test "192.88.7.0 - 192.88.7.255" 192
refer whois.empty.test "192.88.8.0 - 192.88.8.255" 192e
printf 'inetnum:        192.88.8.0 - 192.88.8.255\nnetname:        NO-CONTACTS\n' > "$T/empty.txt"

# A registry answer with hostile contact fields.
BIG=$("$PY" -c 'print("a" * 4990 + "@evil.test")')
{
	printf 'inetnum:        192.88.7.0 - 192.88.7.255\n'
	printf 'netname:        HOSTILE\r\nBcc: netname@victim.test\n'
	printf 'abuse-mailbox:  abuse@x.test\rBcc: cr@victim.test\n'
	printf 'abuse-mailbox:  first@isp.test\nBcc: lf@victim.test\n'
	printf 'abuse-mailbox:  To: hdr@victim.test\n'
	printf 'OrgAbuseEmail:  %s\n' "$BIG"
	printf 'abuse-mailbox:  First@ISP.test\n'
	printf 'abuse-mailbox:  "second@isp.test"\n'
} > "$T/hostile.txt"

start iana whois_fake.py --log "$T/iana.log" \
    --map 62.239.237.1="$T/iana_62.txt" --map 62.239.237.200="$T/iana_62.txt" \
    --map 74.125.225.229="$T/iana_74.txt" \
    --map 200.57.141.161="$T/iana_200.txt" \
    --map 196.11.240.215="$T/iana_196.txt" \
    --map 170.0.1.1="$T/iana_170.txt" --map 192.88.7.1="$T/iana_192.txt" \
    --map 192.88.8.1="$T/iana_192e.txt" \
    --default "$D/whois/iana_171.0.0.0-8__likexian.txt"
start ripe whois_fake.py --log "$T/ripe.log" \
    --default "$D/whois/ripe_62.239.237.1__ipwhois.txt"
start arin whois_fake.py --log "$T/arin.log" \
    --map 74.125.225.229="$D/whois/arin_74.125.225.229__ipwhois.txt" \
    --map 170.0.1.1="$D/whois/arin_170.0.0.0-22_referral-lacnic__likexian.txt"
start apnic whois_fake.py --default "$D/whois/apnic_171.0.0.0-15__likexian.txt"
start lacnic whois_fake.py \
    --map 200.57.141.161="$D/whois/lacnic_200.57.141.161__ipwhois.txt" \
    --map 170.0.1.1="$D/whois/lacnic_170.0.0.0-22__likexian.txt"
start afrinic whois_fake.py \
    --default "$D/whois/afrinic_196.11.240.215__ipwhois.txt"
start hostile whois_fake.py --default "$T/hostile.txt"
start empty whois_fake.py --default "$T/empty.txt"
start silent whois_fake.py --mode silent
start noise whois_fake.py --mode noise
start limit whois_fake.py --mode ratelimit --log "$T/limit.log"

# RDAP: a bootstrap that sends 62/8 to ARIN, which redirects to RIPE.
mkdir -p "$T/bs" "$T/bs2"
cat > "$T/bs/ipv4.json" <<'JSON'
{"services": [
 [["62.0.0.0/8", "74.0.0.0/8"], ["https://rdap.arin.net/registry/"]],
 [["200.0.0.0/8"], ["https://rdap.lacnic.net/rdap/"]],
 [["196.0.0.0/8"], ["https://rdap.afrinic.net/rdap/"]],
 [["210.0.0.0/8"], ["https://rdap.apnic.net/"]]]}
JSON
echo '{"services": [[["2001:4200::/23"], ["https://rdap.afrinic.net/rdap/"]]]}' > "$T/bs/ipv6.json"
echo '{"services": [[["1.0.0.0/8"], ["https://rdap.example.test/"]]]}' > "$T/new4.json"
echo '{"services": [[["2c00::/12"], ["https://rdap.example.test/"]]]}' > "$T/new6.json"
start rdap rdap_fake.py --log "$T/rdap.log" \
    --redirect /arin/ip/62.239.237.1=https://rdap.db.ripe.net/ip/62.239.237.1 \
    --map /ripe/ip/62.239.237.1="$D/rdap/ripe_ip_62.239.237.1__ipwhois.json" \
    --map /arin/ip/74.125.225.229="$D/rdap/arin_ip_74.125.225.229__ipwhois.json" \
    --map /lacnic/ip/200.57.141.161="$D/rdap/lacnic_ip_200.57.141.161__ipwhois.json" \
    --map /apnic/ip/210.107.73.73="$D/rdap/apnic_ip_210.107.73.73__ipwhois.json" \
    --status /arin/ip/74.125.1.1=429 \
    --redirect /arin/ip/74.125.2.2=https://rdap.arin.net/registry/ip/74.125.2.2 \
    --map /bs/ipv4.json="$T/new4.json" --map /bs/ipv6.json="$T/new6.json" \
    --map /bad/ipv4.json="$T/hostile.txt" --map /bad/ipv6.json="$T/new6.json"
start dns dns_fake.py \
    "1.237.239.62.in-addr.arpa. 60 IN PTR host-1.dyn.bt.example." \
    "host-1.dyn.bt.example. 60 IN A 62.239.237.1" \
    "229.225.125.74.in-addr.arpa. 60 IN PTR liar.example." \
    "liar.example. 60 IN A 198.51.100.1" \
    "1.8.88.192.in-addr.arpa. 60 IN PTR mail.customer-isp.example.co.uk." \
    "mail.customer-isp.example.co.uk. 60 IN A 192.88.8.1" \
    '1.8.88.192.abuse-contacts.abusix.test. 60 IN TXT "holder-abuse@lir-holder.test"' 

for s in iana ripe arin apnic lacnic afrinic hostile empty silent noise limit rdap dns; do
	wait_for 15 test -s "$T/$s.port" || { diag "server $s did not start"; cat "$T/$s.out"; }
done

# conf FILE FIRST-WHOIS-SERVER RDAP(true/false) WHOIS(true/false)
conf() {
	cat > "$1" <<YAML
general:
  state_dir: $T
resolver:
  offline: true
  timeout: 2s
  ptr: true
  rdap: $3
  whois: $4
  dns_server: "127.0.0.1:$(port dns)"
  whois_iana: $2
  bootstrap_dir: $T/bs
  rate_per_minute: 1000
  copy_to: [abuse-desk@our-isp.example.net]
  cert:
    GB: cert@ncsc.example.gov.uk
  whois_servers:
    whois.iana.org: "127.0.0.1:$(port iana)"
    whois.ripe.net: "127.0.0.1:$(port ripe)"
    whois.arin.net: "127.0.0.1:$(port arin)"
    whois.apnic.net: "127.0.0.1:$(port apnic)"
    whois.lacnic.net: "127.0.0.1:$(port lacnic)"
    whois.afrinic.net: "127.0.0.1:$(port afrinic)"
    whois.hostile.test: "127.0.0.1:$(port hostile)"
    whois.empty.test: "127.0.0.1:$(port empty)"
    whois.silent.test: "127.0.0.1:$(port silent)"
    whois.noise.test: "127.0.0.1:$(port noise)"
    whois.limit.test: "127.0.0.1:$(port limit)"
  rdap_servers:
    "https://rdap.arin.net/registry/": "http://127.0.0.1:$(port rdap)/arin/"
    "https://rdap.db.ripe.net/": "http://127.0.0.1:$(port rdap)/ripe/"
    "https://rdap.lacnic.net/rdap/": "http://127.0.0.1:$(port rdap)/lacnic/"
    "https://rdap.apnic.net/": "http://127.0.0.1:$(port rdap)/apnic/"
    "https://rdap.afrinic.net/rdap/": "http://127.0.0.1:$(port rdap)/afrinic/"
YAML
}
conf "$T/whois.yaml" whois.iana.org false true
conf "$T/rdap.yaml" whois.iana.org true false
conf "$T/both.yaml" whois.iana.org true true
conf "$T/silent.yaml" whois.silent.test false true
conf "$T/noise.yaml" whois.noise.test false true
conf "$T/limit.yaml" whois.limit.test false true
sed 's/^resolver:$/resolver:\n  rfc2142_fallback: true/' "$T/whois.yaml" > "$T/rfc2142.yaml"
sed 's/^resolver:$/resolver:\n  rfc2142_fallback: true\n  abusix_zone: abuse-contacts.abusix.test/' "$T/whois.yaml" > "$T/abusix.yaml"

# first ADDR CONF: the first recipient's address (not a cc or CERT copy)
first() {
	"$REDRESS" -c "$2" whois --no-cache "$1" >"$T/out.$1" 2>&1
	grep -v 'role=cc\|role=cert' "$T/out.$1" |
	    sed -n 's/^recipient: \([^ ]*\) .*/\1/p' | head -1
}

# ---- whois: each registry's sample, from IANA through the referral
is "$(first 62.239.237.1 "$T/whois.yaml")" protect@bt.com "RIPE whois: abuse contact comment"
check "RIPE: chain names the server and line" grep -q 'whois whois.ripe.net Abuse contact comment line 12' "$T/out.62.239.237.1"
check "RIPE: network and range" grep -q '^range: 62.239.237.0 - 62.239.237.255' "$T/out.62.239.237.1"
check "RIPE: country GB picks the CERT" grep -q 'recipient: cert@ncsc.example.gov.uk role=cert' "$T/out.62.239.237.1"
check "copy-to added as cc" grep -q 'recipient: abuse-desk@our-isp.example.net role=cc' "$T/out.62.239.237.1"
check "RIPE query asks without personal data (-r)" grep -qx -- '-r 62.239.237.1' "$T/ripe.log"
is "$(first 74.125.225.229 "$T/whois.yaml")" arin-contact@google.com "ARIN whois: OrgAbuseEmail"
check "ARIN query uses n +" grep -qx 'n + 74.125.225.229' "$T/arin.log"
is "$(first 171.1.2.3 "$T/whois.yaml")" abuse@starhub.com "APNIC via the real IANA refer: answer"
is "$(first 200.57.141.161 "$T/whois.yaml")" operacion.redes@triara.com "LACNIC: abuse-c handle to e-mail"
is "$(first 196.11.240.215 "$T/whois.yaml")" abuse@mtnbusiness.co.za "AFRINIC: no abuse-c, address from the remarks"
check "AFRINIC: free-text address is low-confidence" grep -q 'review: required' "$T/out.196.11.240.215"
check "RIPE: abuse-c answer needs no review" sh -c "! grep -q 'review: required' '$T/out.62.239.237.1'"

# ---- two-hop referral: IANA -> ARIN (ERX, Transferred to LACNIC) -> LACNIC
is "$(first 170.0.1.1 "$T/whois.yaml")" noc@coopercitrus.com.br "IANA -> ARIN -> LACNIC referral"
check "referral chain: ARIN refers to LACNIC" grep -q 'whois whois.arin.net .*refers to whois.lacnic.net' "$T/out.170.0.1.1"
check "the registry's own abuse@lacnic.net is dropped" grep -q 'dropped abuse@lacnic.net' "$T/out.170.0.1.1"
check "range from the most specific answer" grep -q '^range: 170.0.0.0/22' "$T/out.170.0.1.1"

# ---- PTR
check "PTR forward-confirmed and dynamic" grep -q '^ptr: host-1.dyn.bt.example (confirmed) dynamic' "$T/out.62.239.237.1"
check "PTR that does not point back is not trusted" grep -q '^ptr: liar.example (not confirmed)' "$T/out.74.125.225.229"

# ---- RDAP
# RIPE's RDAP lists the abuse role's e-mail: attributes (two of them its
# admin-c people), not its abuse-mailbox: alone it names no abuse desk.
first 62.239.237.1 "$T/rdap.yaml" >/dev/null
check "RDAP: bootstrap says ARIN, ARIN redirects to RIPE" grep -q 'redirected to https://rdap.db.ripe.net/ip/62.239.237.1' "$T/out.62.239.237.1"
check "RIPE RDAP alone: the role's e-mail: addresses are no recipient" \
    sh -c "grep -q '^recipient: none' '$T/out.62.239.237.1' && ! grep -q 'zzdnsr@\|steve.a.marshall@\|lee.bailey-hague@' '$T/out.62.239.237.1' | grep -q '^recipient'"
check "... and the chain says why" grep -q "RIPE: RDAP abuse steve.a.marshall@bt.com is the abuse role's e-mail:, not its abuse-mailbox" "$T/out.62.239.237.1"
rm -f "$T/iana.log" "$T/ripe.log"
is "$(first 62.239.237.1 "$T/both.yaml")" protect@bt.com "RIPE RDAP + whois: the abuse-mailbox protect@bt.com"
is "$(grep -c '^recipient: .* role=abuse' "$T/out.62.239.237.1")" 1 "... and no one else (no e-mail: of the role, no person)"
check "... whois asked at RIPE directly, not via IANA" sh -c "grep -qx -- '-r 62.239.237.1' '$T/ripe.log' && ! test -s '$T/iana.log'"
is "$(first 74.125.225.229 "$T/rdap.yaml")" arin-contact@google.com "RDAP ARIN: nested abuse entity"
check "RDAP: source names URL and field" grep -q 'source="rdap https://rdap.arin.net/registry/ip/74.125.225.229 entities\[0\].entities\[0\] vcard email"' "$T/out.74.125.225.229"
is "$(first 200.57.141.161 "$T/rdap.yaml")" operacion.redes@triara.com "RDAP LACNIC: abuse entity"
"$REDRESS" -c "$T/rdap.yaml" whois --no-cache 74.125.1.1 >"$T/out.429" 2>&1
check "RDAP 429 is reported" grep -q '429' "$T/out.429"
"$REDRESS" -c "$T/rdap.yaml" whois --no-cache 74.125.2.2 >"$T/out.loop" 2>&1
check "RDAP redirect loop stops at the hop limit" grep -q 'more than 5 redirects' "$T/out.loop"
is "$(first 196.11.240.215 "$T/both.yaml")" abuse@mtnbusiness.co.za "RDAP without abuse role falls back to whois"

# ---- cache: one lookup for a second address of the same range
rm -f "$T/iana.log" "$T/ripe.log"
"$REDRESS" -c "$T/whois.yaml" whois --store "$T/c.db" 62.239.237.1 >"$T/c1" 2>&1
"$REDRESS" -c "$T/whois.yaml" whois --store "$T/c.db" 62.239.237.200 >"$T/c2" 2>&1
is "$(sed -n 's/^recipient: \([^ ]*\) .*/\1/p' "$T/c2" | head -1)" protect@bt.com "second address of the range: same contact"
check "second address answered from the cache" grep -q '^cached: yes' "$T/c2"
is "$(wc -l < "$T/ripe.log" | tr -d ' ')" 1 "one whois lookup for the /24"
"$REDRESS" -c "$T/whois.yaml" whois --store "$T/c.db" --no-cache 62.239.237.200 >"$T/c3" 2>&1
is "$(wc -l < "$T/ripe.log" | tr -d ' ')" 2 "--no-cache asks again"

# ---- servers that misbehave
t0=$(date +%s)
"$REDRESS" -c "$T/silent.yaml" whois --no-cache 62.239.237.1 >"$T/s" 2>&1
rc=$?
t1=$(date +%s)
is "$rc" 1 "a server that never answers: failure"
check "... reported as a timeout" grep -q 'no complete answer within 2000 ms' "$T/s"
check "... within the timeout (<= 6 s)" test $((t1 - t0)) -le 6
# run --once resolving for 30 incidents against that server: SIGTERM stops
# it after the lookup at hand, not after all of them.
mkdir -p "$T/once"
i=0
while [ $i -lt 30 ]; do
	printf '{"timestamp":"2024-05-14T09:00:%02d.000000+0000","event_type":"alert","src_ip":"62.239.237.%d","src_port":4000%d,"dest_ip":"10.0.0.5","dest_port":80,"proto":"TCP","app_proto":"http","flow":{"pkts_toserver":4,"pkts_toclient":3},"alert":{"gid":1,"signature_id":2010001,"rev":1,"signature":"TEST","category":"Web Application Attack","severity":1}}\n' \
	    $i $((i + 1)) $((i % 10))
	i=$((i + 1))
done >"$T/once/eve.json"
sed -e "s|^  state_dir: .*|  state_dir: $T/once\n  pid_file: $T/once/redress.pid\n  user: root\n  group: root\n  allow_root: true\n  dry_run: true|" \
    "$T/silent.yaml" >"$T/once.yaml"
printf 'inputs:\n  - type: eve\n    path: %s\n' "$T/once/eve.json" >>"$T/once.yaml"
"$REDRESS" -c "$T/once.yaml" run --once >"$T/once.out" 2>"$T/once.err" &
OP=$!
wait_for 20 grep -q "resolver" "$T/once.err"
t0=$(date +%s)
kill -TERM "$OP"
i=0
while kill -0 "$OP" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
t1=$(date +%s)
kill -0 "$OP" 2>/dev/null && kill -9 "$OP"
wait "$OP"
rc=$?
is "$rc" 0 "run --once stopped by SIGTERM while resolving: exit 0"
check "... within one lookup's timeout (<= 4 s), not 30 of them" \
    test $((t1 - t0)) -le 4
[ $((t1 - t0)) -le 4 ] || tail -5 "$T/once.err" | sed 's/^/# /'
"$REDRESS" -c "$T/noise.yaml" whois --no-cache 62.239.237.1 >"$T/n" 2>&1
is "$?" 1 "10 MB of noise: failure"
check "... dropped at the size cap" grep -q 'answer larger than 1048576 bytes' "$T/n"
"$REDRESS" -c "$T/limit.yaml" whois --no-cache 62.239.237.1 >"$T/l" 2>&1
is "$?" 1 "query limit exceeded: failure"
check "... recognised and backed off" grep -q 'query limit exceeded; backing off' "$T/l"

# ---- hostile contact fields
is "$(first 192.88.7.1 "$T/whois.yaml")" first@isp.test "hostile record: the clean address is kept"
check "hostile: quoted second address kept" grep -q 'recipient: second@isp.test' "$T/out.192.88.7.1"
check "hostile: no victim address, CR or long address survives" \
    sh -c "! grep -E 'victim|aaaaaaaaaaaaaaaa@|abuse@x.test' '$T/out.192.88.7.1' | grep -q '^recipient'"
check "hostile: rejected values shown as quoted evidence" grep -q 'whois rejected: line .* "' "$T/out.192.88.7.1"

# ---- RFC 2142 fallback at the confirmed PTR name's registrable domain
first 192.88.8.1 "$T/whois.yaml" >/dev/null
check "no registry contact and no fallback: no recipient" grep -q '^recipient: none' "$T/out.192.88.8.1"
is "$(first 192.88.8.1 "$T/rfc2142.yaml")" abuse@example.co.uk "RFC 2142: abuse@ the registrable domain (libpsl)"
check "RFC 2142: security@ too, both low-confidence" grep -q 'recipient: security@example.co.uk role=rfc2142 low-confidence' "$T/out.192.88.8.1"
check "RFC 2142: report waits for review" grep -q 'review: required' "$T/out.192.88.8.1"

# ---- Abusix TXT: below the registries, above RFC 2142 guesses
is "$(first 192.88.8.1 "$T/abusix.yaml")" holder-abuse@lir-holder.test "Abusix TXT used when the registry names nobody"
check "Abusix: TXT query in the chain" grep -q 'abusix TXT under abuse-contacts.abusix.test: 1 string' "$T/out.192.88.8.1"
is "$(first 62.239.237.1 "$T/abusix.yaml")" protect@bt.com "Abusix not asked when the registry names an abuse desk"

# ---- update-bootstrap over HTTP (a local server: no internet)
cp "$T/bs/ipv4.json" "$T/bs2/ipv4.json"; cp "$T/bs/ipv6.json" "$T/bs2/ipv6.json"
"$REDRESS" -c "$T/whois.yaml" update-bootstrap --dir "$T/bs2" \
    --url "http://127.0.0.1:$(port rdap)/bs/" >"$T/u" 2>&1
check "update-bootstrap replaces both files" cmp -s "$T/bs2/ipv4.json" "$T/new4.json"
"$REDRESS" -c "$T/whois.yaml" update-bootstrap --dir "$T/bs2" --url "http://127.0.0.1:$(port rdap)/bad/" >"$T/u2" 2>&1
rc=$?
[ "$rc" -ne 0 ] && cmp -s "$T/bs2/ipv4.json" "$T/new4.json"
ok $? "a bad download fails and keeps the old files"

# ---- the demo's helper: every recorded answer in a directory, offline
mkdir -p "$T/reg"
sh tests/servers/registry_up.sh "$D" "$T/reg" >"$T/reg.out" 2>&1
ok $? "registry_up.sh starts the recorded registries"
for p in $(cat "$T/reg/registry.pids" 2>/dev/null); do PIDS="$PIDS $p"; done
{ printf 'general:\n  state_dir: %s\n' "$T"; cat "$T/reg/resolver.yaml"; } > "$T/reg.yaml"
is "$(first 200.57.141.161 "$T/reg.yaml")" operacion.redes@triara.com "registry_up.sh: RDAP answer served"
first 171.1.2.3 "$T/reg.yaml" >/dev/null
check "registry_up.sh: an address it has no answer for gets none (offline)" grep -q 'not in rdap_servers (offline)\|No entries found\|recipient: none' "$T/out.171.1.2.3"
# ---- every registry sample in ../shared: its own address comes back
[ -n "$SAMPLES" ] || diag "no \$SHARED/fixtures/whois: shared samples skipped"
for f in $SAMPLES; do
	a=${f#*_}; a=${a%%__*}; a=${a%%_*}
	case $a in *-*-*) a=$(echo "$a" | tr - :) ;; *-*) a=${a%-*} ;; esac
	rm -f "$T/sample.port"
	"$PY" tests/servers/whois_fake.py --port-file "$T/sample.port" \
	    --default "$SHARED/fixtures/whois/$f" >/dev/null 2>&1 &
	sp=$!
	wait_for 15 test -s "$T/sample.port"
	# Only the sample's server: referrals from it end there (offline).
	sed -e "s/^  whois_iana: .*/  whois_iana: whois.sample.test/" \
	    -e "s/^  whois_servers:$/  whois_servers:\n    whois.sample.test: \"127.0.0.1:$(port sample)\"/" \
	    -e "/^    whois\.[a-z]*\.\(net\|org\|test\): /d" \
	    "$T/whois.yaml" > "$T/sample.yaml"
	got=$(first "$a" "$T/sample.yaml")
	kill $sp 2>/dev/null; wait $sp 2>/dev/null
	if [ -n "$got" ]; then
		grep -qi -- "$got" "$SHARED/fixtures/whois/$f"
		ok $? "sample $f ($a): $got is in the registry's answer"
	else
		# Only when the answer has no mailbox, or only registry ones.
		grep -q '^recipient: none' "$T/out.$a" && {
		    ! grep -v '^[%#]' "$SHARED/fixtures/whois/$f" | grep -q '@' ||
		    grep -q '^dropped' "$T/out.$a"; }
		ok $? "sample $f ($a): no recipient; the answer names none but the registry"
	fi
done
tap_done
