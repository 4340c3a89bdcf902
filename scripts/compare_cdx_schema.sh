#!/usr/bin/env bash
# Compare craft's schema verdict with @cyclonedx/cyclonedx-library's JsonStrictValidator on
# every CycloneDX JSON file of the real-world corpus.
C=${CRAFT_CORPORA:-target/corpora}/sbom
out=${1:-/tmp/schema-agree.tsv}
: > $out
find -L $C -name "*.json" -size -20M | while read -r f; do
  head -c 4000 "$f" | grep -q '"bomFormat"' || continue
  ver=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get('specVersion',''))" "$f" 2>/dev/null)
  case "$ver" in 1.2|1.3|1.4|1.5|1.6) ;; *) continue;; esac
  timeout 120 node ${PEERS:-/tmp/craft-peers}/npm/cdx-validate.mjs "$f" > /tmp/peer.out 2>&1; p=$?
  ${CRAFT:-target/release/craft} sbom check --only schema --fail-on error "$f" > /tmp/craft.out 2>&1; c=$?
  printf '%s\t%s\t%s\t%s\n' "$ver" "$p" "$c" "$f" >> $out
done
# Summary: "peer craft" exit codes (0 valid, 1 invalid) and how many files each.
awk -F'\t' '{print $2, $3}' "$out" | sort | uniq -c
