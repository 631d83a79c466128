#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# pgpmime_verify.py MSG: checks a PGP/MIME (RFC 3156) message with
# `gpg --verify` over the exact signed part (its first MIME part, line
# ends made CRLF), in the caller's GNUPGHOME. Prints gpg's lines; the exit
# status is gpg's (2: not multipart/signed). Used by the demo and tests.
import email
import email.policy
import os
import subprocess
import sys
import tempfile

raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.compat32)
if m.get_content_type() != "multipart/signed":
    print("not multipart/signed: %s" % m.get_content_type())
    sys.exit(2)
body = raw.split(b"\n\n", 1)[1]
b = ("--" + m.get_boundary()).encode()
first = body.split(b + b"\n", 1)[1].split(b"\n" + b, 1)[0]
with tempfile.TemporaryDirectory() as d:
    signed, sig = os.path.join(d, "signed"), os.path.join(d, "sig")
    open(signed, "wb").write(first.replace(b"\n", b"\r\n"))
    open(sig, "wb").write(m.get_payload()[1].get_payload(decode=True))
    r = subprocess.run(["gpg", "--batch", "--verify", sig, signed],
                       capture_output=True, text=True)
print("\n".join(l for l in r.stderr.splitlines() if "gpg:" in l))
sys.exit(r.returncode)
