//! WARC reader through `read_inputs` on a temp file (plain, and gzip when the input
//! starts with the gzip magic): never panics, always terminates; every error names the file.
#![no_main]
use std::io::Write;

use libfuzzer_sys::fuzz_target;
use marsad_ingest::{read_inputs, Item, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let gz = data.starts_with(&[0x1f, 0x8b]);
    let suffix = if gz { ".warc.gz" } else { ".warc" };
    let mut f = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    f.write_all(data).unwrap();
    f.flush().unwrap();
    let path = f.path().to_path_buf();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    // A small limit so a decompression bomb in the corpus stays cheap.
    let opts = ReadOptions {
        max_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    for item in read_inputs(&[path.clone()], &opts).take(100_000) {
        match item {
            Item::Doc(d) => {
                assert!(!d.text.is_empty() || d.text.is_empty());
                for r in &d.repeated {
                    assert!(d.text.get(r.clone()).is_some());
                }
            }
            Item::Error(e) => assert!(e.to_string().contains(&name), "error without file: {e}"),
            Item::Warning { origin, .. } => assert!(origin.contains(&name), "warning without file: {origin}"),
        }
    }
});
