# A real Postfix for tests (sourced): Debian's postfix with its own config,
# queue and data directories, listening on 127.0.0.1:PORT only, STARTTLS
# with a self-signed certificate (TLS 1.3 allowed, as Postfix's default),
# SASL AUTH through its own Cyrus sasldb, and every recipient delivered by
# the virtual agent into one Maildir the test reads.
#
#   pf_start DIR PORT USER PASS   make DIR/{etc,queue,data,Maildir}, the
#                                 certificate DIR/cert.pem (trust it with
#                                 smtp.ca_file), start; sets PF_DIR,
#                                 PF_MAILDIR, PF_CERT, PF_PID
#   PF_SMTPS_PORT=N               optional: also implicit TLS (smtps) on N
#   PF_WRAP="taskset -c 0 chrt -f 10"   optional prefix for the master
#                                 (its children inherit CPU and priority)
#   pf_settled SECONDS            waits until the queue is empty
#   pf_count                      messages delivered to PF_MAILDIR
#   pf_stop                       postfix -c DIR stop, then the PID
#
# Needs root (the master binds and drops to the postfix user).
PF_DIR=
PF_PID=
pf_available() {
	[ "$(id -u)" = 0 ] && command -v postfix >/dev/null 2>&1 &&
	    command -v saslpasswd2 >/dev/null 2>&1 &&
	    [ -x /usr/lib/postfix/sbin/master ] &&
	    getent passwd postfix >/dev/null 2>&1
}
pf_start() {
	PF_DIR=$1
	_pf_port=$2
	_pf_user=$3
	_pf_pass=$4
	_pf_owner=$(id -u nobody 2>/dev/null || echo 65534)
	_pf_group=$(id -g nobody 2>/dev/null || echo 65534)
	PF_MAILDIR=$PF_DIR/Maildir
	PF_CERT=$PF_DIR/cert.pem
	mkdir -p "$PF_DIR/etc" "$PF_DIR/queue" "$PF_DIR/data" "$PF_DIR/etc/sasl" \
	    "$PF_MAILDIR/new" "$PF_MAILDIR/cur" "$PF_MAILDIR/tmp" || return 1
	chown postfix "$PF_DIR/data" || return 1
	chown -R "$_pf_owner:$_pf_group" "$PF_MAILDIR" || return 1
	# smtpd, cleanup and virtual run as postfix/nobody: let them through.
	chmod 755 "$PF_DIR"
	chmod o+x "$(dirname "$PF_DIR")"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	    -keyout "$PF_DIR/etc/key.pem" -out "$PF_CERT" >/dev/null 2>&1 ||
	    return 1
	chmod 600 "$PF_DIR/etc/key.pem"
	# Cyrus sasldb of our own, readable by smtpd (user postfix) only.
	echo "$_pf_pass" | saslpasswd2 -p -c -f "$PF_DIR/etc/sasl/sasldb2" \
	    -u relay.test "$_pf_user" || return 1
	chown postfix "$PF_DIR/etc/sasl/sasldb2"
	chmod 600 "$PF_DIR/etc/sasl/sasldb2"
	cat >"$PF_DIR/etc/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $PF_DIR/etc/sasl/sasldb2
EOF
	cat >"$PF_DIR/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
myhostname = relay.test
mydomain = relay.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks =
syslog_name = postfix-test-$_pf_port
maillog_file = $PF_DIR/maillog
maillog_file_prefixes = $PF_DIR
alias_maps =
alias_database =
local_recipient_maps =
smtputf8_enable = no
biff = no
virtual_mailbox_domains = static:all
virtual_mailbox_base = $PF_DIR
virtual_mailbox_maps = static:Maildir/
virtual_minimum_uid = 1
virtual_uid_maps = static:$_pf_owner
virtual_gid_maps = static:$_pf_group
message_size_limit = 20480000
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_cert_file = $PF_CERT
smtpd_tls_key_file = $PF_DIR/etc/key.pem
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = relay.test
cyrus_sasl_config_path = $PF_DIR/etc/sasl
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_recipient_rate_limit = 0
smtpd_error_sleep_time = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
EOF
	# Only the services a relay with virtual delivery needs; no chroot.
	cat >"$PF_DIR/etc/master.cf" <<EOF
127.0.0.1:$_pf_port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
virtual   unix  -       n       n       -       -       virtual
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	[ -z "$PF_SMTPS_PORT" ] || echo "127.0.0.1:$PF_SMTPS_PORT inet n - n - - smtpd -o smtpd_tls_wrappermode=yes" \
	    >>"$PF_DIR/etc/master.cf"
	postfix -c "$PF_DIR/etc" check >"$PF_DIR/start.log" 2>&1 || return 1
	# shellcheck disable=SC2086
	$PF_WRAP postfix -c "$PF_DIR/etc" start >>"$PF_DIR/start.log" 2>&1 ||
	    return 1
	wait_for 10 test -s "$PF_DIR/queue/pid/master.pid" || return 1
	PF_PID=$(tr -d ' ' <"$PF_DIR/queue/pid/master.pid")
	wait_for 10 sh -c "echo QUIT | nc -w 2 127.0.0.1 $_pf_port | grep -q '^220'"
}
# Messages waiting in the queue (not yet delivered or bounced).
pf_queued() {
	find "$PF_DIR/queue/incoming" "$PF_DIR/queue/active" \
	    "$PF_DIR/queue/deferred" "$PF_DIR/queue/maildrop" -type f \
	    2>/dev/null | wc -l
}
pf_settled() { wait_for "$1" sh -c "[ \$(find '$PF_DIR/queue/incoming' '$PF_DIR/queue/active' '$PF_DIR/queue/deferred' '$PF_DIR/queue/maildrop' -type f 2>/dev/null | wc -l) = 0 ]"; }
pf_count() { find "$PF_MAILDIR/new" "$PF_MAILDIR/cur" -type f | wc -l; }
pf_stop() {
	[ -n "$PF_DIR" ] || return 0
	postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1
	if [ -n "$PF_PID" ]; then
		_pf_t=50
		while kill -0 "$PF_PID" 2>/dev/null && [ $_pf_t -gt 0 ]; do
			sleep 0.1; _pf_t=$((_pf_t - 1))
		done
		kill -9 "$PF_PID" 2>/dev/null
	fi
	PF_PID=
	PF_DIR=
}
