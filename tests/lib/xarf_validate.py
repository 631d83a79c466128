#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# xarf_validate.py [--schemas DIR] MSG|MAILDIR...: checks every report
# message against the published X-ARF material (DIR, default
# $XARF_SCHEMAS, else $SHARED/reference/xarf, else the shared/ beside
# the source tree):
#  - X-ARF 0.2 (xarf-specification 0.2): X-XARF PLAIN is a multipart/mixed
#    of exactly three parts (text/plain utf-8; report.txt text/plain
#    utf-8; the evidence of the type its Attachment: names);
#    X-XARF SECURE is a multipart/signed whose signed part is the PLAIN
#    message in a message/rfc822 container (xarf.eml); Auto-Submitted;
#    report.txt is YAML valid against its Schema-URL's xarf-schemata file
#    (JSON Schema draft 02: fields required unless optional).
#  - every xarf.json part validates against the abusix/xarf schemas of
#    the Version it claims (draft 07), and its samples carry no record of
#    the reporter's own input (file paths, offsets).
# Prints one line per message and "N of M reports valid"; exit 0 when
# all are valid, 1 when not, 2 on usage errors.
import email
import email.policy
import ipaddress
import json
import os
import re
import sys

import jsonschema
import yaml

try:
    import referencing
    import referencing.jsonschema
except ImportError:     # jsonschema before 4.18
    referencing = None

DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?"
                       r"(Z|[+-]\d\d:\d\d)$", re.I)
HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
                      r"\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", re.I)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def checker():
    fc = jsonschema.FormatChecker()

    @fc.checks("date-time")
    def _dt(v):
        return not isinstance(v, str) or bool(DATE_TIME.match(v))

    @fc.checks("hostname")
    def _host(v):
        return not isinstance(v, str) or bool(HOSTNAME.match(v))

    @fc.checks("email")
    def _mail(v):
        return not isinstance(v, str) or bool(EMAIL.match(v))

    @fc.checks("ipv4")
    def _v4(v):
        if not isinstance(v, str):
            return True
        try:
            ipaddress.IPv4Address(v)
            return True
        except ValueError:
            return False

    @fc.checks("ipv6")
    def _v6(v):
        if not isinstance(v, str):
            return True
        try:
            ipaddress.IPv6Address(v)
            return True
        except ValueError:
            return False

    @fc.checks("uri")
    def _uri(v):
        return not isinstance(v, str) or bool(re.match(r"^[a-z][a-z0-9+.-]*:"
                                                        r"\S+$", v, re.I))
    return fc


FORMATS = checker()


class YamlNoDates(yaml.SafeLoader):
    """YAML as X-ARF means it: a date stays the string it was."""


YamlNoDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def draft02_to_03(schema):
    """Draft 02 (fields required unless "optional") as draft 03."""
    out = dict(schema)
    props, deps = {}, {}
    for name, p in schema.get("properties", {}).items():
        q = {k: v for k, v in p.items() if k not in ("optional", "requires")}
        q["required"] = not p.get("optional", False)
        if "requires" in p:
            deps[name] = p["requires"]
        props[name] = q
    out["properties"] = props
    if deps:
        out["dependencies"] = deps
    return out


# Appendix B of the specification: mandatory in every report.txt.
MANDATORY = ["Reported-From", "Category", "Report-Type", "User-Agent",
             "Report-ID", "Date", "Source", "Source-Type", "Attachment",
             "Schema-URL"]


def short(msg, n=160):
    return msg if len(msg) <= n else msg[:n] + "..."


def report_types(schema):
    """The ReportType values a per-type schema allows."""
    out = []

    def walk(o):
        if isinstance(o, dict):
            rt = o.get("properties", {}).get("ReportType") \
                if isinstance(o.get("properties"), dict) else None
            if isinstance(rt, dict) and "enum" in rt:
                out.extend(rt["enum"])
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(schema)
    return out


def charset(part):
    return (part.get_content_charset() or "").lower()


