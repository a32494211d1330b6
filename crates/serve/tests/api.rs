//! API tests: the router runs in-process on 127.0.0.1:0 over a temporary store holding the
//! shipped samples (ingested through the API itself), and a reqwest client calls every endpoint.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::{Client, StatusCode};
use serde_json::Value;

const TOKEN: &str = "test-token";

struct Server {
    base: String,
    client: Client,
    _dir: tempfile::TempDir,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        let s = r.status();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let text = r.text().await.unwrap();
        let v = if ct.contains("json") {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
        } else {
            Value::String(text)
        };
        (s, v)
    }
    async fn wait_batch(&self, id: &str) -> Value {
        for _ in 0..600 {
            let (s, b) = self.get(&format!("/api/batches/{id}")).await;
            assert_eq!(s, StatusCode::OK, "{b}");
            if b["state"] == "done" {
                return b;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("batch {id} never finished");
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

async fn start(private: bool, body_limit: usize) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut config = marsad_serve::Config::new(dir.path().join("db"));
    config.token = Some(TOKEN.into());
    config.private = private;
    config.body_limit = body_limit;
    let state = marsad_serve::state(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        marsad_serve::serve_listener(listener, state, std::future::pending())
            .await
            .unwrap()
    });
    Server {
        base: format!("http://{addr}"),
        client: Client::new(),
        _dir: dir,
    }
}

/// A server with the samples ingested through `POST /api/documents` (multipart upload).
async fn with_samples() -> Server {
    let s = start(false, 16 * 1024 * 1024).await;
    let mut form = reqwest::multipart::Form::new();
    let mut n = 0;
    for sub in ["samples/text", "samples/html"] {
        let mut paths: Vec<_> = std::fs::read_dir(root().join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let part = reqwest::multipart::Part::bytes(std::fs::read(&p).unwrap()).file_name(name);
            form = form.part("file", part);
            n += 1;
        }
    }
    let r = s
        .client
        .post(s.url("/api/documents"))
        .bearer_auth(TOKEN)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["total"], n);
    let b = s.wait_batch(v["batch"].as_str().unwrap()).await;
    assert_eq!(b["done"], n, "{b}");
    assert_eq!(b["new"], n, "{b}");
    assert!(b["errors"].as_array().unwrap().is_empty(), "{b}");
    s
}

