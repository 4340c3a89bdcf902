#!/bin/bash
# `craft scan` over every SBOM file of the shared corpus, per collection, and the table of
# docs/BENCHMARKS.md ("Every SBOM of the shared corpus"). Needs a release build and a
# database of the whole shared corpus (DB, e.g. made with
#   craft db import --db DB target/corpora/{vulndb,cve,kernel/linux-kernel-cna-vulns,kev,epss}).
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
DB=${DB:?set DB to a database of the shared corpus}
CRAFT=${CRAFT:-$HERE/target/release/craft}
OUT=${OUT:-/tmp/corpus-scan}; mkdir -p "$OUT"
for d in bom-shelter cyclonedx-bom-examples sbomqs-testdata spdx-examples spdx-ntia-conformance-checker vulnscout-yocto; do
  base=$HERE/target/corpora/sbom/$d; [ -d "$base" ] || base=$HERE/../shared/corpora/sbom/$d
  find -L "$base" -type f ! -name SOURCE.txt ! -iname 'LICENSE*' ! -iname 'README*' ! -name '*.md' ! -name '.*' \
    | sort > "$OUT/$d.list"
  xargs -a "$OUT/$d.list" -d '\n' "$CRAFT" --quiet --format json scan --db "$DB" > "$OUT/$d.json" 2>/dev/null || true
done
OUT=$OUT python3 - <<'PY'
import json, os
from collections import Counter
out = os.environ["OUT"]
tot, allsrc = Counter(), Counter()
print("| collection | files | unreadable | components | identified | affected | unknown | not affected | deciding source of the affected findings |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
def row(name, c, src):
    srcs = ", ".join(f"{k} {v:,}" for k, v in src.most_common())
    print(f"| {name} | {c['files']} | {c['unreadable']} | {c['components']:,} | {c['identified']:,} | "
          f"{c['affected']:,} | {c['unknown']:,} | {c['notaff']:,} | {srcs} |")
for d in "bom-shelter cyclonedx-bom-examples sbomqs-testdata spdx-examples spdx-ntia-conformance-checker vulnscout-yocto".split():
    c, src = Counter(), Counter()
    for o in json.load(open(f"{out}/{d}.json")):
        c["files"] += 1
        if "findings" not in o:
            c["unreadable"] += 1
            continue
        c["components"] += o["components"]; c["identified"] += o["identified"]; c["notaff"] += o["not_affected"]
        for f in o["findings"]:
            if f["status"] == "affected":
                c["affected"] += 1; src[f["decided_by"]["source"]] += 1
            else:
                c["unknown"] += 1
    tot += c; allsrc += src
    row(d, c, src)
row("all", tot, allsrc)
PY
