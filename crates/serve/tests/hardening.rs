//! Issue 12: hostile input must never take `marsad serve` down. In-process server on
//! 127.0.0.1:0 over a small store; each test is named after an item of the issue. (The
//! open-file limit and the memory of concurrent exports are measured on the real binary in
//! `crates/cli/tests/serve_limits.rs`.)

use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Server {
    addr: std::net::SocketAddr,
    client: Client,
    _dir: tempfile::TempDir,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        let s = r.status();
        let text = r.text().await.unwrap();
        (
            s,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
    /// A raw HTTP/1.1 exchange: the response up to the server closing or `wait`.
    async fn raw(&self, request: &str, wait: Duration) -> String {
        let mut sock = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        sock.write_all(request.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        let _ = tokio::time::timeout(wait, sock.read_to_end(&mut buf)).await;
        String::from_utf8_lossy(&buf).into_owned()
    }
}

async fn start(configure: impl FnOnce(&mut marsad_serve::Config)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut config = marsad_serve::Config::new(dir.path().join("db"));
    config.token = Some("t".into());
    configure(&mut config);
    let state = marsad_serve::state(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        marsad_serve::serve_listener(listener, state, std::future::pending())
            .await
            .unwrap()
    });
    Server {
        addr,
        client: Client::new(),
        _dir: dir,
    }
}

/// A server holding two documents (ingested through the API, so the index has them).
async fn with_documents() -> Server {
    let s = start(|_| {}).await;
    let r = s
        .client
        .post(s.url("/api/documents"))
        .bearer_auth("t")
        .json(&serde_json::json!([
            {"id": "report-1", "title": "قصف الرقة", "text": "قصفت طائرات حربية مدينة الرقة أمس، ما أدى إلى مقتل ثلاثة مدنيين."},
            {"id": "report-2", "title": "اشتباكات", "text": "اندلعت اشتباكات بين قوات سوريا الديمقراطية وعناصر من تنظيم الدولة في ريف دير الزور."}
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let batch = r.json::<Value>().await.unwrap()["batch"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..600 {
        let (_, b) = s.get(&format!("/api/batches/{batch}")).await;
        if b["state"] == "done" {
            assert_eq!(b["new"], 2, "{b}");
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("batch never finished");
}

fn assert_json_error(st: StatusCode, v: &Value, want: StatusCode) {
    assert_eq!(st, want, "{v}");
    assert!(
        v["error"].as_str().is_some_and(|m| !m.is_empty()),
        "not a JSON error: {v}"
    );
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_query_gets_400_and_the_next_request_is_answered() {
    let s = with_documents().await;
    let nested = format!("{}x{}", "(".repeat(2_500), ")".repeat(2_500));
    let nots = format!("{}x", "NOT ".repeat(3_000));
    let deep_short = format!("{}x{}", "(".repeat(200), ")".repeat(200));
    for q in [&nested, &nots, &deep_short] {
        let (st, v) = s.get(&format!("/api/search?q={}", enc(q))).await;
        assert_json_error(st, &v, StatusCode::BAD_REQUEST);
    }
    let (st, v) = s.get(&format!("/api/search?q={}", enc(&deep_short))).await;
    assert!(v["error"].as_str().unwrap().contains("nested"), "{st} {v}");
    // Still up, still searching.
    let (st, v) = s.get("/api/health").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = s.get(&format!("/api/search?q={}", enc("الرقة"))).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["hits"][0]["doc"], "report-1", "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_errors_are_400_with_a_json_error() {
    let s = with_documents().await;
    // An existence query on a text field.
    let (st, v) = s.get("/api/search?q=title:*").await;
    assert_json_error(st, &v, StatusCode::BAD_REQUEST);
    // An offset of 2^64-1 (and past it) on every export endpoint.
    for path in ["/api/export", "/api/events.csv", "/api/events.geojson"] {
        for offset in ["18446744073709551615", "18446744073709551616", "-1"] {
            let (st, v) = s.get(&format!("{path}?offset={offset}")).await;
            assert_json_error(st, &v, StatusCode::BAD_REQUEST);
        }
        // A huge limit is no limit.
        let (st, _) = s.get(&format!("{path}?limit=18446744073709551615")).await;
        assert_eq!(st, StatusCode::OK, "{path}");
    }
    let (st, v) = s.get("/api/events?offset=18446744073709551615").await;
    assert_json_error(st, &v, StatusCode::BAD_REQUEST);
    // Overlong filters of the search.
    let (st, v) = s
        .get(&format!("/api/search?q=x&actor={}", "a".repeat(5_000)))
        .await;
    assert_json_error(st, &v, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_ids_are_exact() {
    let s = with_documents().await;
    let (st, v) = s.get("/api/documents/report-1").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["id"], "report-1");
    // LIKE wildcards and prefixes used to return an arbitrary document.
    for id in ["%25", "_", "R", "r", "report", "report-%25", "%25-1"] {
        let (st, v) = s.get(&format!("/api/documents/{id}")).await;
        assert_json_error(st, &v, StatusCode::NOT_FOUND);
    }
    // In the listing filter `%` and `_` are characters too.
    let (st, v) = s.get("/api/documents?q=%25").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["total"], 0, "{v}");
    // An actor filter names a knowledge-base actor: `%` names none, and says so.
    let (st, v) = s.get("/api/events?actor=%25").await;
    assert_json_error(st, &v, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().starts_with("actor:"), "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_header_is_checked_against_the_bind_address() {
    let s = start(|_| {}).await;
    let port = s.addr.port();
    let ask = |host: String| {
        let s = &s;
        async move {
            s.raw(
                &format!("GET /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
                Duration::from_secs(5),
            )
            .await
        }
    };
    for ok in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "LOCALHOST".to_string(),
        format!("[::1]:{port}"),
    ] {
        let r = ask(ok.clone()).await;
        assert!(r.starts_with("HTTP/1.1 200"), "{ok}: {r}");
    }
    // DNS rebinding: a page of another origin whose name now resolves to 127.0.0.1.
    for bad in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        "127.0.0.1.evil.example".to_string(),
    ] {
        let r = ask(bad.clone()).await;
        assert!(r.starts_with("HTTP/1.1 403"), "{bad}: {r}");
        assert!(r.contains("\"error\""), "{r}");
        assert!(r.contains("--allow-host"), "{r}");
    }
    // A configured name is accepted; `*` accepts any.
    let s2 = start(|c| c.allowed_hosts = vec!["marsad.example.org".into()]).await;
    let r = s2
        .raw(
            "GET /api/health HTTP/1.1\r\nHost: marsad.example.org\r\nConnection: close\r\n\r\n",
            Duration::from_secs(5),
        )
        .await;
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    let s3 = start(|c| c.allowed_hosts = vec!["*".into()]).await;
    let r = s3
        .raw(
            "GET /api/health HTTP/1.1\r\nHost: anything.example\r\nConnection: close\r\n\r\n",
            Duration::from_secs(5),
        )
        .await;
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_carry_nosniff_and_frame_ancestors() {
    let s = start(|_| {}).await;
    for path in [
        "/",
        "/assets/app.js",
        "/api/health",
        "/api/export",
        "/api/events?page=0",
        "/no/such/route",
    ] {
        let r = s.client.get(s.url(path)).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_header_connections_are_closed() {
    let s = start(|c| {
        c.header_timeout = Duration::from_secs(1);
        c.idle_timeout = Duration::from_secs(1);
    })
    .await;
    let closed_within = |mut sock: tokio::net::TcpStream, secs: u64| async move {
        let t = Instant::now();
        let mut buf = Vec::new();
        let r = tokio::time::timeout(Duration::from_secs(secs), sock.read_to_end(&mut buf)).await;
        (
            r.is_ok(),
            t.elapsed(),
            String::from_utf8_lossy(&buf).into_owned(),
        )
    };
    // Never sends anything.
    let idle = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    // Sends half a request head and stops (slowloris).
    let mut slow = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: ")
        .await
        .unwrap();
    // One request, then nothing (an idle keep-alive connection).
    let mut kept = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    kept.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let (a, b, c) = tokio::join!(
        closed_within(idle, 8),
        closed_within(slow, 8),
        closed_within(kept, 8)
    );
    assert!(a.0, "an idle connection stayed open {:?}", a.1);
    assert!(b.0, "a slow-header connection stayed open {:?}", b.1);
    assert!(c.0, "an idle keep-alive connection stayed open {:?}", c.1);
    assert!(c.2.starts_with("HTTP/1.1 200"), "{}", c.2);
    // The server still answers.
    assert_eq!(s.get("/api/health").await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_the_oldest_idle_connection_makes_room() {
    let s = start(|c| c.max_connections = 8).await;
    let mut idle = Vec::new();
    for _ in 0..20 {
        idle.push(tokio::net::TcpStream::connect(s.addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (st, v) = tokio::time::timeout(Duration::from_secs(5), s.get("/api/health"))
        .await
        .expect("a health check at the cap");
    assert_eq!(st, StatusCode::OK, "{v}");
    // The first ones were closed to make room.
    let mut first = idle.remove(0);
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(Duration::from_secs(2), first.read(&mut buf))
        .await
        .expect("the oldest idle connection is closed");
    assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_stream_in_the_listing_order() {
    let s = with_documents().await;
    let (st, all) = s.get("/api/events?per_page=1000").await;
    assert_eq!(st, StatusCode::OK);
    let n = all["total"].as_u64().unwrap();
    assert!(n >= 1, "{all}");
    let text = |path: &'static str| {
        let s = &s;
        async move {
            s.client
                .get(s.url(path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    // JSONL: one line per event, in the listing's order; offset/limit page through.
    let ids: Vec<String> = text("/api/export")
        .await
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["event_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let want: Vec<String> = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, want);
    let page = text("/api/export?offset=1&limit=1").await;
    assert_eq!(page.lines().count(), usize::from(n > 1));
    // CSV: header plus one record per event; GeoJSON: a FeatureCollection.
    let csv = text("/api/events.csv").await;
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(rd.records().count() as u64, n);
    let g: Value = serde_json::from_str(&text("/api/events.geojson").await).unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    assert!(g["features"].is_array());
}

/// Fills `db` with `docs` synthetic documents of `per_doc` events each (long evidence, so a
/// full export is megabytes), straight through the store.
fn fill(db: &std::path::Path, docs: usize, per_doc: usize) {
    use marsad_extract::{Analysis, Event, Span};
    let mut store = marsad_store::Store::open(db).unwrap();
    store.begin_batch().unwrap();
    for i in 0..docs {
        let text = format!("{} {i}", "قصفت طائرات حربية مدينة الرقة. ".repeat(40));
        let doc = marsad_ingest::Document {
            id: format!("doc-{i:05}"),
            origin: format!("doc-{i:05}.txt"),
            format: marsad_ingest::Format::Text,
            url: None,
            outlet: None,
            title: None,
            published: None,
            content_hash: marsad_ingest::content_hash(&text),
            text: text.clone(),
            repeated: vec![],
        };
        let span = Span {
            text: text[..text.len() / 2 - text.len() / 2 % 4].to_string(),
            start: 0,
            end: text.len() / 2 - text.len() / 2 % 4,
        };
        let events = (0..per_doc)
            .map(|_| {
                Event::bare(
                    &doc.id,
                    "Explosions/Remote violence",
                    "Air/drone strike",
                    span.clone(),
                )
            })
            .collect();
        let analysis = Analysis {
            doc: doc.id.clone(),
            outlet: None,
            published: None,
            date_source: None,
            events,
            mentions: vec![],
        };
        store.insert(&doc, &analysis).unwrap();
    }
    store.commit_batch().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_exports_are_limited() {
    // One slot; a client that starts an export of ~20 MB (more than loopback socket buffers
    // hold) and reads nothing holds it (the blocking reader waits on the full channel) until
    // the idle timeout ends its export.
    let s = start(|c| {
        fill(&c.db, 3_000, 5);
        c.max_exports = 1;
        c.timeout = Duration::from_millis(300);
        c.idle_timeout = Duration::from_secs(3);
    })
    .await;
    let mut stalled = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    stalled
        .write_all(b"GET /api/export HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut head = [0u8; 12];
    stalled.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    // The next export waits for the slot for the request timeout, then gets a 503...
    let r = s.client.get(s.url("/api/export")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    let v: Value = r.json().await.unwrap();
    assert!(
        v["error"].as_str().unwrap().contains("too many exports"),
        "{v}"
    );
    // ...while other requests are answered.
    assert_eq!(s.get("/api/health").await.0, StatusCode::OK);
    // Once the stalled export gives up, the slot is free again.
    let t = Instant::now();
    loop {
        let r = s.client.get(s.url("/api/export")).send().await.unwrap();
        if r.status() == StatusCode::OK {
            let body = r.text().await.unwrap();
            assert_eq!(body.lines().count(), 15_000);
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "the slot was never freed"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(stalled);
}
