#!/usr/bin/env bash
# Run every check and test of craft: formatting, lints, unit, conformance, real-world corpus,
# round-trip, hostile-input and CLI tests. Needs only Rust; the corpora come from
# ../shared/corpora (unpacked once into target/corpora). With CI=true a missing corpus fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-always}
jobs=${CARGO_BUILD_JOBS:-2}

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy -j"$jobs" --workspace --all-targets --locked -- -D warnings

if [ -x ../shared/corpora/unpack ]; then
  step "unpack corpora (once)"
  command -v zstd >/dev/null || { echo "zstd is needed to unpack the corpora (apt-get install zstd)"; exit 2; }
  CRAFT_CORPORA=$(../shared/corpora/unpack "${CRAFT_CORPORA:-target/corpora}")
  export CRAFT_CORPORA
else
  echo "!!! ../shared/corpora not found: conformance and real-world tests will be SKIPPED" >&2
  [ "${CI:-}" = "true" ] && { echo "CI=true: a missing corpus is a failure" >&2; exit 1; }
fi

step "cargo test (workspace)"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run -j"$jobs" --workspace --locked --no-fail-fast
  # nextest does not run doctests.
  cargo test -j"$jobs" --workspace --locked --doc
else
  cargo test -j"$jobs" --workspace --locked --no-fail-fast
fi

step "benchmarks build (dev profile; run them with cargo bench)"
cargo build -j"$jobs" --workspace --locked --benches

step "all checks passed"
