#!/bin/sh
# The abuse desk of every registry answer in $SHARED/fixtures/whois and
# rdap (IP objects): each is served by a loopback whois or RDAP server of
# its registry and `redress whois` must name the desk the registry
# designates (abuse-c abuse-mailbox, ARIN abuse POC, RDAP abuse entity,
# for RIPE checked against whois), the security contact a remark names,
# no person's admin-c/tech-c mailbox, and no answer (not "no contact")
# after a rate limit. Prints "N of M right".
. "$(dirname "$0")/../lib/tap.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
W=$SHARED/fixtures/whois R=$SHARED/fixtures/rdap
[ -d "$W" ] && [ -d "$R" ] || skip_all "no \$SHARED/fixtures/whois and rdap"

# file  mode(whois|rdap|both)  first-whois-server  abuse  security
# abuse/security: comma-separated sorted addresses, "-" none; abuse
# "RETRY": no answer (a rate limit), nothing cached.
TABLE='
afrinic_196.11.240.215__ipwhois.txt whois whois.afrinic.net abuse@mtnbusiness.co.za -
afrinic_2001-43f8-7b0--__ipwhois.txt whois whois.afrinic.net - -
afrinic_66.18.70.6__phpwhois2.txt whois whois.afrinic.net - -
apnic_171.0.0.0-15__likexian.txt whois whois.apnic.net abuse@starhub.com -
apnic_2001-240-10c-1--ca20-9d1d__ipwhois.txt whois whois.apnic.net - -
apnic_210.107.73.73__ipwhois.txt whois whois.apnic.net abuse@bora.net security@bora.net
apnic_210.178.148.129__phpwhois2.txt whois whois.apnic.net irt@nic.or.kr -
apnic_218.165.121.114__phpwhois2.txt whois whois.apnic.net abuse@hinet.net -
arin_170.0.0.0-22_referral-lacnic__likexian.txt whois whois.arin.net noc@coopercitrus.com.br -
arin_174.0.0.0-13_referral-rwhois__likexian.txt whois whois.arin.net internet.abuse@sjrb.ca -
arin_2001-4860-4860--8888__ipwhois.txt whois whois.arin.net arin-contact@google.com -
arin_207.217.120.54__phpwhois2.txt whois whois.arin.net trustandsafety@support.aws.com -
arin_63.95.254.3_referral-rwhois__phpwhois2.txt whois whois.arin.net akeem.mcdaniel@accelecom.net -
arin_70.84.47.210__phpwhois2.txt whois whois.arin.net abuse@softlayer.com -
arin_74.125.225.229__ipwhois.txt whois whois.arin.net arin-contact@google.com -
iana_171.0.0.0-8__likexian.txt whois whois.iana.org abuse@starhub.com -
lacnic_170.0.0.0-22__likexian.txt whois whois.lacnic.net noc@coopercitrus.com.br -
lacnic_200.165.206.74__phpwhois.txt whois whois.lacnic.net ld-numeracaoip@vtal.com -
lacnic_200.44.33.31_rate-limit-exceeded__phpwhois2.txt whois whois.iana.org RETRY -
lacnic_200.57.141.161__ipwhois.txt whois whois.lacnic.net operacion.redes@triara.com -
lacnic_2801-10-c000--__ipwhois.txt whois whois.lacnic.net sistemas.red@uco.edu.co -
ripe_151.99.187.181__phpwhois2.txt whois whois.ripe.net abuse@business.telecomitalia.it -
ripe_2001-630-d0-f111-203-93ff-fed1-f454__phpwhois2.txt whois whois.ripe.net serviceline@soton.ac.uk -
ripe_2a00-2381-ffff--1__ipwhois.txt whois whois.ripe.net protect@bt.com -
ripe_62.239.237.1__ipwhois.txt whois whois.ripe.net protect@bt.com -
ripe_62.97.102.115__phpwhois2.txt whois whois.ripe.net abuse@colt.net -
rwhois.shawcable.net_174.0.0.0-13__likexian.txt whois rwhois.shawcable.net - -
afrinic_ip_196.11.240.215__ipwhois.json rdap - - -
afrinic_ip_2001-43f8-7b0--__ipwhois.json rdap - - -
apnic_ip_1.1.1.0__whoisit.json rdap - helpdesk@apnic.net -
apnic_ip_2001-240-10c-1--ca20-9d1d__ipwhois.json rdap - - -
apnic_ip_210.107.73.73__ipwhois.json both whois.apnic.net abuse@bora.net security@bora.net
arin_ip_13.64.0.0__whoisit.json rdap - abuse@microsoft.com -
arin_ip_2001-4860--__whoisit.json rdap - arin-contact@google.com -
arin_ip_2001-4860-4860--8888__ipwhois.json rdap - arin-contact@google.com -
arin_ip_74.125.225.229__ipwhois.json rdap - arin-contact@google.com -
lacnic_ip_200.57.141.161__ipwhois.json rdap - operacion.redes@triara.com -
lacnic_ip_2801-10-c000--__ipwhois.json rdap - sistemas.red@uco.edu.co -
ripe_ip_130.59.31.80__whoisit.json rdap - abuse@switch.ch -
ripe_ip_2a00-2381-ffff--1__ipwhois.json both whois.ripe.net protect@bt.com -
ripe_ip_62.239.237.1__ipwhois.json both whois.ripe.net protect@bt.com -
'
M=$(echo "$TABLE" | grep -c .)
# Every IP fixture is in the table (a new one must be given its desk).
FIX=$( (ls "$W" | grep -v '^domain_\|_AS'; ls "$R" | grep '_ip_') | sort)
plan $((M + 3))
T=$(mktemp -d /tmp/redress-t051.XXXXXX)
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM
is "$(echo "$TABLE" | awk 'NF {print $1}' | sort | tr '\n' ' ')" \
    "$(echo "$FIX" | tr '\n' ' ')" "the table has every IP fixture, once"

