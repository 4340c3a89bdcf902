//! craft-triage's tests: kernel decisions on small in-memory trees, and on the real 6.1.192
//! tree of the shared corpus for the embedded boards of issue #6 (the corpus tests say so
//! loudly and skip when it is absent; with `CI=true` they fail instead).

#![allow(clippy::print_stderr)]

#[path = "../../sbom/tests/common.rs"]
#[allow(dead_code)]
mod common;
mod csaf;
mod kernel;
mod real;
mod vex;
