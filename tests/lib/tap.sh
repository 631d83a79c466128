# TAP helpers for integration scripts (sourced). Each script calls
# plan N (or skip_all REASON), then ok/fail/is, and cleanup via traps.
_tap_n=0
_tap_failed=0
plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
ok() {	# ok COND-EXIT-STATUS DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2"
	else echo "not ok $_tap_n - $2"; _tap_failed=$((_tap_failed + 1)); fi
}
check() {	# check DESCRIPTION COMMAND...: ok if the command succeeds
	_d=$1; shift
	if "$@" >/dev/null 2>&1; then ok 0 "$_d"; else ok 1 "$_d"; fi
}
is() {	# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"
	else ok 1 "$3"; echo "#   got:  '$1'"; echo "#   want: '$2'"; fi
}
diag() { echo "# $*"; }
need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root (CAP_NET_ADMIN)"; }
# wait_for SECONDS COMMAND...: polls every 0.1 s, bounded.
wait_for() {
	_t=$(($1 * 10)); shift
	while [ "$_t" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; _t=$((_t - 1))
	done
	return 1
}
# free_port: a free TCP port on 127.0.0.1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tap_done() { exit $((_tap_failed > 0)); }
