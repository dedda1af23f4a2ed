//! Runnable ffm programs: see the `examples/` folder and run one with
//! `cargo run -p ffm-examples --example <name>`.
