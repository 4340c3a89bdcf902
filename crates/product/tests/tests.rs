//! craft-product integration tests.