class Checker:
    def __init__(self, root):
        self.root = root
        self.v02 = os.path.join(root, "xarf-schemata")
        self.json_root = os.path.join(root, "abusix")
        self.registry = None
        self.by_id = {}
        for d, _, files in os.walk(self.json_root):
            for f in files:
                if f.endswith(".json"):
                    s = json.load(open(os.path.join(d, f)))
                    if "$id" in s:
                        self.by_id[s["$id"]] = s
        if referencing is not None:
            self.registry = referencing.Registry().with_resources(
                (i, referencing.Resource.from_contents(
                    s, default_specification=referencing.jsonschema.DRAFT7))
                for i, s in self.by_id.items())

    # ---- X-ARF 0.2 ----
    def report_txt(self, text, where, errs):
        try:
            rep = yaml.load(text, Loader=YamlNoDates)
        except yaml.YAMLError as e:
            errs.append("%s: not YAML: %s" % (where, str(e).splitlines()[0]))
            return None
        if not isinstance(rep, dict):
            errs.append("%s: not a YAML mapping" % where)
            return None
        for k in MANDATORY:
            if k not in rep:
                errs.append("%s: %s missing" % (where, k))
        url = str(rep.get("Schema-URL", ""))
        name = url.rsplit("/", 1)[-1]
        path = os.path.join(self.v02, name)
        if not name or not os.path.isfile(path):
            errs.append("%s: Schema-URL %s names no published schema"
                        % (where, url or "(none)"))
            return rep
        schema = draft02_to_03(json.load(open(path)))
        v = jsonschema.Draft3Validator(schema, format_checker=FORMATS)
        for e in sorted(v.iter_errors(rep), key=lambda e: list(e.path)):
            errs.append("%s: %s%s" % (where, "/".join(map(str, e.path)) +
                                      ": " if e.path else "",
                                      short(e.message)))
        return rep

    def plain(self, m, where, errs):
        if m.get("X-XARF", "").strip() != "PLAIN":
            errs.append("%s: X-XARF is %r, not PLAIN" %
                        (where, m.get("X-XARF")))
        if m.get("Auto-Submitted", "").strip() != "auto-generated":
            errs.append("%s: Auto-Submitted: auto-generated missing" % where)
        if m.get_content_type() != "multipart/mixed":
            errs.append("%s: PLAIN is %s, not multipart/mixed" %
                        (where, m.get_content_type()))
            return None
        parts = m.get_payload()
        if len(parts) != 3:
            errs.append("%s: %d MIME parts, X-ARF has exactly 3" %
                        (where, len(parts)))
        if not parts:
            return None
        p1 = parts[0]
        if p1.get_content_type() != "text/plain" or charset(p1) != "utf-8":
            errs.append("%s: part 1 is %s charset=%s, not text/plain utf-8"
                        % (where, p1.get_content_type(), charset(p1)))
        if len(parts) < 2:
            return None
        p2 = parts[1]
        if p2.get_content_type() != "text/plain" or charset(p2) != "utf-8":
            errs.append("%s: part 2 is %s charset=%s, not text/plain utf-8"
                        % (where, p2.get_content_type(), charset(p2)))
        if (p2.get_param("name") or p2.get_filename()) != "report.txt":
            errs.append("%s: part 2 is not named report.txt" % where)
        text = p2.get_payload(decode=True).decode("utf-8", "replace")
        rep = self.report_txt(text, where + " report.txt", errs)
        if rep is None:
            return None
        att = str(rep.get("Attachment", ""))
        if att == "none":
            if len(parts) > 2:
                errs.append("%s: Attachment: none but a third part" % where)
        elif len(parts) >= 3 and parts[2].get_content_type() != att:
            errs.append("%s: Attachment: %s but part 3 is %s" %
                        (where, att, parts[2].get_content_type()))
        elif len(parts) < 3:
            errs.append("%s: Attachment: %s but no third part" % (where, att))
        return rep

    def secure(self, m, where, errs):
        if m.get("Auto-Submitted", "").strip() != "auto-generated":
            errs.append("%s: Auto-Submitted: auto-generated missing" % where)
        ct = m.get_content_type()
        if ct != "multipart/signed":
            errs.append("%s: SECURE as %s is not checked (only "
                        "multipart/signed is written)" % (where, ct))
            return None
        parts = m.get_payload()
        if len(parts) != 2:
            errs.append("%s: multipart/signed of %d parts, not 2" %
                        (where, len(parts)))
            return None
        if parts[1].get_content_type() not in ("application/pgp-signature",
                                               "application/pkcs7-signature"):
            errs.append("%s: second part %s is no signature" %
                        (where, parts[1].get_content_type()))
        c = parts[0]
        if c.get_content_type() != "message/rfc822":
            errs.append("%s: signed part is %s, not the message/rfc822 "
                        "container" % (where, c.get_content_type()))
            return None
        if (c.get_param("name") or c.get_filename()) != "xarf.eml":
            errs.append("%s: container is not named xarf.eml" % where)
        inner = c.get_payload()[0]
        return self.plain(inner, where + " xarf.eml", errs)

    # ---- XARF JSON ----
    def xarf_json(self, data, where, errs):
        try:
            doc = json.loads(data)
        except ValueError as e:
            errs.append("%s: not JSON: %s" % (where, e))
            return None
        ver = str(doc.get("Version", "")) if isinstance(doc, dict) else ""
        top = [i for i in self.by_id
               if i.endswith("/schemas/%s/xarf.schema.json" % ver)]
        if not top:
            errs.append("%s: Version %r has no published schema" %
                        (where, ver))
            return doc
        rtype = (doc.get("Report") or {}).get("ReportType") \
            if isinstance(doc.get("Report"), dict) else None
        schema, types = None, []
        base = top[0].rsplit("/", 1)[0] + "/"
        for ref in self.by_id[top[0]].get("oneOf", []):
            s = self.by_id.get(base + ref["$ref"])
            enum = report_types(s) if s else []
            types += enum
            if rtype in enum:
                schema = s
        if schema is None:
            errs.append("%s: ReportType %r is not one of version %s (%s)" %
                        (where, rtype, ver, ", ".join(sorted(types))))
            return doc
        if self.registry is not None:
            v = jsonschema.Draft7Validator(schema, registry=self.registry,
                                           format_checker=FORMATS)
        else:
            res = jsonschema.RefResolver.from_schema(schema,
                                                     store=self.by_id)
            v = jsonschema.Draft7Validator(schema, resolver=res,
                                           format_checker=FORMATS)
        for e in sorted(v.iter_errors(doc), key=lambda e: list(e.path)):
            while e.context:
                e = jsonschema.exceptions.best_match(e.context)
            errs.append("%s: version %s %s: %s%s" % (
                where, ver, rtype, "/".join(map(str, e.absolute_path)) +
                ": " if e.absolute_path else "", short(e.message)))
        rep = doc.get("Report", {}) if isinstance(doc, dict) else {}
        for s in rep.get("Samples", []) if isinstance(rep, dict) else []:
            t = json.dumps(s)
            if '\\"redress\\"' in t or '\\"offset\\"' in t or \
                    '\\"file\\"' in t:
                errs.append("%s: a sample carries the reporter's input "
                            "record (file, offset)" % where)
                break
        return doc

    def walk_json(self, m, where, errs, found):
        for p in m.walk():
            if p.get_content_type() == "message/rfc822":
                continue
            if p.get_filename() == "xarf.json" or \
                    p.get_content_type() == "application/json":
                found.append(self.xarf_json(p.get_payload(decode=True),
                                            where + " xarf.json", errs))

    def message(self, path):
        errs = []
        m = email.message_from_bytes(open(path, "rb").read(),
                                     policy=email.policy.compat32)
        kind = m.get("X-XARF")
        what = []
        rep = None
        if kind is not None:
            kind = kind.strip()
            if kind == "PLAIN":
                rep = self.plain(m, "message", errs)
            elif kind == "SECURE":
                rep = self.secure(m, "message", errs)
            else:
                errs.append("X-XARF: %s is not PLAIN or SECURE" % kind)
            what.append("X-XARF %s %s" % (kind, rep.get("Report-Type")
                                          if rep else "?"))
        else:
            for p in m.walk():
                if p.get_filename() == "report.txt":
                    errs.append("report.txt without an X-XARF header")
        found = []
        self.walk_json(m, "message", errs, found)
        for d in found:
            if isinstance(d, dict):
                what.append("XARF JSON %s %s" % (d.get("Version"),
                            (d.get("Report") or {}).get("ReportType")))
        return errs, ", ".join(what) or "no machine-readable part"


