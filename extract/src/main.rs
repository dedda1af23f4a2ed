//! `ffm-extract`: C headers to Rust bindings for the ffm runtime.

use std::process::ExitCode;

fn main() -> ExitCode {
    // SAFETY: first thing in main: no other thread runs yet.
    unsafe { ffm_extract::clang::locate_libclang_quickly() };
    let matches = ffm_extract::Options::command().get_matches();
    let options = ffm_extract::Options::from_matches(&matches);
    match ffm_extract::run_cli(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ffm-extract: {e}");
            ExitCode::FAILURE
        }
    }
}
