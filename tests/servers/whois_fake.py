#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A loopback whois (RFC 3912) server for the resolver tests: answers
# queries from recorded registry responses, or misbehaves on purpose
# (never answers, 10 MB of noise, "query limit exceeded").
#
#   whois_fake.py --port-file F [--port N] [--map QUERY=FILE]...
#                 [--default FILE] [--mode normal|silent|noise|ratelimit]
#                 [--log FILE]
#
# The query's registry flags ("-r ", "-b ", "n + ") are stripped before
# it is looked up in the --map table; --default answers the rest.
import argparse
import socket
import socketserver
import sys
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--map", action="append", default=[])
    ap.add_argument("--default")
    ap.add_argument("--mode", default="normal",
                    choices=["normal", "silent", "noise", "ratelimit"])
    ap.add_argument("--log")
    a = ap.parse_args()
    table = {}
    for m in a.map:
        q, _, f = m.partition("=")
        with open(f, "rb") as fh:
            table[q.strip().lower()] = fh.read()
    default = None
    if a.default:
        with open(a.default, "rb") as fh:
            default = fh.read()
    lock = threading.Lock()

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            self.request.settimeout(10)
            try:
                line = self.rfile.readline(4096)
            except OSError:
                return
            q = line.decode("latin-1").strip()
            if a.log:
                with lock, open(a.log, "a") as lf:
                    lf.write(q + "\n")
            if a.mode == "silent":
                # Accept, read, never answer: the client must time out.
                threading.Event().wait(30)
                return
            if a.mode == "noise":
                chunk = (b"noise " * 170 + b"\n")
                try:
                    for _ in range(10 * 1024 * 1024 // len(chunk) + 1):
                        self.wfile.write(chunk)
                except OSError:
                    pass
                return
            if a.mode == "ratelimit":
                self.wfile.write(b"\n% Joint Whois - whois.lacnic.net\n"
                                 b"\nQuery rate limit exceeded\n")
                return
            for flag in ("-r ", "-b ", "-B ", "n + ", "n "):
                while q.startswith(flag):
                    q = q[len(flag):].strip()
            body = table.get(q.lower(), default)
            if body is None:
                body = b"% No entries found for " + q.encode() + b"\n"
            try:
                self.wfile.write(body)
            except OSError:
                pass

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", a.port), Handler)
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as pf:
            pf.write("%d\n" % srv.server_address[1])
        import os
        os.rename(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