addr_of() {	# ripe_2a00-2381-ffff--1__x.txt -> 2a00:2381:ffff::1
	b=${1#*_}; b=${b#ip_}; b=${b%%__*}; b=${b%%_*}
	case $b in *-*-*) echo "$b" | tr - : ;; *-*) echo "${b%-*}" ;; *) echo "$b" ;; esac
}
reg_of() {	# the whois server name a file's answer comes from
	case $1 in rwhois.*) echo "${1%%_*}" ;; *) echo "whois.${1%%_*}.net" ;; esac
}

# One whois server per registry, each answering its fixtures by address.
printf 'refer:        whois.lacnic.net\n\ninetnum:      200.0.0.0 - 200.255.255.255\n' > "$T/iana_200.txt"
for s in iana afrinic apnic arin lacnic ripe rwhois; do
	args=
	for f in $(echo "$TABLE" | awk '$1 ~ /\.txt$/ {print $1}'); do
		case $f in rwhois.*) r=rwhois ;; *) r=${f%%_*} ;; esac
		[ "$r" = "$s" ] || continue
		args="$args --map $(addr_of "$f")=$W/$f"
	done
	[ "$s" = iana ] && args="$args --map 200.44.33.31=$T/iana_200.txt"
	[ "$s" = lacnic ] && args="$args --map 200.44.33.31=$W/lacnic_200.44.33.31_rate-limit-exceeded__phpwhois2.txt"
	# shellcheck disable=SC2086
	"$PY" tests/servers/whois_fake.py --port-file "$T/$s.port" \
	    --log "$T/$s.log" $args >"$T/$s.out" 2>&1 &
	PIDS="$PIDS $!"
done
# One RDAP server; a bootstrap naming each fixture's registry.
base_of() {
	case $1 in
	afrinic) echo https://rdap.afrinic.net/rdap/ ;;
	apnic) echo https://rdap.apnic.net/ ;;
	arin) echo https://rdap.arin.net/registry/ ;;
	lacnic) echo https://rdap.lacnic.net/rdap/ ;;
	ripe) echo https://rdap.db.ripe.net/ ;;
	esac
}
mkdir -p "$T/bs"
RARGS= v4= v6=
for f in $(echo "$TABLE" | awk '$1 ~ /\.json$/ {print $1}'); do
	r=${f%%_*} a=$(addr_of "$f")
	RARGS="$RARGS --map /$r/ip/$a=$R/$f"
	case $a in
	*:*) v6="$v6${v6:+,}[[\"$a/128\"], [\"$(base_of "$r")\"]]" ;;
	*) v4="$v4${v4:+,}[[\"$a/32\"], [\"$(base_of "$r")\"]]" ;;
	esac
