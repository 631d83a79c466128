#!/bin/sh
# check-config checks, as the daemon's user (general.user, here nobody),
# that it can read its inputs: an EVE file it cannot read, a unified2
# spool directory it cannot list and a directory of an eve_socket it
# cannot write are errors at the input's path; files that are not there
# yet (the IDS has not started) are not. A configuration file only root
# can read is an error too: the unit starts the daemon as that user.
. "$(dirname "$0")/../lib/tap.sh"
need_root
id nobody >/dev/null 2>&1 || skip_all "no user nobody"
plan 9
T=$(mktemp -d /tmp/redress-t004.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
chmod 755 "$T"
mkdir -p "$T/state" "$T/log" "$T/spool" "$T/run"
chown nobody "$T/state"
: >"$T/log/eve.json"
chmod 600 "$T/log/eve.json"
chmod 700 "$T/spool" "$T/run"
G=$(id -gn nobody)
cat >"$T/redress.yaml" <<EOF
general:
  state_dir: $T/state
  user: nobody
  group: $G
resolver:
  rdap: false
inputs:
  - type: eve
    path: $T/log/eve.json
  - type: unified2
    path: $T/spool
    prefix: snort.log
  - type: eve_socket
    path: $T/run/eve.sock
  - type: eve
    path: $T/log/not-yet.json
EOF
"$REDRESS" -c "$T/redress.yaml" check-config >"$T/out" 2>&1
is "$?" 1 "unreadable inputs are errors"
check "the EVE file, at its path's line" grep -q "redress.yaml:9:11: inputs\[0\].path: $T/log/eve.json: not readable by user nobody" "$T/out"
check "the unified2 spool" grep -q "redress.yaml:11:11: inputs\[1\].path: $T/spool: not readable by user nobody" "$T/out"
check "the socket's directory" grep -q "redress.yaml:14:11: inputs\[2\].path: $T/run: not writable by user nobody" "$T/out"
check "a file not there yet is no error" sh -c "! grep -q 'not-yet.json' '$T/out'"
chmod 644 "$T/log/eve.json"
chmod 755 "$T/spool"
chown nobody "$T/run"
"$REDRESS" -c "$T/redress.yaml" check-config >"$T/out" 2>&1
is "$?" 0 "readable inputs pass"
[ "$(grep -c configuration "$T/out")" = 1 ] || sed 's/^/# /' "$T/out"
check "each input is named with what was checked" grep -q "input eve $T/log/eve.json: readable by user nobody" "$T/out"
chmod 600 "$T/redress.yaml"
"$REDRESS" -c "$T/redress.yaml" check-config >"$T/out" 2>&1
is "$?" 1 "a configuration only root can read is an error"
check "it says so" grep -q "redress.yaml: not readable by user nobody (the daemon's user" "$T/out"
tap_done
