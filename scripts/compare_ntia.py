#!/usr/bin/env python3
"""Compare `craft sbom check --only ntia` with ntia-conformance-checker, file by file.

Input: the peer's results as JSON (a list of objects with `path`, `parse_ok`, `author`,
`timestamp`, `dependency_relationships`, `missing: {supplier, name, version, unique_id}`),
as produced from ntia-conformance-checker's JSON output (see docs/BENCHMARKS.md for the
command). Output: per element, on how many files craft and the peer agree, and the files
where they do not, with both verdicts.

Usage: scripts/compare_ntia.py PEER_RESULTS.json [CRAFT_BINARY]
"""
import json
import subprocess
import sys
from collections import Counter

peer = json.load(open(sys.argv[1]))
craft = sys.argv[2] if len(sys.argv) > 2 else "target/release/craft"

DOC = {"author": "ntia-author", "timestamp": "ntia-timestamp", "dependency_relationships": "ntia-dependencies"}
COMP = {"supplier": "ntia-supplier", "name": "ntia-name", "version": "ntia-version", "unique_id": "ntia-unique-id"}

agree, disagree, both_read, read_mismatch = Counter(), {}, 0, []
for p in peer:
    out = subprocess.run([craft, "--format", "json", "sbom", "check", "--only", "ntia", "--fail-on", "never", p["path"]],
                         capture_output=True, text=True)
    try:
        r = json.loads(out.stdout)[0]
    except Exception:
        r = {"error": out.stderr}
    craft_ok = "findings" in r
    if craft_ok != bool(p.get("parse_ok")):
        read_mismatch.append((p["file"], craft_ok, p.get("parse_ok"), r.get("error", "")[:120], (p.get("parse_errors") or [""])[0][:120] if p.get("parse_errors") else ""))
        continue
    if not craft_ok:
        continue
    both_read += 1
    codes = Counter(f["code"] for f in r["findings"])
    for k, code in DOC.items():
        mine = codes[code] == 0
        theirs = bool(p.get(k))
        (agree.update([k]) if mine == theirs else disagree.setdefault(k, []).append((p["file"], mine, theirs)))
    for k, code in COMP.items():
        mine = codes[code]  # components failing
        theirs = len((p.get("missing") or {}).get(k, []))
        (agree.update([k]) if mine == theirs else disagree.setdefault(k, []).append((p["file"], mine, theirs)))

print(f"files: {len(peer)}; read by both: {both_read}; read by one only: {len(read_mismatch)}")
for f, c, t, ce, te in read_mismatch:
    print(f"  read mismatch {f}: craft={'ok' if c else 'error'} peer={'ok' if t else 'error'} | craft: {ce} | peer: {te}")
for k in list(DOC) + list(COMP):
    d = disagree.get(k, [])
    print(f"{k:26} agree {agree[k]:3}/{both_read}" + (f"  disagree {len(d)}" if d else ""))
    for f, mine, theirs in d[:8]:
        print(f"    {f}: craft={mine} peer={theirs}")
