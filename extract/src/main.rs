//! `ffm-extract`: C headers to Rust bindings for the ffm runtime.

use std::process::ExitCode;

fn main() -> ExitCode {
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
