# Throwaway GnuPG home for tests (sourced): gpg_setup DIR makes DIR/gnupg
# with one passphrase-less ed25519 signing key for UID and exports
# GNUPGHOME and GPG_FPR; gpg_cleanup stops its agent.
gpg_setup() {
	GNUPGHOME="$1/gnupg"
	export GNUPGHOME
	mkdir -m 700 -p "$GNUPGHOME" || return 1
	gpg --batch --quiet --passphrase '' --quick-gen-key \
	    "${2:-Redress Test <reports@example.org>}" ed25519 sign 1y \
	    >/dev/null 2>&1 || return 1
	GPG_FPR=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null |
	    awk -F: '$1 == "fpr" { print $10; exit }')
	export GPG_FPR
	[ -n "$GPG_FPR" ]
}
gpg_cleanup() {
	[ -n "$GNUPGHOME" ] && gpgconf --kill gpg-agent >/dev/null 2>&1
	return 0
}