done
echo "{\"services\": [$v4]}" > "$T/bs/ipv4.json"
echo "{\"services\": [$v6]}" > "$T/bs/ipv6.json"
# shellcheck disable=SC2086
"$PY" tests/servers/rdap_fake.py --port-file "$T/rdap.port" $RARGS \
    >"$T/rdap.out" 2>&1 &
PIDS="$PIDS $!"
for s in iana afrinic apnic arin lacnic ripe rwhois rdap; do
	wait_for 15 test -s "$T/$s.port" || { diag "server $s did not start"; cat "$T/$s.out"; }
done
port() { cat "$T/$1.port"; }

# conf FILE RDAP WHOIS FIRST-WHOIS-SERVER
conf() {
	RP=$(port rdap)
	cat > "$1" <<YAML
general:
  state_dir: $T
resolver:
  offline: true
  timeout: 2s
  ptr: false
  rdap: $2
  whois: $3
  whois_iana: $4
  follow_rwhois: true
  bootstrap_dir: $T/bs
  rate_per_minute: 1000
  whois_servers:
    whois.iana.org: "127.0.0.1:$(port iana)"
    whois.afrinic.net: "127.0.0.1:$(port afrinic)"
    whois.apnic.net: "127.0.0.1:$(port apnic)"
    whois.arin.net: "127.0.0.1:$(port arin)"
    whois.lacnic.net: "127.0.0.1:$(port lacnic)"
    whois.ripe.net: "127.0.0.1:$(port ripe)"
    rwhois.shawcable.net: "127.0.0.1:$(port rwhois)"
  rdap_servers:
    "https://rdap.afrinic.net/rdap/": "http://127.0.0.1:$RP/afrinic/"
    "https://rdap.apnic.net/": "http://127.0.0.1:$RP/apnic/"
    "https://rdap.arin.net/registry/": "http://127.0.0.1:$RP/arin/"
    "https://rdap.lacnic.net/rdap/": "http://127.0.0.1:$RP/lacnic/"
    "https://rdap.db.ripe.net/": "http://127.0.0.1:$RP/ripe/"
YAML
}

# recipients OUT ROLE-REGEX: sorted comma-joined addresses of those roles
recipients() {
	sed -n "s/^recipient: \([^ ]*\) role=\($2\)\( .*\)*$/\1/p" "$1" |
	    sort -u | paste -sd, - | sed 's/^$/-/'
}

right=0 n=0
echo "$TABLE" | grep . > "$T/table"
while read -r f mode first abuse sec; do
	n=$((n + 1))
	a=$(addr_of "$f")
	case $mode in
	whois) conf "$T/c.yaml" false true "$first" ;;
	rdap) conf "$T/c.yaml" true false whois.iana.org ;;
	both) conf "$T/c.yaml" true true "$first" ;;
	esac
	rm -f "$T/s.db"
	"$REDRESS" -c "$T/c.yaml" whois --store "$T/s.db" --no-cache "$a" \
	    >"$T/out.$n" 2>&1
	rc=$?
	if [ "$abuse" = RETRY ]; then
		"$REDRESS" -c "$T/c.yaml" whois --store "$T/s.db" "$a" \
		    >"$T/again.$n" 2>&1
		got="rc=$rc"
		grep -q 'retry in' "$T/out.$n" || got="$got, no retry"
		grep -q '^cached: yes' "$T/again.$n" && got="$got, cached"
		want="rc=1"
	else
		got="rc=$rc abuse=$(recipients "$T/out.$n" 'abuse\|rfc2142\|admin\|tech') security=$(recipients "$T/out.$n" security)"
		want="rc=0 abuse=$abuse security=$sec"
	fi
	if [ "$got" = "$want" ]; then
		right=$((right + 1))
		ok 0 "$f ($mode): $abuse${sec#-}"
	else
		ok 1 "$f ($mode)"
		diag "  got:  $got"
		diag "  want: $want"
	fi
done < "$T/table"
diag "abuse desk: $right of $n right"
is "$right" "$n" "abuse desk: $right of $n right"
# The rate limit came after IANA's referral: IANA answered, LACNIC refused.
check "rate limit after IANA's referral: both asked" sh -c \
    "grep -qx '200.44.33.31' '$T/iana.log' && grep -q '200.44.33.31' '$T/lacnic.log'"
tap_done
