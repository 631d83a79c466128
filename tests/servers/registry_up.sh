#!/bin/sh
# SPDX-License-Identifier: MIT
# Starts loopback whois and RDAP servers (whois_fake.py, rdap_fake.py) that
# serve a directory of recorded registry answers, and writes a "resolver:"
# configuration block pointing redress at them, for the demo and manual
# tests. Nothing reaches the internet.
#
#   registry_up.sh DATA_DIR OUT_DIR
#
# DATA_DIR/whois/<rir>_<addr>__<src>.txt  whois answers (rir: afrinic, apnic,
#                                         arin, lacnic, ripe; IPv6 ':' as '-')
# DATA_DIR/rdap/<rir>_ip_<addr>__<src>.json  RDAP IP network answers
# DATA_DIR/bootstrap/ipv4.json, ipv6.json    optional IANA bootstrap copy
#
# Writes OUT_DIR/resolver.yaml (a complete "resolver:" section), and
# OUT_DIR/registry.pids (kill these to stop). IANA's answer for each
# address refers to the registry its file names.
set -e
DATA=$1 OUT=$2
[ -d "$DATA" ] && [ -n "$OUT" ] || {
	echo "usage: registry_up.sh DATA_DIR OUT_DIR" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
mkdir -p "$OUT/iana"
: > "$OUT/registry.pids"
addr_of() {	# ripe_2a00-2381-ffff--1__x.txt -> 2a00:2381:ffff::1
	b=$(basename "$1"); b=${b#*_}; b=${b#ip_}; b=${b%%__*}
	case $b in *-*-*) echo "$b" | tr - : ;; *) echo "$b" ;; esac
}
wait_port() {
	n=0
	while [ ! -s "$1" ] && [ $n -lt 150 ]; do sleep 0.1; n=$((n + 1)); done
	[ -s "$1" ] || { echo "registry_up: server did not start" >&2; exit 1; }
}
IANA_ARGS=
for rir in afrinic apnic arin lacnic ripe; do
	args=
	for f in "$DATA"/whois/${rir}_*.txt; do
		[ -f "$f" ] || continue
		a=$(addr_of "$f")
		args="$args --map $a=$f"
		printf 'refer:        whois.%s.net\n' "$rir" > "$OUT/iana/$a.txt"
		IANA_ARGS="$IANA_ARGS --map $a=$OUT/iana/$a.txt"
	done
	# shellcheck disable=SC2086
	"$PY" "$HERE/whois_fake.py" --port-file "$OUT/whois-$rir.port" \
	    $args >/dev/null 2>&1 &
	echo $! >> "$OUT/registry.pids"
done
# shellcheck disable=SC2086
"$PY" "$HERE/whois_fake.py" --port-file "$OUT/whois-iana.port" \
    $IANA_ARGS >/dev/null 2>&1 &
echo $! >> "$OUT/registry.pids"
base_of() {
	case $1 in
	afrinic) echo https://rdap.afrinic.net/rdap/ ;;
	apnic) echo https://rdap.apnic.net/ ;;
	arin) echo https://rdap.arin.net/registry/ ;;
	lacnic) echo https://rdap.lacnic.net/rdap/ ;;
	ripe) echo https://rdap.db.ripe.net/ ;;
	esac
}
RARGS=
for f in "$DATA"/rdap/*_ip_*.json; do
	[ -f "$f" ] || continue
	rir=$(basename "$f"); rir=${rir%%_*}
	a=$(addr_of "$f")
	RARGS="$RARGS --map /$rir/ip/$a=$f"
	# The other registries redirect to the one that holds it.
	for o in afrinic apnic arin lacnic ripe; do
		[ "$o" = "$rir" ] && continue
		RARGS="$RARGS --redirect /$o/ip/$a=$(base_of "$rir")ip/$a"
	done
done
# shellcheck disable=SC2086
"$PY" "$HERE/rdap_fake.py" --port-file "$OUT/rdap.port" $RARGS \
    >/dev/null 2>&1 &
echo $! >> "$OUT/registry.pids"
for p in whois-afrinic whois-apnic whois-arin whois-lacnic whois-ripe \
    whois-iana rdap; do
	wait_port "$OUT/$p.port"
done
BS="$(cd "$DATA" && pwd)/bootstrap"
[ -f "$BS/ipv4.json" ] || BS="$(cd "$HERE/../.." && pwd)/config/rdap-bootstrap"
R=$(cat "$OUT/rdap.port")
cat > "$OUT/resolver.yaml" <<YAML
resolver:
  offline: true
  timeout: 3s
  ptr: false
  rate_per_minute: 1000
  bootstrap_dir: $BS
  whois_servers:
    whois.iana.org: "127.0.0.1:$(cat "$OUT/whois-iana.port")"
    whois.afrinic.net: "127.0.0.1:$(cat "$OUT/whois-afrinic.port")"
    whois.apnic.net: "127.0.0.1:$(cat "$OUT/whois-apnic.port")"
    whois.arin.net: "127.0.0.1:$(cat "$OUT/whois-arin.port")"
    whois.lacnic.net: "127.0.0.1:$(cat "$OUT/whois-lacnic.port")"
    whois.ripe.net: "127.0.0.1:$(cat "$OUT/whois-ripe.port")"
  rdap_servers:
    "https://rdap.afrinic.net/rdap/": "http://127.0.0.1:$R/afrinic/"
    "https://rdap.apnic.net/": "http://127.0.0.1:$R/apnic/"
    "https://rdap.arin.net/registry/": "http://127.0.0.1:$R/arin/"
    "https://rdap.lacnic.net/rdap/": "http://127.0.0.1:$R/lacnic/"
    "https://rdap.db.ripe.net/": "http://127.0.0.1:$R/ripe/"
YAML
