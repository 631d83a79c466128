#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A loopback RDAP (RFC 9082/9083) HTTP server for the resolver tests:
# serves recorded registry JSON by path, redirects like the RIRs do for
# space another RIR holds, and can answer 429 or oversized bodies.
#
#   rdap_fake.py --port-file F [--port N] [--map PATH=FILE]...
#                [--redirect PATH=URL]... [--status PATH=CODE]...
#                [--log FILE]
#
# PATH is the request path such as /ripe/ip/62.239.237.1; anything else
# gets 404 with an RDAP error object.
import argparse
import http.server
import json
import os
import sys
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--map", action="append", default=[])
    ap.add_argument("--redirect", action="append", default=[])
    ap.add_argument("--status", action="append", default=[])
    ap.add_argument("--log")
    a = ap.parse_args()
    files, redirects, statuses = {}, {}, {}
    for m in a.map:
        p, _, f = m.partition("=")
        with open(f, "rb") as fh:
            files[p] = fh.read()
    for m in a.redirect:
        p, _, u = m.partition("=")
        redirects[p] = u
    for m in a.status:
        p, _, c = m.partition("=")
        statuses[p] = int(c)
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            pass

        def do_GET(self):
            if a.log:
                with lock, open(a.log, "a") as lf:
                    lf.write(self.path + "\n")
            if self.path in statuses:
                self.send_response(statuses[self.path])
                self.send_header("Retry-After", "60")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path in redirects:
                self.send_response(301)
                self.send_header("Location", redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = files.get(self.path)
            code = 200
            if body is None:
                code = 404
                body = json.dumps({"errorCode": 404, "title": "Not Found"}
                                  ).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/rdap+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as pf:
            pf.write("%d\n" % srv.server_address[1])
        os.rename(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
