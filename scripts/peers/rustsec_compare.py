#!/usr/bin/env python3
"""Compare craft's JSON scan report with cargo-audit's JSON on the same crates (issue #5).
Usage: rustsec_compare.py CRAFT_JSON AUDIT_JSON RUSTSEC_OSV_DIR"""
import json, os, sys
from collections import Counter

craft = json.load(open(sys.argv[1]))[0]
audit = json.load(open(sys.argv[2]))
osv_dir = sys.argv[3]
info = {}
for f in os.listdir(osv_dir):
    if f.endswith(".json"):
        d = json.load(open(os.path.join(osv_dir, f)))
        info[d["id"]] = (d.get("database_specific") or {}).get("informational")
ours = set()
for f in craft["findings"]:
    if f["status"] != "affected":
        continue
    # The record that decided (a RUSTSEC advisory); aliases may name another crate's
    # advisory of the same CVE (rage's RUSTSEC-2024-0432 and age's RUSTSEC-2024-0433).
    ours.add((f["component_name"], f["component_version"], f["decided_by"]["id"]))
theirs, kinds = set(), {}
for v in audit["vulnerabilities"]["list"]:
    theirs.add((v["package"]["name"], v["package"]["version"], v["advisory"]["id"]))
    kinds[(v["package"]["name"], v["package"]["version"], v["advisory"]["id"])] = "vulnerability"
for kind, lst in (audit.get("warnings") or {}).items():
    for w in lst:
        if w.get("advisory"):
            k = (w["package"]["name"], w["package"]["version"], w["advisory"]["id"])
            theirs.add(k); kinds[k] = kind
both = ours & theirs
print(f"craft {len(ours)}  cargo-audit {len(theirs)} (vulnerabilities {audit['vulnerabilities']['count']}, "
      f"warnings {sum(len(l) for l in (audit.get('warnings') or {}).values())})  both {len(both)}")
only_c, only_a = sorted(ours - theirs), sorted(theirs - ours)
print("only craft:", len(only_c), Counter(str(info.get(i[2])) for i in only_c))
for x in only_c[:8]: print("   ", x, info.get(x[2]))
# craft merges records that name each other (RUSTSEC ↔ GHSA ↔ CVE) into one vulnerability:
# an advisory cargo-audit lists separately may be an alias of a craft finding.
named = {}
for f in craft["findings"]:
    if f["status"] == "affected":
        named.setdefault((f["component_name"], f["component_version"]), set()).update(
            [f["id"], f["decided_by"]["id"]] + f["aliases"])
grouped = [x for x in only_a if x[2] in named.get((x[0], x[1]), set())]
rest = [x for x in only_a if x not in grouped]
print("only cargo-audit:", len(only_a), Counter(kinds.get(x) for x in only_a))
print("  of which an alias of a craft finding of the same crate and version:", len(grouped))
for x in rest[:20]: print("   ", x, kinds.get(x), info.get(x[2]))
