//! Compile-fail UI tests: every unsupported construct is an error on its exact span, with a
//! hint. One folder per topic under `tests/ui/`; `TRYBUILD=overwrite` regenerates the
//! `.stderr` files.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