def main(argv):
    shared = os.environ.get("SHARED") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
        "shared")
    root = os.environ.get("XARF_SCHEMAS") or os.path.join(
        shared, "reference", "xarf")
    args = argv[1:]
    if args[:1] == ["--schemas"] and len(args) > 1:
        root, args = args[1], args[2:]
    if not args:
        print("usage: xarf_validate.py [--schemas DIR] MSG|MAILDIR...",
              file=sys.stderr)
        return 2
    if not os.path.isdir(os.path.join(root, "xarf-schemata")):
        print("xarf_validate: no schemas in %s" % root, file=sys.stderr)
        return 2
    files = []
    for a in args:
        if os.path.isdir(a):
            for sub in ("new", "cur", ""):
                d = os.path.join(a, sub)
                if os.path.isdir(d):
                    files += sorted(os.path.join(d, f) for f in os.listdir(d)
                                    if os.path.isfile(os.path.join(d, f)))
        else:
            files.append(a)
    c = Checker(root)
    ok = 0
    for f in files:
        errs, what = c.message(f)
        if errs:
            print("INVALID %s (%s)" % (os.path.basename(f), what))
            for e in errs:
                print("  " + e)
        else:
            ok += 1
            print("valid   %s (%s)" % (os.path.basename(f), what))
    print("%d of %d reports valid" % (ok, len(files)))
    return 0 if files and ok == len(files) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
