#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A loopback authoritative DNS server (python3-dnslib) for the resolver
# tests: answers PTR, A, AAAA and TXT from zone-file records given on the
# command line; NXDOMAIN for the rest.
#
#   dns_fake.py --port-file F [--port N] "NAME TTL IN TYPE RDATA"...
import argparse
import os
import sys
import time

from dnslib import RR, QTYPE, RCODE
from dnslib.server import BaseResolver, DNSServer


class ZoneResolver(BaseResolver):
    def __init__(self, rrs):
        self.rrs = rrs

    def resolve(self, request, handler):
        reply = request.reply()
        q = request.q
        for rr in self.rrs:
            if rr.rname == q.qname and (rr.rtype == q.qtype or
                                        q.qtype == QTYPE.ANY):
                reply.add_answer(rr)
        if not reply.rr:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("records", nargs="*")
    a = ap.parse_args()
    rrs = []
    for r in a.records:
        rrs.extend(RR.fromZone(r))
    srv = DNSServer(ZoneResolver(rrs), port=a.port, address="127.0.0.1")
    srv.start_thread()
    port = srv.server.server_address[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as pf:
            pf.write("%d\n" % port)
        os.rename(a.port_file + ".tmp", a.port_file)
    try:
        while srv.isAlive():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
