#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Test SMTP server (python3-aiosmtpd): saves each accepted message as
# DIR/msg-N.eml and appends the SMTP transcript of envelopes to
# DIR/transcript. Options: --tls CERT KEY (offer STARTTLS, require it),
# --auth USER:PASS (require AUTH PLAIN/LOGIN), --fail RCPT=CODE (answer
# that RCPT TO with CODE, e.g. 550 or 451), --drop (close the connection
# after DATA without answering, as a crash of the relay would).
import argparse, asyncio, os, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument('--port', type=int, required=True)
ap.add_argument('--dir', required=True)
ap.add_argument('--tls', nargs=2)
ap.add_argument('--auth')
ap.add_argument('--fail', action='append', default=[])
ap.add_argument('--drop', action='store_true')
a = ap.parse_args()
fail = dict(f.split('=', 1) for f in a.fail)
count = [0]

def log(line):
    with open(os.path.join(a.dir, 'transcript'), 'a') as f:
        f.write(line + '\n')

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, opts):
        if address in fail:
            code = fail[address]
            log('RCPT %s -> %s' % (address, code))
            return '%s %s.1.1 refused by test' % (code, code[0])
        envelope.rcpt_tos.append(address)
        log('RCPT %s -> 250' % address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        if a.drop:
            log('DATA dropped')
            session.transport.close() if hasattr(session, 'transport') else None
            server.transport.close()
            return '421 dropped'
        count[0] += 1
        p = os.path.join(a.dir, 'msg-%d.eml' % count[0])
        with open(p, 'wb') as f:
            f.write(envelope.original_content or envelope.content)
        log('DATA from=%s to=%s tls=%s auth=%s saved=%s' % (
            envelope.mail_from, ','.join(envelope.rcpt_tos),
            session.ssl is not None, session.authenticated, p))
        return '250 Message accepted'

def authenticator(server, session, envelope, mechanism, data):
    if not isinstance(data, LoginPassword):
        return AuthResult(success=False, handled=False)
    user, pw = a.auth.split(':', 1)
    ok = data.login.decode() == user and data.password.decode() == pw
    log('AUTH %s %s' % (data.login.decode(), 'ok' if ok else 'bad'))
    return AuthResult(success=ok)

kw = {}
if a.tls:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.tls[0], a.tls[1])
    kw.update(tls_context=ctx, require_starttls=True)
if a.auth:
    kw.update(authenticator=authenticator, auth_required=True,
              auth_require_tls=bool(a.tls))
c = Controller(Handler(), hostname='127.0.0.1', port=a.port, **kw)
c.start()
with open(os.path.join(a.dir, 'ready'), 'w') as f:
    f.write('ok\n')
try:
    asyncio.get_event_loop().run_forever() if False else __import__('signal').pause()
finally:
    c.stop()
