//! Bounded loopback load test of the API.
//!
//! ```sh
//! cargo run --release -p marsad-serve --example load -- [--docs 100000] [--requests 2000]
//!     [--clients 4] [--db DIR]
//! ```
//!
//! 1. Fills a store (a temporary directory unless `--db` names one that is already filled) with
//!    `--docs` documents: the shipped samples and seeds, each analysed once by the real extractor,
//!    then repeated with a unique trailer of words drawn from the corpus appended at the END of the
//!    text (so the evidence offsets of the analysis stay valid and every text hashes differently).
//!    Each document goes through `Store::insert` and the search index, as an ingest would.
//! 2. Serves the router in-process on 127.0.0.1:0 and fires `--requests` requests per endpoint
//!    from `--clients` concurrent clients: `/api/events?limit=50&offset=<random>` and
//!    `/api/search?q=<word>` (words from the corpus). Prints requests/s, p50, p99 and max.
//!    Stops by itself.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use marsad_extract::{Analysis, Extractor};
use marsad_ingest::{content_hash, Document, ReadOptions};

struct Args {
    docs: usize,
    requests: usize,
    clients: usize,
    db: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        docs: 100_000,
        requests: 2000,
        clients: 4,
        db: None,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < v.len() {
        let val = v.get(i + 1).cloned().unwrap_or_default();
        match v[i].as_str() {
            "--docs" => a.docs = val.parse().expect("--docs N"),
            "--requests" => a.requests = val.parse().expect("--requests N"),
            "--clients" => a.clients = val.parse().expect("--clients N"),
            "--db" => a.db = Some(PathBuf::from(val)),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    a
}

/// A small deterministic generator (no extra dependency).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn base_documents(root: &Path) -> Vec<Document> {
    let mut out = Vec::new();
    let opts = ReadOptions::default();
    let dirs = [
        root.join("samples/text"),
        root.join("samples/html"),
        root.join("../shared/seeds"),
    ];
    for dir in dirs {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            let bytes = std::fs::read(&p).unwrap();
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            let origin = p.display().to_string();
            let doc = if p.extension().is_some_and(|e| e == "html") {
                marsad_ingest::read_html(&origin, &stem, &bytes, &opts).map(|(d, _)| d)
            } else {
                marsad_ingest::read_text(&origin, &stem, &bytes, &opts)
            };
            if let Ok(d) = doc {
                out.push(d);
            }
        }
    }
    out
}

fn fill(db: &Path, n: usize) -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bases = base_documents(&root);
    assert!(!bases.is_empty(), "no sample documents found");
    let ex = Extractor::new(marsad_kb::KnowledgeBase::builtin().unwrap());
    let analysed: Vec<(Document, Analysis)> = bases
        .into_iter()
        .map(|d| {
            let a = ex.analyze(&d);
            (d, a)
        })
        .collect();
    let words: Vec<String> = analysed
        .iter()
        .flat_map(|(d, _)| {
            d.text
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
        .collect();
    let mut store = marsad_store::Store::open(db).unwrap();
    let have = store.stats().unwrap().documents as usize;
    if have >= n {
        eprintln!("store already holds {have} documents");
        return words;
    }
    let mut index = marsad_search::SearchIndex::open_or_create_with(
        &db.join("index"),
        marsad_search::Config::default(),
        None,
    )
    .unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let t0 = Instant::now();
    for i in have..n {
        let (base, analysis) = &analysed[i % analysed.len()];
        let trailer: Vec<&str> = (0..40)
            .map(|_| words[rng.below(words.len())].as_str())
            .collect();
        let mut d = base.clone();
        d.id = format!("load-{i:06}");
        d.text = format!("{}\n\n{} ({i})", base.text, trailer.join(" "));
        d.content_hash = content_hash(&d.text);
        let mut a = analysis.clone();
        a.doc = d.id.clone();
        for e in &mut a.events {
            e.doc = d.id.clone();
        }
        store.insert(&d, &a).unwrap();
        index.add(&d, &a).unwrap();
        if (i + 1) % 10_000 == 0 {
            index.commit().unwrap();
            eprintln!(
                "{} documents stored ({:.0}/s)",
                i + 1,
                (i + 1 - have) as f64 / t0.elapsed().as_secs_f64()
            );
        }
    }
    index.commit().unwrap();
    eprintln!(
        "filled {} documents in {:.1}s",
        n - have,
        t0.elapsed().as_secs_f64()
    );
    words
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn fire(
    client: reqwest::Client,
    urls: Arc<Vec<String>>,
    clients: usize,
) -> (f64, Vec<Duration>, usize) {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, urls, next) = (client.clone(), urls.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= urls.len() {
                    break;
                }
                let t = Instant::now();
                match client.get(&urls[i]).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    _ => errors += 1,
                }
                lat.push(t.elapsed());
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let secs = t0.elapsed().as_secs_f64();
    all.sort();
    (all.len() as f64 / secs, all, errors)
}

fn main() {
    let a = args();
    let tmp = tempfile::tempdir().unwrap();
    let db = a.db.clone().unwrap_or_else(|| tmp.path().join("db"));
    let words = fill(&db, a.docs);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let state = marsad_serve::state(marsad_serve::Config::new(&db)).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            axum::serve(listener, marsad_serve::router(state))
                .await
                .unwrap()
        });
        let client = reqwest::Client::new();
        let health: serde_json::Value = client
            .get(format!("http://{addr}/api/health"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        println!(
            "store: {} documents, {} events; search index: {}",
            health["documents"], health["events"], health["search"]
        );
        let events = health["events"].as_u64().unwrap_or(1).max(51) as usize;
        let mut rng = Rng(42);
        let ev_urls: Vec<String> = (0..a.requests)
            .map(|_| {
                format!(
                    "http://{addr}/api/events?limit=50&offset={}",
                    rng.below(events - 50)
                )
            })
            .collect();
        let q_urls: Vec<String> = (0..a.requests)
            .map(|_| {
                let w = &words[rng.below(words.len())];
                format!("http://{addr}/api/search?q={}", urlenc(w))
            })
            .collect();
        // Warm-up (page cache, prepared statements), not measured.
        let _ = fire(client.clone(), Arc::new(ev_urls[..20.min(a.requests)].to_vec()), 2).await;
        for (name, urls) in [
            ("GET /api/events?limit=50&offset=<random>", ev_urls),
            ("GET /api/search?q=<corpus word>", q_urls),
        ] {
            let (rps, lat, errors) = fire(client.clone(), Arc::new(urls), a.clients).await;
            println!(
                "{name}: {} requests, {} clients: {rps:.0} req/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, errors {errors}",
                lat.len(),
                a.clients,
                pct(&lat, 0.5),
                pct(&lat, 0.99),
                pct(&lat, 1.0)
            );
        }
        server.abort();
    });
}

fn urlenc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
