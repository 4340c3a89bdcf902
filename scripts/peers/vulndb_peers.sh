#!/usr/bin/env bash
# The import peers of craft's vulnerability database, timed on the shared corpora (figures in
# docs/BENCHMARKS.md, beside `cargo bench -p craft-vulndb --bench vulndb` from the same run).
#
#   sbom-cve-check 1.3.5: its CVE List index (VulnDatabase.create_index) over the merged
#     cvelist of the corpora (vulnrichment + the kernel CNA's records), no cache, no SBOM.
#   cve-bin-tool 3.4: its OSV import (OSV_Source + CVEDB.populate_db) of the Go and RustSec
#     OSV records, from a pre-filled cache (its own CLI cannot import OSV offline).
#
# Needs the peers of ../shared/peers/setup.sh in $PEERS and the unpacked corpora.
set -euo pipefail
cd "$(dirname "$0")/../.."
PEERS=${PEERS:-/tmp/craft-peers}
C=${CRAFT_CORPORA:-target/corpora}; C=$(cd "$C" && pwd)
W=${WORK:-/tmp/craft-peer-bench}; mkdir -p "$W"
runs=${RUNS:-3}

if [ ! -d "$PEERS/cvelist-merged/.git" ]; then
  python3 ../shared/peers/scripts/merge_cvelist.py "$C" "$PEERS/cvelist-merged"
  (cd "$PEERS/cvelist-merged" && git init -q && git add -A &&
   git -c gc.auto=0 -c user.name=x -c user.email=x@x commit -qm data)
fi
echo "== sbom-cve-check: CVE List index of $(find "$PEERS/cvelist-merged/cves" -name 'CVE-*.json' | wc -l) records"
for i in $(seq "$runs"); do
  rm -rf "$W/scc-dbs"
  SCC_DBS="$W/scc-dbs" /usr/bin/time -f "wall=%e s peak_rss=%M kB" \
    "$PEERS/venv-sbomcve/bin/python" scripts/peers/scc_index_only.py "$PEERS/cvelist-merged"
done
echo "== cve-bin-tool: OSV import of the Go and RustSec records"
for i in $(seq "$runs"); do
  H="$W/cvebin-home"; rm -rf "$H"; mkdir -p "$H/.cache/cve-bin-tool/osv"
  find -L "$C/vulndb/golang-vulndb/data/osv" "$C/vulndb/rustsec-advisory-db/osv/crates" -name '*.json' \
    -exec cp -t "$H/.cache/cve-bin-tool/osv/" {} +
  HOME="$H" /usr/bin/time -f "wall=%e s peak_rss=%M kB" \
    "$PEERS/venv-cvebin/bin/python" scripts/peers/cvebin_osv_import.py 2>&1 | grep -v -i warn
done
