#!/bin/bash
# craft scan beside cargo-audit on the same crates and the same RustSec data (issue #5).
# Needs: a release build of craft, a database of the shared corpus (DB), cargo-audit
# (AUDIT, e.g. `cargo install cargo-audit --locked --root /tmp/cargo-audit`).
set -u
HERE=$(cd "$(dirname "$0")/../.." && pwd)
C=${CRAFT_CORPORA:-$HERE/target/corpora}
CRAFT=${CRAFT:-$HERE/target/release/craft}
AUDIT=${AUDIT:-/tmp/cargo-audit/bin/cargo-audit}
DB=${DB:?set DB to a database of the shared corpus}
OUT=${OUT:-/tmp/rustsec-peers}; mkdir -p "$OUT"
RS=$C/vulndb/rustsec-advisory-db
python3 "$HERE/scripts/peers/rustsec_inputs.py" "$RS/osv/crates" "$HERE/Cargo.lock" "$OUT"
t() { /usr/bin/time -o "$OUT/time.txt" -f "%e s %M KB" "$@" > /dev/null 2>&1; cat "$OUT/time.txt"; }
echo "== craft"
for i in 1 2 3; do t sh -c "'$CRAFT' --quiet --format json scan --db '$DB' '$OUT/rust.cdx.json' > '$OUT/craft.json'"; done
echo "== cargo-audit (offline, the corpus's RustSec tree)"
for i in 1 2 3; do t sh -c "cd '$OUT' && '$AUDIT' audit --db '$RS/native' --no-fetch --stale -f Cargo.lock --json > '$OUT/audit.json'"; done
python3 "$HERE/scripts/peers/rustsec_compare.py" "$OUT/craft.json" "$OUT/audit.json" "$RS/osv/crates"
