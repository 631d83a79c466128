#!/bin/sh
# unified2 resync: garbage injected in the middle of a spool file built by
# u2write (random bytes of several lengths, a record overwritten in place,
# an impossible 2 GiB header) costs only the bytes it covers: every event
# after it is read, and the corruption is logged with file, offset and the
# bytes skipped. Also `redress run --once` over a spool directory whose
# first file is corrupt in the middle.
. "$(dirname "$0")/../lib/tap.sh"
U2W="$BUILD/tests/tools/u2write"
[ -x "$U2W" ] || skip_all "no $U2W (make all builds it)"
plan 15
T=$(mktemp -d /tmp/redress-t021.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

# spec FIRST COUNT: events FIRST.. with a packet each, 20 sources
spec() {
	awk -v s="$1" -v n="$2" 'BEGIN { for (i = s; i < s + n; i++) {
	    printf "event4 src=198.51.100.%d dst=10.0.0.5 sport=%d dport=80 sid=%d id=%d ts=%d.%06d\n",
	        1 + i % 20, 1024 + i, 1000000 + i, i, 1700000000 + i, i % 1000000
	    printf "packet id=%d src=198.51.100.%d dst=10.0.0.5 sport=%d dport=80 flags=PA payload=GET_/x%d\n",
	        i, 1 + i % 20, 1024 + i, i } }'
}
# junk N SEED: N deterministic pseudo-random bytes
junk() {
	python3 -c 'import random, sys
r = random.Random(int(sys.argv[2]))
sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(int(sys.argv[1]))))' "$1" "$2"
}
# sids FILE: "N alerts, missing: ..." of event ids 1..200 in the alert JSON
sids() {
	sed -n 's/.*"signature_id":1\([0-9]*\),.*/\1/p' "$1" | awk '
	    { n++; if ($1 + 0 <= last) order = " out of order"; last = $1 + 0;
	      seen[$1 + 0] = 1 }
	    END { m = ""; for (i = 1; i <= 200; i++) if (!(i in seen)) m = m " " i
	      printf "%d alerts%s, missing:%s\n", n, order, m }'
}
want="200 alerts, missing:"

spec 1 100 | "$U2W" -o "$T/a.u2" && spec 101 100 | "$U2W" -o "$T/b.u2"
ok $? "u2write writes the two halves"
half=$(wc -c < "$T/a.u2" | tr -d ' ')
cat "$T/a.u2" "$T/b.u2" > "$T/c.u2"

# random garbage of several lengths between the halves
for g in "1 1" "7 2" "333 3" "4096 4" "70001 5"; do
	set -- $g
	{ cat "$T/a.u2"; junk "$1" "$2"; cat "$T/b.u2"; } > "$T/g$1.u2"
	"$REDRESS" replay --no-policy "$T/g$1.u2" >"$T/g$1.out" 2>"$T/g$1.err"
	is "$(sids "$T/g$1.out")" "$want" "$1 random bytes mid-file: all 200 events read, in order"
	check "$1 random bytes: logged with file, offset and bytes skipped" \
	    grep -q "corrupt at $T/g$1.u2 offset $half: .*; skipped $1 bytes to the next record at offset $((half + $1))" "$T/g$1.err"
done

# an impossible header (2 GiB) in the middle
echo "garbage huge" | "$U2W" -o "$T/huge.u2"
cat "$T/a.u2" "$T/huge.u2" "$T/b.u2" > "$T/h.u2"
"$REDRESS" replay --no-policy "$T/h.u2" >"$T/h.out" 2>"$T/h.err"
is "$(sids "$T/h.out")" "$want" "a 2 GiB record header mid-file: all 200 events read"

# 40 bytes of event 150's record overwritten in place: only it is lost
off=$(python3 -c 'import sys
d = open(sys.argv[1], "rb").read(); i = 0; n = 0
while i < len(d):
    t = int.from_bytes(d[i:i+4], "big"); l = int.from_bytes(d[i+4:i+8], "big")
    if t == 104:
        n += 1
        if n == 150: print(i); break
    i += 8 + l' "$T/c.u2")
cp "$T/c.u2" "$T/w.u2"
junk 40 9 | dd of="$T/w.u2" bs=1 seek="$off" conv=notrunc 2>/dev/null
"$REDRESS" replay --no-policy "$T/w.u2" >"$T/w.out" 2>"$T/w.err"
is "$(sids "$T/w.out")" "199 alerts, missing: 150" "a record overwritten mid-file: only its event is lost"

# a spool directory: the corrupt file is read to its end, then the next
mkdir "$T/spool" "$T/state"
cp "$T/g333.u2" "$T/spool/snort.u2.1700000001"
spec 201 50 | "$U2W" -o "$T/spool/snort.u2.1700000002"
cat > "$T/redress.yaml" <<EOC
general:
  state_dir: $T/state
  pid_file: $T/state/redress.pid
  user: ""
  allow_root: true
  dry_run: true
inputs:
  - type: unified2
    path: $T/spool
    prefix: snort.u2
    on_corrupt: skip
resolver:
  enabled: false
EOC
"$REDRESS" -c "$T/redress.yaml" run --once >"$T/run.out" 2>"$T/run.err"
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/run.err" | tail -5
is "$rc" 0 "run --once over the spool succeeds"
n=$(sqlite3 "$T/state/state.db" "select coalesce(sum(alerts), 0) from incident" 2>/dev/null)
is "$n" 250 "run --once: all 250 alerts of both files in incidents"
tap_done
