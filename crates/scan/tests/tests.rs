//! The one integration-test binary of craft-scan (it links once).

#![allow(clippy::print_stderr)]

#[allow(dead_code)]
#[path = "../../sbom/tests/common.rs"]
mod common;

mod fixtures;
mod kernel;
mod verdicts;
