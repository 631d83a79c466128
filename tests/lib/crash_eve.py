#!/usr/bin/env python3
"""Deterministic EVE alert stream for the kill -9 tests (090_crash.sh).

  crash_eve.py gen --events N --seed S -o FILE
      N Suricata-shaped lines (alerts and a few flow/stats events) on an
      event clock of 0.2 s per line starting 2026-11-20 09:00 UTC:
      one-alert exploit sources (contained from their only alert), scanners
      and SSH brute forcers that come back after more than the test's
      incident_timeout, lone probes, compromised home hosts (internal
      reports) and DoS bursts on home hosts (upstream reports). Attackers
      are in 100.64.0.0/10, home hosts in 10.0.0.0/8.
  crash_eve.py write --rate R --from FILE -o FILE
      appends the lines of FILE to the output at R lines/s, in pieces of
      10 ms that sometimes end in the middle of a line (a writer's partial
      line), as a sensor does.
"""
import argparse
import datetime
import json
import random
import sys
import time

BASE = datetime.datetime(2026, 11, 20, 9, 0, 0,
                         tzinfo=datetime.timezone.utc).timestamp()
DUMPS = json.JSONEncoder(separators=(",", ":")).encode


def ts(t):
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.%f+0000")


def attacker(rnd):
    return "100.%d.%d.%d" % (64 + rnd.randrange(64), rnd.randrange(256),
                             1 + rnd.randrange(254))


def alert(t, fid, src, dst, dport, sid, sig, cat, sev, est=True):
    return {"timestamp": ts(t), "flow_id": fid, "in_iface": "eth1",
            "event_type": "alert", "src_ip": src, "src_port": 40000 + fid % 20000,
            "dest_ip": dst, "dest_port": dport, "proto": "TCP",
            "direction": "to_server",
            "alert": {"action": "allowed", "gid": 1, "signature_id": sid,
                      "rev": 1, "signature": sig, "category": cat,
                      "severity": sev},
            "flow": {"pkts_toserver": 6, "pkts_toclient": 5 if est else 0,
                     "bytes_toserver": 600, "bytes_toclient": 500 if est else 0,
                     "start": ts(t - 1)}}


def gen(n, seed, out):
    rnd = random.Random(seed)
    scanners = [attacker(rnd) for _ in range(max(8, n // 400))]
    brute = [attacker(rnd) for _ in range(max(4, n // 1000))]
    inside = ["10.0.0.%d" % (10 + i) for i in range(20)]
    ports = [21, 22, 23, 25, 53, 80, 110, 143, 443, 445, 1433, 3306, 3389,
             5432, 5900, 6379, 8080, 8443, 9200, 11211]
    i = 0
    burst = 0
    dos_dst = None
    with open(out, "w") as f:
        while i < n:
            t = BASE + i * 0.2
            fid = 1000000 + i
            r = rnd.random()
            if burst > 0:
                ev = alert(t, fid, attacker(rnd), dos_dst, 80, 2200001,
                           "TEST DoS SYN flood", "Attempted Denial of Service",
                           2, est=False)
                burst -= 1
            elif r < 0.002:
                burst = 149
                dos_dst = "10.0.1.%d" % (1 + rnd.randrange(20))
                continue
            elif r < 0.18:
                # a one-alert exploit source: contained from that alert
                ev = alert(t, fid, attacker(rnd), rnd.choice(inside), 80,
                           2006445, "TEST web attack", "Web Application Attack",
                           1)
            elif r < 0.30:
                # a lone probe that leads to nothing
                ev = alert(t, fid, attacker(rnd), rnd.choice(inside), 8080,
                           2100001, "TEST probe", "Misc activity", 3)
            elif r < 0.75:
                # scanners come back: most in bursts, some after long gaps
                k = int(len(scanners) * rnd.random() ** 2)
                ev = alert(t, fid, scanners[k], rnd.choice(inside),
                           rnd.choice(ports), 2001581, "TEST port scan",
                           "Potentially Bad Traffic", 2)
            elif r < 0.95:
                ev = alert(t, fid, rnd.choice(brute), rnd.choice(inside), 22,
                           2001219, "TEST SSH scan",
                           "Attempted Information Leak", 2)
            elif r < 0.97:
                ev = alert(t, fid, rnd.choice(inside), attacker(rnd), 443,
                           2024897, "TEST trojan beacon",
                           "A Network Trojan was detected", 1)
            elif r < 0.99:
                ev = {"timestamp": ts(t), "flow_id": fid, "event_type": "flow",
                      "src_ip": attacker(rnd), "src_port": 5555,
                      "dest_ip": rnd.choice(inside), "dest_port": 80,
                      "proto": "TCP", "flow": {"pkts_toserver": 1}}
            else:
                ev = {"timestamp": ts(t), "event_type": "stats",
                      "stats": {"uptime": i}}
            f.write(DUMPS(ev) + "\n")
            i += 1


def write(rate, src, out):
    data = open(src, "rb").read()
    lines = data.splitlines(keepends=True)
    rnd = random.Random(7)
    per = max(1, int(rate / 100))
    t0 = time.monotonic()
    with open(out, "ab", buffering=0) as f:
        for k in range(0, len(lines), per):
            chunk = b"".join(lines[k:k + per])
            if rnd.random() < 0.2 and k + per < len(lines):
                # end this piece in the middle of the next line
                nxt = lines[k + per]
                cut = rnd.randrange(1, len(nxt))
                chunk += nxt[:cut]
                lines[k + per] = nxt[cut:]
            f.write(chunk)
            due = t0 + (k + per) / rate
            d = due - time.monotonic()
            if d > 0:
                time.sleep(d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["gen", "write"])
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=1000)
    ap.add_argument("--from", dest="src")
    ap.add_argument("-o", dest="out", required=True)
    a = ap.parse_args()
    if a.cmd == "gen":
        gen(a.events, a.seed, a.out)
    else:
        write(a.rate, a.src, a.out)


if __name__ == "__main__":
    sys.exit(main())
