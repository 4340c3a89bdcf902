//! The one integration-test binary of craft-vulndb (it links once).

#![allow(clippy::print_stderr)]

#[allow(dead_code)]
#[path = "../../sbom/tests/common.rs"]
mod common;

mod bundle;
mod corpus;
mod fixtures;
mod hostile;
mod update;
