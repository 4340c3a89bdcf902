//! Integration tests of craft-sbom: one test binary (it links once; it matters on 2 cores).
//!
//! Conformance and real-world tests read `../shared/corpora` (see `corpus.rs`). Where it is
//! absent they say so loudly and skip; with `CI=true` a missing corpus fails.

// The corpus tests report their counts (files, load share, misclassifications) on stderr:
// those figures go into docs/BENCHMARKS.md.
#![allow(clippy::print_stderr)]

mod common;
mod conformance;
mod fuzz_regressions;
mod hostile;
mod real_world;
mod roundtrip;
