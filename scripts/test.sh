#!/usr/bin/env bash
# Run every check and test of craft: formatting, lints, unit, conformance, real-world corpus,
# round-trip, hostile-input and CLI tests. Needs Rust; the corpora come from
# ../shared/corpora (unpacked once into target/corpora), and the one peer tool the tests run
# (the BSI CSAF validator library, Node) is installed into target/peers when missing.
# With CI=true a missing corpus or peer fails.
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

step "peer tools the tests compare against (installed once into target/peers)"
# The official BSI CSAF validator library: every CSAF document craft writes must pass it.
# Installed from the npm registry at set-up (loopback-free tests use the local copy only);
# without it the peer tests say so loudly and skip, and with CI=true they fail.
csaf_lib=target/peers/npm/node_modules/@secvisogram/csaf-validator-lib
if [ ! -f "$csaf_lib/package.json" ]; then
  if ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get install -y -qq nodejs npm >/dev/null || true
    elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
      sudo apt-get install -y -qq nodejs npm >/dev/null || true
    fi
  fi
  if command -v npm >/dev/null; then
    mkdir -p target/peers/npm
    npm install --prefix target/peers/npm --no-audit --no-fund --silent \
      @secvisogram/csaf-validator-lib@2.0.10 || echo "!!! npm install of the CSAF validator failed" >&2
  else
    echo "!!! node/npm not available: the CSAF peer test will be SKIPPED (fails with CI=true)" >&2
  fi
fi

step "cargo test (workspace)"
if cargo nextest --version >/dev/null 2>&1; then
  # No doctests: the crates set `doctest = false` (examples live in tests/), because
  # `cargo test --doc` resolves features differently and rebuilt csaf-rs, minutes per run.
  cargo nextest run -j"$jobs" --workspace --locked --no-fail-fast
else
  cargo test -j"$jobs" --workspace --locked --no-fail-fast
fi

step "benchmarks build (dev profile; run them with cargo bench)"
cargo build -j"$jobs" --workspace --locked --benches

step "all checks passed"
