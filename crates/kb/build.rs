//! Embeds every `data/gazetteer/*.csv` present at build time (sorted by file name), so that
//! `KnowledgeBase::builtin()` picks up new gazetteer files without code changes and the build
//! does not fail while the gazetteer is still being written.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let data = manifest.join("../../data");
    let gaz = data.join("gazetteer");
    println!("cargo:rerun-if-changed={}", gaz.display());
    println!("cargo:rerun-if-changed=build.rs");
    let mut files: Vec<PathBuf> = match fs::read_dir(&gaz) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    let mut code =
        String::from("/// Gazetteer CSVs embedded at build time: (file name, contents).\n");
    code.push_str("pub(crate) static GAZETTEER: &[(&str, &str)] = &[\n");
    for f in &files {
        let abs = fs::canonicalize(f).expect("canonical path");
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        code.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            format!("gazetteer/{name}"),
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("out dir")).join("gazetteer_files.rs");
    fs::write(out, code).expect("write generated file");
}