fn assert_json_error(s: StatusCode, v: &Value, want: StatusCode) {
    assert_eq!(s, want, "{v}");
    assert!(
        v["error"].as_str().is_some_and(|m| !m.is_empty()),
        "not a JSON error: {v}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_writes_and_errors() {
    let s = with_samples().await;

    // health, openapi, page
    let (st, h) = s.get("/api/health").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(h["status"], "ok");
    let docs_total = h["documents"].as_u64().unwrap();
    let events_total = h["events"].as_u64().unwrap();
    assert!(docs_total >= 14 && events_total > 10, "{h}");
    let (st, o) = s.get("/api/openapi.json").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(o["openapi"], "3.0.3");
    for p in [
        "/api/documents",
        "/api/documents/{id}",
        "/api/events",
        "/api/events.csv",
        "/api/events.geojson",
        "/api/export",
        "/api/search",
        "/api/batches/{id}",
        "/api/health",
    ] {
        assert!(o["paths"][p].is_object(), "openapi lacks {p}");
    }
    let (st, page) = s.get("/").await;
    assert_eq!(st, StatusCode::OK);
    let page = page.as_str().unwrap();
    assert!(page.contains("dir=\"rtl\"") && page.contains("lang=\"ar\""));
    for a in [
        "/assets/app.js",
        "/assets/app.css",
        "/assets/syria_admin1.geojson",
        "/assets/neighbours.geojson",
        "/assets/rivers.geojson",
        "/assets/golan.geojson",
    ] {
        assert_eq!(s.get(a).await.0, StatusCode::OK, "{a}");
    }

    // documents: pagination both ways, total
    let (st, d) = s.get("/api/documents?page=1&per_page=5").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(d["total"].as_u64().unwrap(), docs_total);
    assert_eq!(d["documents"].as_array().unwrap().len(), 5);
    let (_, d2) = s.get("/api/documents?offset=5&limit=5").await;
    assert_ne!(d["documents"][0]["id"], d2["documents"][0]["id"]);
    let (_, d3) = s.get("/api/documents?page=2&per_page=5").await;
    assert_eq!(d2["documents"], d3["documents"]);

    // one document: text and evidence spans that slice it
    let (_, all) = s.get("/api/events?limit=1000").await;
    let events = all["events"].as_array().unwrap();
    assert_eq!(all["total"].as_u64().unwrap(), events_total);
    assert_eq!(events.len() as u64, events_total);
    let id = events[0]["doc"].as_str().unwrap();
    let (st, doc) = s.get(&format!("/api/documents/{id}")).await;
    assert_eq!(st, StatusCode::OK);
    let text = doc["text"].as_str().unwrap();
    assert!(!doc["events"].as_array().unwrap().is_empty());
    for ev in doc["events"].as_array().unwrap() {
        let e = &ev["evidence"];
        let (a, b) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[a..b], e["text"].as_str().unwrap());
    }
    let (st, v) = s.get("/api/documents/no-such-doc").await;
    assert_json_error(st, &v, StatusCode::NOT_FOUND);

    // events: filters narrow, pagination
    let actor = events
        .iter()
        .find_map(|e| e["actor1"].as_str())
        .unwrap()
        .to_string();
    let (st, f) = s
        .get(&format!("/api/events?actor={}", urlenc(&actor)))
        .await;
    assert_eq!(st, StatusCode::OK);
    let n = f["total"].as_u64().unwrap();
    assert!(n >= 1 && n < events_total, "actor filter {actor}: {n}");
    let (_, f) = s.get("/api/events?type=battles").await;
    assert!(f["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["event_type"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("battle")
            || e["sub_event_type"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("battle")));
    let (_, f) = s.get(&format!("/api/events?doc={}", urlenc(id))).await;
    assert!(f["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["doc"] == id));
    let (_, f) = s.get("/api/events?since=2100-01-01").await;
    assert_eq!(f["total"], 0);
    let (_, p1) = s.get("/api/events?per_page=3&page=2").await;
    assert_eq!(p1["events"][0], events[3]);

    // downloads and export
    let r = s.client.get(s.url("/api/events.csv")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert!(
        csv.starts_with("\u{feff}event_id_cnty,event_date"),
        "a BOM, then ACLED's header"
    );
    assert_eq!(
        csv.lines().count() as u64,
        events_total + 1 + multiline(&csv)
    );
    let (st, g) = s.get("/api/events.geojson").await;
    assert_eq!(st, StatusCode::OK);
    let located = events.iter().filter(|e| e["latitude"].is_number()).count();
    assert_eq!(g["features"].as_array().unwrap().len(), located);
    let r = s
        .client
        .get(s.url("/api/export?format=jsonl"))
        .send()
        .await
        .unwrap();
    let jsonl = r.text().await.unwrap();
    assert_eq!(jsonl.lines().count() as u64, events_total);
    for line in jsonl.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        for k in [
            "doc",
            "event_type",
            "sub_event_type",
            "actor1",
            "actor2",
            "assoc_actor_1",
            "assoc_actor_2",
            "location",
            "admin1",
            "latitude",
            "longitude",
            "geo_precision",
            "event_date",
            "time_precision",
            "fatalities",
            "source",
            "cited_source",
            "stance",
        ] {
            assert!(v.get(k).is_some(), "export lacks {k}");
        }
        assert!(v["evidence"]["text"].is_string());
    }
    let (st, g) = s.get("/api/export?format=geojson").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(g["type"], "FeatureCollection");
    assert_eq!(
        s.get("/api/export?format=csv").await.0,
        StatusCode::OK,
        "csv export"
    );

    // timeline, search, stories
    let (st, t) = s.get("/api/timeline?by=week").await;
    assert_eq!(st, StatusCode::OK);
    assert!(!t["buckets"].as_array().unwrap().is_empty());
    let (st, t) = s.get("/api/timeline").await;
    assert_eq!(st, StatusCode::OK);
    let dated: u64 = t["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        dated as usize,
        events
            .iter()
            .filter(|e| e["event_date"].is_string())
            .count()
    );
    let (st, sr) = s.get(&format!("/api/search?q={}", urlenc("قسد"))).await;
    assert_eq!(st, StatusCode::OK, "{sr}");
    assert!(sr["count"].as_u64().unwrap() >= 1, "{sr}");
    let hit = &sr["hits"][0];
    let (_, hd) = s
        .get(&format!(
            "/api/documents/{}",
            urlenc(hit["doc"].as_str().unwrap())
        ))
        .await;
    let body = hd["text"].as_str().unwrap();
    for r in hit["highlights"].as_array().unwrap() {
        let (a, b) = (
            r[0].as_u64().unwrap() as usize,
            r[1].as_u64().unwrap() as usize,
        );
        assert!(
            body.get(a..b).is_some(),
            "highlight {a}..{b} not on char boundaries"
        );
    }
    let (st, v) = s.get("/api/stories").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["stories"].is_array(), "{v}");
    // Stories page: the pages add up to the total, and a filter keeps only the stories
    // holding a matching event.
    let total = v["total"].as_u64().unwrap();
    assert_eq!(v["count"].as_u64().unwrap(), total.min(200));
    let (_, p1) = s.get("/api/stories?per_page=2&page=1").await;
    let (_, p2) = s.get("/api/stories?per_page=2&page=2").await;
    assert_eq!(p1["total"], total);
    if total > 2 {
        assert_ne!(p1["stories"][0]["id"], p2["stories"][0]["id"]);
    }
    let (_, m) = s.get("/api/timeline?by=month").await;
    let fat: u64 = m["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["fatalities"].as_u64().unwrap())
        .sum();
    let dated_fat: u64 = events
        .iter()
        .filter(|e| e["event_date"].is_string())
        .filter_map(|e| e["fatalities"].as_u64())
        .sum();
    assert_eq!(fat, dated_fat);
    // Sorting by fatalities reaches every row: the first of a page of one is the largest.
    let (st, top) = s
        .get("/api/events?sort=fatalities&order=desc&per_page=1")
        .await;
    assert_eq!(st, StatusCode::OK, "{top}");
    let max = events.iter().filter_map(|e| e["fatalities"].as_u64()).max();
    assert_eq!(top["events"][0]["fatalities"].as_u64(), max);
    assert_eq!(top["total"].as_u64().unwrap() as usize, events.len());
    let (st, v) = s.get("/api/stories/no-such-story").await;
    assert_json_error(st, &v, StatusCode::NOT_FOUND);

    // bad parameters → 400 JSON
    for bad in [
        "/api/events?page=abc",
        "/api/events?page=0",
        "/api/events?per_page=0",
        "/api/events?per_page=100000",
        "/api/events?limit=-3",
        "/api/events?since=notadate",
        "/api/events?until=2024-13-01",
        "/api/events?page=1&offset=3",
        "/api/events?colour=red",
        "/api/documents?page=abc",
        "/api/events.csv?since=yesterday",
        "/api/events.geojson?limit=x",
        "/api/export?format=xml",
        "/api/timeline?by=year",
        "/api/events?sort=json",
        "/api/events?sort=fatalities&order=down",
        "/api/events?order=desc",
        "/api/stories?actor=no-such-actor-anywhere",
        "/api/stories?since=notadate",
        "/api/search",
        "/api/search?q=x&limit=0",
        "/api/search?q=(((",
        "/api/stories?status=famous",
        "/api/stories?min_reports=x",
    ] {
        let (st, v) = s.get(bad).await;
        assert_json_error(st, &v, StatusCode::BAD_REQUEST);
    }
    let (st, v) = s.get("/api/no-such-thing").await;
    assert_json_error(st, &v, StatusCode::NOT_FOUND);
    let (st, v) = s.get("/api/batches/nope").await;
    assert_json_error(st, &v, StatusCode::NOT_FOUND);
    let r = s.client.delete(s.url("/api/events")).send().await.unwrap();
    let st = r.status();
    let v: Value = r.json().await.unwrap();
    assert_json_error(st, &v, StatusCode::METHOD_NOT_ALLOWED);

    // writes: no token, wrong token, bad bodies, then a good JSON post
    let post = |body: String| {
        s.client
            .post(s.url("/api/documents"))
            .header("content-type", "application/json")
            .body(body)
    };
    let body = serde_json::json!({"title": "اختبار", "outlet": "عنب بلدي", "published": "2024-03-05",
        "text": "قتل ثلاثة مدنيين جراء قصف جوي على بلدة معرة حرمة في ريف إدلب الجنوبي يوم الثلاثاء، بحسب المرصد السوري لحقوق الإنسان."})
        .to_string();
    let r = post(body.clone()).send().await.unwrap();
    let (st, v) = (r.status(), r.json::<Value>().await.unwrap());
    assert_json_error(st, &v, StatusCode::UNAUTHORIZED);
    let r = post(body.clone())
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    let (st, v) = (r.status(), r.json::<Value>().await.unwrap());
    assert_json_error(st, &v, StatusCode::UNAUTHORIZED);
    for bad in [
        "not json",
        "{\"title\": \"no text\"}",
        "[]",
        "42",
        "{\"text\": \"   \"}",
    ] {
        let r = post(bad.into()).bearer_auth(TOKEN).send().await.unwrap();
        let (st, v) = (r.status(), r.json::<Value>().await.unwrap());
        assert_json_error(st, &v, StatusCode::BAD_REQUEST);
    }
    let r = s
        .client
        .post(s.url("/api/documents"))
        .bearer_auth(TOKEN)
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    let (st, v) = (r.status(), r.json::<Value>().await.unwrap());
    assert_json_error(st, &v, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = post(body.clone()).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let v: Value = r.json().await.unwrap();
    let b = s.wait_batch(v["batch"].as_str().unwrap()).await;
    assert_eq!(
        (b["total"].as_u64(), b["new"].as_u64()),
        (Some(1), Some(1)),
        "{b}"
    );
    let new_id = b["documents"][0].as_str().unwrap().to_string();
    let (st, d) = s.get(&format!("/api/documents/{}", urlenc(&new_id))).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(d["title"], "اختبار");
    assert!(!d["events"].as_array().unwrap().is_empty(), "{d}");
    // the same text again is a duplicate
    let r = post(body).bearer_auth(TOKEN).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    let b = s.wait_batch(v["batch"].as_str().unwrap()).await;
    assert_eq!(b["duplicates"], 1, "{b}");
    // a JSONL upload with one broken line: the batch goes on and reports it
    let jsonl = "{\"id\":\"j1\",\"text\":\"اشتباكات بين قسد وتنظيم داعش في ريف دير الزور الشرقي\"}\n{broken\n";
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(jsonl.as_bytes().to_vec()).file_name("feed.jsonl"),
    );
    let r = s
        .client
        .post(s.url("/api/documents"))
        .bearer_auth(TOKEN)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let v: Value = r.json().await.unwrap();
    let b = s.wait_batch(v["batch"].as_str().unwrap()).await;
    assert_eq!(b["total"], 2, "{b}");
    assert_eq!(b["new"], 1, "{b}");
    assert_eq!(b["errors"].as_array().unwrap().len(), 1, "{b}");
    assert!(
        b["errors"][0].as_str().unwrap().contains("feed.jsonl:2"),
        "{b}"
    );
}

fn multiline(csv: &str) -> u64 {
    // Quoted fields may hold newlines; count the records properly.
    let records = csv::Reader::from_reader(csv.as_bytes()).records().count() as u64;
    csv.lines().count() as u64 - 1 - records
}

fn urlenc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An upload over the limit is refused: a JSON 413, or, when the server's answer and close
/// (it stops reading at the limit) reach the client while it is still sending, a connection
/// cut short, as curl or a browser would see it. Either way nothing is stored and the server
/// goes on serving.
async fn assert_upload_refused(s: &Server, sent: reqwest::Result<reqwest::Response>) {
    match sent {
        Ok(r) => {
            let (st, v) = (r.status(), r.json::<Value>().await.unwrap());
            assert_json_error(st, &v, StatusCode::PAYLOAD_TOO_LARGE);
        }
        Err(e) => assert!(e.is_request() || e.is_body(), "not a refusal: {e:?}"),
    }
    // On a new connection: the refused one may still be closing in the client's pool.
    let r = reqwest::Client::new()
        .get(s.url("/api/documents"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["total"], 0, "nothing stored: {v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_body_is_refused() {
    let s = start(false, 64 * 1024).await;
    let big = serde_json::json!({"text": "ا".repeat(100 * 1024)}).to_string();
    let sent = s
        .client
        .post(s.url("/api/documents"))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await;
    assert_upload_refused(&s, sent).await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(big.into_bytes()).file_name("big.txt"),
    );
    let sent = s
        .client
        .post(s.url("/api/documents"))
        .bearer_auth(TOKEN)
        .multipart(form)
        .send()
        .await;
    assert_upload_refused(&s, sent).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_reads_need_the_token() {
    let s = start(true, 1024 * 1024).await;
    let (st, v) = s.get("/api/events").await;
    assert_json_error(st, &v, StatusCode::UNAUTHORIZED);
    let (st, v) = s.get("/api/documents").await;
    assert_json_error(st, &v, StatusCode::UNAUTHORIZED);
    // Issue 12: --private covers the health check too (it tells what is stored); the API
    // description stays open and the page itself is static.
    let (st, v) = s.get("/api/health").await;
    assert_json_error(st, &v, StatusCode::UNAUTHORIZED);
    assert_eq!(s.get("/api/openapi.json").await.0, StatusCode::OK);
    assert_eq!(s.get("/").await.0, StatusCode::OK);
    let r = s
        .client
        .get(s.url("/api/health"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = s
        .client
        .get(s.url("/api/events"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_without_a_configured_token_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = marsad_serve::Config::new(dir.path().join("db"));
    let state = marsad_serve::state(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        marsad_serve::serve_listener(listener, state, std::future::pending())
            .await
            .unwrap()
    });
    let r = Client::new()
        .post(format!("http://{addr}/api/documents"))
        .bearer_auth("anything")
        .json(&serde_json::json!({"text": "نص"}))
        .send()
        .await
        .unwrap();
    let (st, v) = (r.status(), r.json::<Value>().await.unwrap());
    assert_json_error(st, &v, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_time_out_with_json() {
    // A body that never finishes arriving: the timeout answers 408 in JSON.
    let dir = tempfile::tempdir().unwrap();
    let mut config = marsad_serve::Config::new(dir.path().join("db"));
    config.token = Some(TOKEN.into());
    config.timeout = Duration::from_millis(300);
    let state = marsad_serve::state(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        marsad_serve::serve_listener(listener, state, std::future::pending())
            .await
            .unwrap()
    });
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"text\":"
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), sock.read_to_end(&mut buf)).await;
    let resp = String::from_utf8_lossy(&buf);
    assert!(resp.starts_with("HTTP/1.1 408"), "{resp}");
    assert!(resp.contains("{\"error\":"), "{resp}");
}
