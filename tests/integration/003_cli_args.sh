#!/bin/sh
# Arguments a person types are checked before anything is done: an
# unknown `queue list --state` is an error naming the states (it listed
# nothing and exited 0), and a `queue reject --reason` that is not one
# line of UTF-8 text is refused (`queue show` printed it raw, a newline
# making a line that looked like another field). Counts are said in the
# singular for one ("1 alert", not "1 alerts"). An unknown queue command
# is named before the store is opened.
. "$(dirname "$0")/../lib/tap.sh"
plan 9
T=$(mktemp -d /tmp/redress-t003.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

"$REDRESS" queue --store "$T/s.db" list --state bogus >"$T/out" 2>&1
is "$?" 2 "queue list --state bogus is a usage error"
check "it names the states" grep -q -- '--state "bogus": one of draft, approved' "$T/out"
"$REDRESS" queue --store "$T/s.db" list --state draft >"$T/out" 2>&1
is "$?" 0 "queue list --state draft is fine"
"$REDRESS" queue --store "$T/s.db" reject 1 --reason "$(printf 'no\nState:     sent')" >"$T/out" 2>&1
is "$?" 2 "a --reason with a newline is refused"
"$REDRESS" queue --store "$T/s.db" reject 1 --reason "$(printf 'bad \033[2J')" >"$T/out" 2>&1
is "$?" 2 "a --reason with an escape byte is refused"

head -1 demo/data/eve.json >"$T/one.json"
"$REDRESS" replay --store "$T/r.db" "$T/one.json" >/dev/null 2>"$T/err"
check "replay of one line: 1 event, 1 alert" grep -q "eve, 1 event, 1 alert, 0 bad" "$T/err"
check "and 1 incident, 1 decision" grep -q "^replay: 1 alert, 0 bad, 1 incident, 1 decision (" "$T/err"

"$REDRESS" queue --store "$T/q.db" frob >"$T/out" 2>&1
is "$?" 2 "queue frob is a usage error"
check "it is named, and no store is made for it" sh -c "grep -q 'queue: unknown command \"frob\"' '$T/out' && [ ! -e '$T/q.db' ]"
tap_done
