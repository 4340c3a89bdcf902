//! Regression inputs found by fuzzing (see fuzz/README.md).
