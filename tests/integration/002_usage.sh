#!/bin/sh
# `redress --help` and redress(8) describe the same commands with the
# same options, and every command the README lists is one the binary
# knows: a user reading either finds what the binary accepts.
. "$(dirname "$0")/../lib/tap.sh"
plan 4
T=$(mktemp -d /tmp/redress-t002.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT INT TERM

"$REDRESS" --help >"$T/help" 2>&1
is "$?" 0 "--help exits 0"
# command -> its options, from each source
python3 - "$T/help" docs/redress.8.scd README.md "$T" <<'PY'
import re, sys
help_, man, readme, out = sys.argv[1:]
def opts(s): return sorted(set(re.findall(r"--[a-z][a-z-]*", s)))
h = {}
for l in open(help_):
    m = re.match(r"\s+redress ([a-z][a-z-]*)(.*)", l)
    if m: h[m.group(1)] = opts(m.group(2))
m_ = {}
text = open(man).read()
sect = text.split("# COMMANDS", 1)[1].split("\n# ", 1)[0]
# "*name* [*--opt* ...]" at the start of an entry or inside its text
tok = r"(?:\[[^\]\n]*\]|_[a-z]+_(?:\[[^\]\n]*\])?(?:\.\.\.)?|\*-?-?[a-z-]+\*(?:\.\.\.)?|\|)"
for m in re.finditer(r"\*([a-z][a-z-]*)\*((?:[ \t]*%s)*)" % tok, sect):
    if m.group(1) in h and m.group(1) not in m_:
        m_[m.group(1)] = opts(m.group(2).replace("*", ""))
blk = open(readme).read().split("## Commands", 1)[1].split("```")[1]
r = sorted(set(re.findall(r"^redress ([a-z-]+)", blk, re.M)) |
           set(re.findall(r"`redress ([a-z-]+)", blk)))
with open(out + "/help.txt", "w") as f:
    for k in sorted(h): f.write("%s %s\n" % (k, " ".join(h[k])))
with open(out + "/man.txt", "w") as f:
    for k in sorted(h): f.write("%s %s\n" % (k, " ".join(m_.get(k, ["(missing)"]))))
with open(out + "/readme.txt", "w") as f:
    f.write("\n".join(c for c in r if c not in h) + "\n")
PY
ok $? "the three texts parse"
if diff "$T/man.txt" "$T/help.txt" >"$T/diff"; then ok 0 "every command of --help is in redress(8) with the same options"
else ok 1 "every command of --help is in redress(8) with the same options"; sed 's/^/# /' "$T/diff"; fi
is "$(cat "$T/readme.txt")" "" "every command in the README's list is one --help names"
tap_done
