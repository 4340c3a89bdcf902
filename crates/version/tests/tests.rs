//! The one integration-test binary of craft-version (it links once).

#![allow(clippy::print_stderr)]

#[allow(dead_code)]
#[path = "../../sbom/tests/common.rs"]
mod common;

mod cve5;
mod hostile;
mod laws;
mod nvd;
mod osv;
mod purl;
mod vectors;
