//! craft-kernel's tests: the Kbuild walk on small trees the tests write, and on the real
//! 6.1.192 tree of the shared corpus against a real build's object list. The corpus tests
//! say so loudly and skip when the corpus is absent; with `CI=true` they fail instead.

#![allow(clippy::print_stderr)]

#[path = "../../sbom/tests/common.rs"]
#[allow(dead_code)]
mod common;
mod corpus;
mod walk;
