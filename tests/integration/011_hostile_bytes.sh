#!/bin/sh
# Hostile bytes are evidence: EVE and Snort 3 alert_json lines whose
# strings hold \u0000, lone surrogates, raw invalid UTF-8, raw control
# bytes, U+2028/U+0085 and ordinary escapes are all read by `redress
# replay` (none bad), their sources reach the policy, and the alert JSON
# printed is valid UTF-8 JSON with the bytes kept as \xNN text.
. "$(dirname "$0")/../lib/tap.sh"
plan 11
T=$(mktemp -d /tmp/redress-t011.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

# eve N SIG URL: one alert line from 198.51.100.N (printf %b: \\ is a
# backslash in the JSON, \0NNN a raw byte in octal)
eve() {
	printf '{"timestamp":"2024-05-14T09:00:%02d.000000+0000","flow_id":%d,"event_type":"alert","src_ip":"198.51.100.%d","src_port":4444,"dest_ip":"10.0.0.5","dest_port":80,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2010001,"rev":1,"signature":"%b","category":"Web Application Attack","severity":1},"http":{"hostname":"www.example.org","url":"%b","http_method":"GET"},"flow":{"pkts_toserver":3,"pkts_toclient":2,"bytes_toserver":300,"bytes_toclient":200}}\n' \
	    "$1" "$1" "$1" "$2" "$3"
}
: >"$T/h.json"
for r in 0 1 2 3 4; do
	eve $((1 + r * 8)) 'NUL in url' '/a\\u0000b' >>"$T/h.json"
	eve $((2 + r * 8)) 'lone \\ud800 high' '/s\\udc00' >>"$T/h.json"
	eve $((3 + r * 8)) 'raw \0377 byte' '/\0300\0257\0376\01' >>"$T/h.json"
	eve $((4 + r * 8)) 'sep \\u2028 nel \\u0085' '/x\\r\\nBcc: y' >>"$T/h.json"
	eve $((5 + r * 8)) 'ordinary \\"q\\" \\\\ \\u00e9' '\\/index.php?s=\\/Index\\/\\\\think\\\\app' >>"$T/h.json"
	eve $((6 + r * 8)) 'pair \\ud83d\\ude00' '/ok' >>"$T/h.json"
done

"$REDRESS" replay --no-policy "$T/h.json" >"$T/np.out" 2>"$T/np.err"
is "$?" 0 "replay --no-policy of hostile lines succeeds"
check "30 alerts, 0 bad" grep -q "30 alerts, 0 bad" "$T/np.err"
is "$(wc -l <"$T/np.out" | tr -d ' ')" 30 "one JSON line per alert"
check "every line is valid UTF-8 JSON without lone surrogates" python3 -c '
import json, re, sys
for l in open(sys.argv[1], "rb"):
    t = l.decode("utf-8")          # strict: raises on invalid UTF-8
    if re.search(r"\\u[dD][89abAB]|\\u[dD][c-fC-F]", t): sys.exit(1)
    json.loads(t)
' "$T/np.out"
# field texts, as the JSON holds them (a backslash is \\ in JSON)
check "NUL kept as \\x00" grep -qF '"url":"/a\\x00b"' "$T/np.out"
check "lone surrogates kept as their bytes" sh -c "grep -qF '\"signature\":\"lone \\\\xED\\\\xA0\\\\x80 high\"' '$T/np.out' && grep -qF '\"url\":\"/s\\\\xED\\\\xB0\\\\x80\"' '$T/np.out'"
check "raw invalid UTF-8 and control bytes kept as \\xNN" grep -qF '"url":"/\\xC0\\xAF\\xFE\\x01"' "$T/np.out"
check "CR LF never raw, U+2028 escaped in JSON" sh -c "grep -qF '\"url\":\"/x\\\\x0D\\\\x0ABcc: y\"' '$T/np.out' && grep -qF 'sep \\u2028 nel' '$T/np.out'"
check "ordinary escapes decoded" grep -qF '"url":"/index.php?s=/Index/\\think\\app"' "$T/np.out"

"$REDRESS" replay "$T/h.json" >"$T/p.out" 2>"$T/p.err"
check "with the policy: 30 alerts, 0 bad, every source an incident" \
    grep -q "30 alerts, 0 bad, 30 incidents" "$T/p.err"

# Snort 3 alert_json: a NUL and raw invalid UTF-8 in msg
printf '{ "seconds" : 1704164645, "timestamp" : "24/01/02-03:04:05.123456", "src_addr" : "198.51.100.99", "src_port" : 5555, "dst_addr" : "10.0.0.5", "dst_port" : 22, "gid" : 1, "sid" : 1000001, "rev" : 2, "msg" : "SSH \\u0000 brute \376", "class" : "x", "priority" : 1, "proto" : "TCP" }\n' >"$T/s.json"
"$REDRESS" replay --no-policy "$T/s.json" >"$T/s.out" 2>"$T/s.err"
check "Snort 3 alert_json: a NUL and invalid UTF-8 keep the alert" \
    grep -qF '"signature":"SSH \\x00 brute \\xFE"' "$T/s.out"
tap_done
