//! Random rows (well-formed and corrupt column buffers) decoded into the Rust types
//! models use: errors are fine, panics are not.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok(rows) = plugorm_fuzz::rows::rows(&mut u) {
        plugorm_fuzz::rows::decode_all(&rows);
    }
});
