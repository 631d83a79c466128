/* SPDX-License-Identifier: MIT */
/*
 * Checks the report signing key with gpgme before any report is written:
 * exactly one secret key must match, it must be able to sign, and it must
 * be neither expired, revoked nor disabled. The passphrase comes from
 * gpg-agent; a loopback passphrase file must be private to its owner.
 * A failed check names the keyring (GnuPG home) it looked in.
 */
#include <errno.h>
#include <gpgme.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "report.h"

const char *
report_sign_keyring(void)
{
	const char	*home;

	gpgme_check_version(NULL);
	home = gpgme_get_dirinfo("homedir");
	return home != NULL ? home : "(GnuPG's default)";
}

int
report_sign_check(const struct report_conf *rc, struct err *e)
{
	gpgme_ctx_t	 ctx;
	gpgme_key_t	 key = NULL, extra = NULL;
	gpgme_subkey_t	 sk;
	gpgme_error_t	 ge;
	struct stat	 sb;
	int		 can_sign = 0, rv = -1;

	if (rc->sign_key == NULL || rc->sign_key[0] == '\0')
		return 0;
	if (rc->passphrase_file != NULL) {
		if (stat(rc->passphrase_file, &sb) == -1)
			return err_set(e, "passphrase file %s: %s",
			    rc->passphrase_file, strerror(errno));
		if ((sb.st_mode & 077) != 0)
			return err_set(e, "passphrase file %s: readable by "
			    "others (mode %04o), must be 0600 or stricter",
			    rc->passphrase_file, (int)(sb.st_mode & 07777));
	}
	gpgme_check_version(NULL);
	if ((ge = gpgme_new(&ctx)) != 0)
		return err_set(e, "gpgme: %s", gpgme_strerror(ge));
	if ((ge = gpgme_op_keylist_start(ctx, rc->sign_key, 1)) != 0) {
		err_set(e, "signing key \"%s\": %s", rc->sign_key,
		    gpgme_strerror(ge));
		goto out;
	}
	ge = gpgme_op_keylist_next(ctx, &key);
	if (ge != 0) {
		err_set(e, "signing key \"%s\": no such secret key",
		    rc->sign_key);
		goto out;
	}
	if (gpgme_op_keylist_next(ctx, &extra) == 0) {
		err_set(e, "signing key \"%s\": matches more than one secret "
		    "key; give the fingerprint", rc->sign_key);
		goto out;
	}
	if (key->revoked || key->expired || key->disabled || key->invalid) {
		err_set(e, "signing key \"%s\": %s", rc->sign_key,
		    key->revoked ? "revoked" : key->expired ? "expired" :
		    key->disabled ? "disabled" : "invalid");
		goto out;
	}
	for (sk = key->subkeys; sk != NULL; sk = sk->next)
		if (sk->can_sign && sk->secret && !sk->expired &&
		    !sk->revoked && !sk->disabled && !sk->invalid)
			can_sign = 1;
	if (!can_sign) {
		err_set(e, "signing key \"%s\": has no usable signing "
		    "(sub)key", rc->sign_key);
		goto out;
	}
	rv = 0;
out:
	gpgme_op_keylist_end(ctx);
	if (key != NULL)
		gpgme_key_unref(key);
	if (extra != NULL)
		gpgme_key_unref(extra);
	gpgme_release(ctx);
	if (rv != 0 && e != NULL && e->set) {
		size_t n = strlen(e->msg);

		snprintf(e->msg + n, sizeof(e->msg) - n, " in keyring %s",
		    report_sign_keyring());
	}
	return rv;
}
