#!/bin/bash
# Same-run timings of `craft scan` and the matching peers on the same inputs (issue #5).
# Needs: the peers and inputs of ../shared/peers (PEERS, default /tmp/craft-peers), a release
# build of craft, and three databases made with `craft db import`:
#   DB_OSV  <- $PEERS/vulndb/big10k/osv          DB_NVD <- $PEERS/vulndb/big10k/nvd-fkie
#   DB_ALL  <- the shared corpora's vulndb, cve, kernel/linux-kernel-cna-vulns, kev, epss
# Prints one line per run: seconds and peak RSS. Score with
#   python3 ../shared/peers/scripts/score.py truth.json big10k.cdx.json scc-csv|cvebin-csv OUT.csv
set -u
P=${PEERS:-/tmp/craft-peers}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
C=${CRAFT_CORPORA:-$HERE/target/corpora}
CRAFT=${CRAFT:-$HERE/target/release/craft}
DB_OSV=${DB_OSV:?} DB_NVD=${DB_NVD:?} DB_ALL=${DB_ALL:?}
OUT=${OUT:-/tmp/peers-scan}; mkdir -p "$OUT"
S3=$C/sbom/vulnscout-yocto/example/spdx3/core-image-minimal-qemux86-64.rootfs.spdx.json
cd "$P"
t() { /usr/bin/time -o "$OUT/time.txt" -f "%e s %M KB" "$@" > /dev/null 2>&1; echo "$(cat "$OUT/time.txt")"; }
echo "== craft: big10k CDX, OSV form"
for i in 1 2 3; do t sh -c "'$CRAFT' --quiet --format json scan --db '$DB_OSV' inputs/big10k.cdx.json > '$OUT/craft-big10k.json'"; done
echo "== craft: big10k Yocto SPDX tar, NVD form"
for i in 1 2 3; do t sh -c "'$CRAFT' --quiet --format json scan --db '$DB_NVD' inputs/big10k.yocto.spdx.tar > '$OUT/craft-big10k-nvd.json'"; done
echo "== sbom-cve-check: big10k Yocto SPDX tar, NVD form"
for i in 1 2 3; do t venv-sbomcve/bin/sbom-cve-check --ignore-default-config --databases-dir "$P/runs/scc-dbs-10k" --offline-mode \
  --disable-auto-updates --add-db cve-db-nvd-fkie "$P/vulndb/big10k/nvd-fkie" id=nvd-local \
  --sbom-type spdx2 --sbom-path inputs/big10k.yocto.spdx.tar --export-type csv --export-path "$OUT/scc-big10k.csv"; done
echo "== cve-bin-tool: big10k CDX (its own import of the same records)"
t env HOME="$P/runs/cvebin-home-10k" venv-cvebin/bin/cve-bin-tool --offline -u never --disable-version-check \
  --sbom cyclonedx --sbom-file inputs/big10k.cdx.json -f csv -o "$OUT/cvebin-big10k.csv"
echo "== craft: vulnscout SPDX 3, whole shared corpus"
for i in 1 2 3; do t sh -c "'$CRAFT' --quiet --format json scan --db '$DB_ALL' '$S3' > '$OUT/craft-spdx3.json'"; done
echo "== sbom-cve-check: vulnscout SPDX 3, CVE List of the shared corpus (cvelist-merged)"
for i in 1 2 3; do t venv-sbomcve/bin/sbom-cve-check --ignore-default-config --databases-dir "$P/scc-dbs" --offline-mode \
  --disable-auto-updates --add-db cve-db-cvelist "$P/cvelist-merged" id=cvelist --sbom-type spdx3 \
  --sbom-path "$S3" --export-type csv --export-path "$OUT/scc-spdx3.csv"; done
