#!/bin/sh
# The CLI basics against the real binary: usage, check-config with every
# error reported as file:line:col, replay format detection and errors.
. "$(dirname "$0")/../lib/tap.sh"
plan 12
T=$(mktemp -d /tmp/redress-t001.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

"$REDRESS" >/dev/null 2>&1; is "$?" 2 "no command is a usage error (exit 2)"
"$REDRESS" frobnicate >/dev/null 2>"$T/err"; is "$?" 2 "unknown command exits 2"
check "unknown command is named" grep -q 'unknown command "frobnicate"' "$T/err"

# The example names the installed templates and bootstrap: here, the tree's.
sed -e "s|^  templates: [^ ]*|  templates: $PWD/templates|" \
    -e "s|^  bootstrap_dir: .*|  bootstrap_dir: $PWD/config/rdap-bootstrap|" \
    config/redress.yaml > "$T/example.yaml"
"$REDRESS" -c "$T/example.yaml" check-config >"$T/out" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$T/out"
is "$rc" 0 "the bundled example configuration is valid"

cat > "$T/bad.yaml" <<'YAML'
general:
  state_dir: /tmp
  log_level: chatty
  commit_batch: zero
inputs:
  - type: eve
    path: /tmp/eve.json
    colour: blue
  - type: carrier-pigeon
unknown_section: {}
YAML
"$REDRESS" -c "$T/bad.yaml" check-config >"$T/out" 2>&1
is "$?" 1 "a bad configuration exits 1"
check "log_level error names file:line:col" grep -q "bad.yaml:3:14: general.log_level: unknown value" "$T/out"
check "wrong type names file:line:col" grep -q "bad.yaml:4:17: general.commit_batch: expected an integer" "$T/out"
check "unknown key in an input is reported" grep -q "bad.yaml:8:5: inputs\[0\].colour: unknown key" "$T/out"
check "unknown input type is reported" grep -q 'bad.yaml:9:11: .*unknown input type "carrier-pigeon"' "$T/out"
check "unknown section is reported" grep -q "bad.yaml:10:1: unknown_section: unknown section" "$T/out"

"$REDRESS" -c "$T/missing.yaml" check-config >"$T/out" 2>&1
check "a missing file is named" grep -q "missing.yaml: cannot open" "$T/out"

printf 'this is neither unified2 nor JSON\n' > "$T/junk.txt"
"$REDRESS" replay "$T/junk.txt" >/dev/null 2>"$T/err"
check "replay refuses an unknown format, naming the file" grep -q "junk.txt: not unified2, EVE JSON or Snort 3 JSON" "$T/err"
tap_done
