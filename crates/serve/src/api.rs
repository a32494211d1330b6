//! Routes and handlers.

use std::collections::HashMap;
use std::path::Path as FsPath;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use marsad_ingest::{Document, ReadOptions};
use serde_json::{json, Value};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::db::{self, Filter};
use crate::error::{jsonify_errors, ApiError};
use crate::rows::{self, Row};
use crate::{assets, AppState};

type St = State<Arc<AppState>>;
type Params = Query<HashMap<String, String>>;
type ApiResult<T = Response> = Result<T, ApiError>;

pub fn router(state: Arc<AppState>) -> Router {
    let limit = state.config.body_limit;
    let timeout = state.config.timeout;
    let hosts = Arc::new(Hosts::new(state.config.addr, &state.config.allowed_hosts));
    let mut reads = Router::new()
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .route("/api/documents", get(list_documents).post(post_documents))
        .route("/api/documents/{id}", get(get_document))
        .route("/api/events", get(list_events))
        .route("/api/events.csv", get(events_csv))
        .route("/api/events.geojson", get(events_geojson))
        .route("/api/export", get(export))
        .route("/api/timeline", get(timeline))
        .route("/api/search", get(search))
        .route("/api/stories", get(stories))
        .route("/api/stories/{id}", get(story))
        .route("/api/batches/{id}", get(batch));
    reads = reads.route_layer(middleware::from_fn_with_state(state.clone(), auth));
    Router::new()
        .merge(reads)
        .route("/", get(assets::index))
        .route("/index.html", get(assets::index))
        .route("/assets/{file}", get(assets::file))
        .fallback(not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::from_fn(jsonify_errors))
        .layer(middleware::from_fn_with_state(hosts, check_host))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        ))
}

/// Host names a request may name in its `Host` header (DNS rebinding: a page of another
/// origin whose name resolves to the server's address sends its own name there).
#[derive(Debug, Clone)]
pub struct Hosts {
    any: bool,
    /// Any IP literal (the server listens on all addresses).
    any_ip: bool,
    names: Vec<String>,
}

impl Hosts {
    pub fn new(addr: std::net::SocketAddr, extra: &[String]) -> Self {
        let ip = addr.ip();
        let mut names: Vec<String> = vec![ip.to_string()];
        if ip.is_loopback() || ip.is_unspecified() {
            names.extend(["localhost", "127.0.0.1", "::1"].map(String::from));
        }
        names.extend(extra.iter().map(|h| normalize_host(h)));
        Hosts {
            any: extra.iter().any(|h| h.trim() == "*"),
            any_ip: ip.is_unspecified(),
            names,
        }
    }

    /// Whether a `Host` header value (name or address, optional port) is accepted.
    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let h = normalize_host(host);
        self.names.contains(&h) || (self.any_ip && h.parse::<std::net::IpAddr>().is_ok())
    }
}

/// Lower case, without port, brackets or a trailing dot.
fn normalize_host(host: &str) -> String {
    let h = host.trim();
    let h = if let Some(rest) = h.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        match h.rsplit_once(':') {
            Some((name, port))
                if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) =>
            {
                name
            }
            _ => h,
        }
    };
    h.trim_end_matches('.').to_ascii_lowercase()
}

async fn check_host(State(hosts): State<Arc<Hosts>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_string()));
    match host {
        // HTTP/1.0 without Host: no browser sends that, so no rebinding either.
        None => next.run(req).await,
        Some(h) if hosts.allows(&h) => next.run(req).await,
        Some(h) => ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "host {:?} is not this server's address: start it with --allow-host NAME to accept that name",
                h.escape_debug().to_string()
            ),
        )
        .into_response(),
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

/// Writes always need the token; reads only when the server is private (the health check
/// included: it tells how much is stored). The OpenAPI description stays open.
async fn auth(State(st): St, headers: HeaderMap, req: Request, next: Next) -> Response {
    let write = req.method() == axum::http::Method::POST;
    let path = req.uri().path();
    let open_path = path == "/api/openapi.json";
    if !write && (open_path || !st.config.private) {
        return next.run(req).await;
    }
    let Some(token) = st.config.token.as_deref() else {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "no token configured: start the server with MARSAD_TOKEN or --token-file to allow this",
        )
        .into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(g) if constant_time_eq(g.as_bytes(), token.as_bytes()) => next.run(req).await,
        Some(_) => ApiError::new(StatusCode::UNAUTHORIZED, "wrong token").into_response(),
        None => {
            let mut r = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this needs a token: send Authorization: Bearer <token>",
            )
            .into_response();
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            r
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Runs store work on a blocking thread with a pooled handle.
async fn with_db<T: Send + 'static>(
    st: &Arc<AppState>,
    f: impl FnOnce(&db::Reader) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let st = st.clone();
    tokio::task::spawn_blocking(move || st.readers.with(f))
        .await
        .map_err(|e| ApiError::internal(format!("worker: {e}")))?
}

// ---------------------------------------------------------------- parameters

fn check_known(p: &HashMap<String, String>, allowed: &[&str]) -> ApiResult<()> {
    let mut unknown: Vec<&str> = p
        .keys()
        .map(String::as_str)
        .filter(|k| !allowed.contains(k))
        .collect();
    unknown.sort_unstable();
    match unknown.first() {
        None => Ok(()),
        Some(_) => Err(ApiError::bad_request(format!(
            "unknown parameter(s): {} (allowed: {})",
            unknown.join(", "),
            allowed.join(", ")
        ))),
    }
}

fn text(p: &HashMap<String, String>, k: &str) -> Option<String> {
    p.get(k)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(String::from)
}

fn number(p: &HashMap<String, String>, k: &str) -> ApiResult<Option<usize>> {
    match text(p, k) {
        None => Ok(None),
        Some(v) => v
            .parse::<usize>()
            .map(Some)
            .map_err(|_| ApiError::bad_request(format!("{k}: not a non-negative integer: {v:?}"))),
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn date(p: &HashMap<String, String>, k: &str) -> ApiResult<Option<String>> {
    let Some(v) = text(p, k) else { return Ok(None) };
    let parts: Vec<&str> = v.split('-').collect();
    let ok = !parts.is_empty()
        && parts.len() <= 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .get(1)
            .is_none_or(|m| m.len() == 2 && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)))
        && parts
            .get(2)
            .is_none_or(|d| d.len() == 2 && (1..=31).contains(&d.parse::<u32>().unwrap_or(0)));
    if !ok {
        return Err(ApiError::bad_request(format!(
            "{k}: not a date (YYYY-MM-DD, YYYY-MM or YYYY): {v:?}"
        )));
    }
    Ok(Some(v))
}

const FILTER_KEYS: &[&str] = &["type", "actor", "place", "since", "until", "doc"];
const PAGE_KEYS: &[&str] = &["page", "per_page", "offset", "limit"];

/// The event filters of a request, resolved through the knowledge base as the CLI's are: an
/// unknown name or a bad date is a 400 naming the parameter.
fn filter(st: &AppState, p: &HashMap<String, String>) -> ApiResult<Filter> {
    let q = marsad_store::FilterQuery {
        event_type: text(p, "type"),
        actor: text(p, "actor"),
        place: text(p, "place"),
        since: text(p, "since"),
        until: text(p, "until"),
        doc: text(p, "doc"),
    };
    Filter::resolve(&q, st.extractor.kb()).map_err(|e| ApiError::bad_request(e.to_string()))
}

/// `offset`/`limit` when either is given, else `page` (1-based) / `per_page`.
struct Page {
    offset: usize,
    limit: usize,
    page: Option<usize>,
}

fn page(p: &HashMap<String, String>, default: usize, max: usize) -> ApiResult<Page> {
    let (offset, limit, page) = if p.contains_key("offset") || p.contains_key("limit") {
        if p.contains_key("page") || p.contains_key("per_page") {
            return Err(ApiError::bad_request(
                "use either page/per_page or offset/limit, not both",
            ));
        }
        (
            number(p, "offset")?.unwrap_or(0),
            number(p, "limit")?.unwrap_or(default),
            None,
        )
    } else {
        let page = number(p, "page")?.unwrap_or(1);
        if page == 0 {
            return Err(ApiError::bad_request("page: pages start at 1"));
        }
        let per = number(p, "per_page")?.unwrap_or(default);
        ((page - 1).saturating_mul(per), per, Some(page))
    };
    if limit == 0 || limit > max {
        return Err(ApiError::bad_request(format!(
            "page size must be between 1 and {max}, got {limit}"
        )));
    }
    if offset > 100_000_000 {
        return Err(ApiError::bad_request("offset too large"));
    }
    Ok(Page {
        offset,
        limit,
        page,
    })
}

fn page_json(pg: &Page, total: u64) -> Value {
    json!({
        "total": total,
        "offset": pg.offset,
        "limit": pg.limit,
        "page": pg.page.unwrap_or(pg.offset / pg.limit + 1),
        "per_page": pg.limit,
        "pages": total.div_ceil(pg.limit as u64),
    })
}

// ---------------------------------------------------------------- reads

async fn health(State(st): St) -> ApiResult<Json<Value>> {
    let stats = with_db(&st, |r| Ok(r.store.stats()?)).await?;
    let search_docs = st
        .search
        .as_ref()
        .map(|s| crate::lock_read(s).index.num_docs());
    Ok(Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "documents": stats.documents,
        "events": stats.events,
        "claims": stats.claims,
        "search": search_docs.map(|n| json!({"documents": n})),
        "stories": true,
        "private": st.config.private,
        "writes": st.config.token.is_some(),
    })))
}

async fn openapi() -> Response {
    let mut r = assets::OPENAPI.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

async fn list_documents(State(st): St, Query(p): Params) -> ApiResult<Json<Value>> {
    check_known(&p, &[PAGE_KEYS, &["q"]].concat())?;
    let pg = page(&p, 50, 1000)?;
    let q = text(&p, "q");
    let (offset, limit) = (pg.offset, pg.limit);
    let (total, docs) = with_db(&st, move |r| {
        db::documents(&r.store, q.as_deref(), offset, limit)
    })
    .await?;
    let mut out = page_json(&pg, total);
    out["documents"] = serde_json::to_value(docs)?;
    Ok(Json(out))
}

async fn get_document(State(st): St, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let want = id.clone();
    let found = with_db(&st, move |r| {
        let meta = r.store.report_meta(&want)?;
        Ok(r.store.document(&want)?.map(|d| (d, meta)))
    })
    .await?;
    let Some(((doc, events), meta)) = found else {
        return Err(ApiError::not_found(format!("no document {id:?}")));
    };
    let rows: Vec<Row> = events.iter().map(Row::new).collect();
    let meta = meta.unwrap_or(marsad_store::ReportMeta {
        date: None,
        date_source: None,
        outlet: None,
    });
    Ok(Json(json!({
        "id": doc.id,
        "headline": rows::headline(doc.title.as_deref(), &doc.text),
        "title": doc.title,
        "outlet": doc.outlet.or(meta.outlet),
        "published": doc.published,
        // The report date the analysis found (`null`: the page gives none) and its rule.
        "report_date": meta.date,
        "date_source": meta.date_source,
        "url": doc.url,
        "origin": doc.origin,
        "format": doc.format,
        "text": doc.text,
        "text_bytes": doc.text.len(),
        "repeated": doc.repeated,
        "events": rows,
    })))
}

/// `sort` (a row field) and `order` (`asc`, the default, or `desc`).
fn event_sort(p: &HashMap<String, String>) -> ApiResult<Option<marsad_store::EventSort>> {
    let order = text(p, "order");
    let descending = match order.as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(o) => {
            return Err(ApiError::bad_request(format!(
                "order: asc or desc, got {o:?}"
            )))
        }
    };
    let Some(name) = text(p, "sort") else {
        if order.is_some() {
            return Err(ApiError::bad_request("order: needs sort"));
        }
        return Ok(None);
    };
    let Some(key) = marsad_store::EventSortKey::named(&name) else {
        let names: Vec<&str> = marsad_store::EventSortKey::ALL
            .iter()
            .map(|(n, _)| *n)
            .collect();
        return Err(ApiError::bad_request(format!(
            "sort: one of {}, got {name:?}",
            names.join(", ")
        )));
    };
    Ok(Some(marsad_store::EventSort { key, descending }))
}

async fn list_events(State(st): St, Query(p): Params) -> ApiResult<Json<Value>> {
    check_known(&p, &[FILTER_KEYS, PAGE_KEYS, &["sort", "order"]].concat())?;
    let f = filter(&st, &p)?;
    let sort = event_sort(&p)?;
    let pg = page(&p, 50, 5000)?;
    let (offset, limit) = (pg.offset, pg.limit);
    let (total, events) = with_db(&st, move |r| {
        Ok(r.store.event_page(&f, sort, offset, limit)?)
    })
    .await?;
    let mut out = page_json(&pg, total);
    out["events"] = serde_json::to_value(events.iter().map(Row::new).collect::<Vec<_>>())?;
    Ok(Json(out))
}

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExportFormat {
    Jsonl,
    Csv,
    Geojson,
}

impl ExportFormat {
    fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "application/x-ndjson",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Geojson => "application/geo+json",
        }
    }
}

/// Bytes gathered before a chunk goes to the client.
const EXPORT_CHUNK: usize = 64 * 1024;

/// Events matching the filters (after `offset`, at most `limit`), streamed: a blocking thread
/// reads the rows one by one and sends the encoded bytes through a small channel, so memory
/// stays flat whatever the store holds. At most `max_exports` run at once; another waits up
/// to half the request timeout for a slot, then gets a 503. A client that stops reading for the
/// idle timeout ends its export (and frees its slot).
async fn stream_export(
    st: &Arc<AppState>,
    p: &HashMap<String, String>,
    format: ExportFormat,
    filename: &str,
) -> ApiResult {
    let f = filter(st, p)?;
    let limit = number(p, "limit")?;
    let offset = number(p, "offset")?.unwrap_or(0);
    if offset > 100_000_000 {
        return Err(ApiError::bad_request("offset too large"));
    }
    let (timeout, stall) = (st.config.timeout, st.config.idle_timeout);
    // Half the request timeout, so the 503 comes before the timeout layer's 408.
    let permit = match tokio::time::timeout(timeout / 2, st.exports.clone().acquire_owned()).await {
        Ok(Ok(p)) => p,
        _ => {
            let mut r = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many exports in progress, try again later",
            )
            .into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            return Ok(r);
        }
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let rt = tokio::runtime::Handle::current();
    let st2 = st.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        // False once the client is gone (or has not read for `stall`).
        let send = |chunk: Result<Bytes, std::io::Error>| {
            matches!(
                rt.block_on(tokio::time::timeout(stall, tx.send(chunk))),
                Ok(Ok(()))
            )
        };
        let filter = f.clone();
        let outcome = st2.readers.with(|r| {
            let mut enc = rows::Encoder::new();
            let mut buf: Vec<u8> = Vec::with_capacity(EXPORT_CHUNK + 4096);
            let mut first = true;
            if format == ExportFormat::Geojson {
                buf.extend_from_slice(br#"{"type":"FeatureCollection","features":["#);
            } else if format == ExportFormat::Csv {
                enc.csv_header(&mut buf)?;
            }
            let mut failed: Option<ApiError> = None;
            let mut gone = false;
            r.store
                .each_event_json(&filter, offset as u64, limit.map(|l| l as u64), |json| {
                    let event: marsad_extract::Event = match serde_json::from_str(json) {
                        Ok(e) => e,
                        Err(e) => {
                            failed = Some(ApiError::internal(format!("stored event: {e}")));
                            return false;
                        }
                    };
                    let written = match format {
                        ExportFormat::Jsonl => rows::jsonl_row(&event, &mut buf),
                        ExportFormat::Csv => enc.csv_row(&event, &mut buf),
                        ExportFormat::Geojson => match rows::feature(&event) {
                            Some(feature) => {
                                if !first {
                                    buf.push(b',');
                                }
                                first = false;
                                serde_json::to_writer(&mut buf, &feature).map_err(Into::into)
                            }
                            None => Ok(()),
                        },
                    };
                    if let Err(e) = written {
                        failed = Some(e.into());
                        return false;
                    }
                    if buf.len() >= EXPORT_CHUNK {
                        if !send(Ok(Bytes::from(std::mem::take(&mut buf)))) {
                            gone = true;
                            return false;
                        }
                        buf.reserve(EXPORT_CHUNK + 4096);
                    }
                    true
                })?;
            if let Some(e) = failed {
                return Err(e);
            }
            if gone {
                return Ok(());
            }
            if format == ExportFormat::Geojson {
                buf.extend_from_slice(b"]}");
            }
            if !buf.is_empty() {
                send(Ok(Bytes::from(buf)));
            }
            Ok(())
        });
        if let Err(e) = outcome {
            // The status line is sent: cut the body so the client sees an incomplete transfer.
            tracing::error!("export: {}", e.message);
            send(Err(std::io::Error::other(e.message)));
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let mut r = Response::new(Body::from_stream(stream));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

async fn events_csv(State(st): St, Query(p): Params) -> ApiResult {
    check_known(&p, &[FILTER_KEYS, &["limit", "offset"]].concat())?;
    stream_export(&st, &p, ExportFormat::Csv, "marsad-events.csv").await
}

async fn events_geojson(State(st): St, Query(p): Params) -> ApiResult {
    check_known(&p, &[FILTER_KEYS, &["limit", "offset"]].concat())?;
    stream_export(&st, &p, ExportFormat::Geojson, "marsad-events.geojson").await
}

async fn export(State(st): St, Query(p): Params) -> ApiResult {
    check_known(&p, &[FILTER_KEYS, &["format", "limit", "offset"]].concat())?;
    let format = text(&p, "format").unwrap_or_else(|| "jsonl".into());
    let (format, filename) = match format.as_str() {
        "jsonl" => (ExportFormat::Jsonl, "marsad-export.jsonl"),
        "csv" => (ExportFormat::Csv, "marsad-export.csv"),
        "geojson" => (ExportFormat::Geojson, "marsad-export.geojson"),
        _ => {
            return Err(ApiError::bad_request(format!(
                "format: one of jsonl, csv, geojson, got {format:?}"
            )))
        }
    };
    stream_export(&st, &p, format, filename).await
}

async fn timeline(State(st): St, Query(p): Params) -> ApiResult<Json<Value>> {
    check_known(&p, &[FILTER_KEYS, &["by"]].concat())?;
    let f = filter(&st, &p)?;
    let by = text(&p, "by").unwrap_or_else(|| "day".into());
    let period = match by.as_str() {
        "day" => marsad_store::Period::Day,
        "week" => marsad_store::Period::Week,
        "month" => marsad_store::Period::Month,
        _ => {
            return Err(ApiError::bad_request(format!(
                "by: day, week or month, got {by:?}"
            )))
        }
    };
    let (buckets, undated) = with_db(&st, move |r| Ok(r.store.timeline(&f, period)?)).await?;
    Ok(Json(
        json!({"by": by, "buckets": buckets, "undated": undated}),
    ))
}

async fn search(State(st): St, Query(p): Params) -> ApiResult<Json<Value>> {
    check_known(
        &p,
        &["q", "limit", "type", "actor", "place", "since", "until"],
    )?;
    let Some(search) = st.search.as_ref() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "search index unavailable",
        ));
    };
    let q = text(&p, "q").unwrap_or_default();
    let f = marsad_search::Filter {
        since: date(&p, "since")?,
        until: date(&p, "until")?,
        actor: text(&p, "actor"),
        place: text(&p, "place"),
        event_type: text(&p, "type"),
    };
    if q.is_empty() && f == marsad_search::Filter::default() {
        return Err(ApiError::bad_request("q: a query is required"));
    }
    let limit = number(&p, "limit")?.unwrap_or(20);
    if limit == 0 || limit > 200 {
        return Err(ApiError::bad_request("limit must be between 1 and 200"));
    }
    // Pick up documents indexed by the ingest worker (at once) or by another process (within
    // a second).
    let committed = st
        .ingest
        .committed
        .load(std::sync::atomic::Ordering::SeqCst);
    let stale = |s: &crate::SearchState| {
        s.seen != committed || s.reloaded.elapsed() > Duration::from_secs(1)
    };
    if stale(&crate::lock_read(search)) {
        let mut w = search.write().unwrap_or_else(|e| e.into_inner());
        if stale(&w) {
            if let Err(e) = w.index.commit() {
                tracing::warn!("search reload: {e}");
            }
            w.reloaded = Instant::now();
            w.seen = committed;
        }
    }
    let st2 = st.clone();
    let (expanded, hits) = tokio::task::spawn_blocking(move || {
        let s = crate::lock_read(st2.search.as_ref().expect("checked"));
        // Limits first (inside the search): nothing expands or parses a hostile query.
        let hits = s.index.search_filtered(&q, &f, limit);
        let expanded = hits.is_ok().then(|| s.index.expanded(&q));
        (expanded, hits)
    })
    .await
    .map_err(|e| ApiError::internal(format!("worker: {e}")))?;
    let hits = hits.map_err(|e| {
        if e.is_user_error() {
            ApiError::bad_request(e.to_string())
        } else {
            ApiError::internal(e.to_string())
        }
    })?;
    let hits: Vec<Value> = hits
        .into_iter()
        .map(|h| {
            json!({
                "doc": h.doc,
                "score": h.score,
                "title": h.title,
                "snippet": h.snippet,
                "highlights": h.highlights.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({
        "query": p.get("q"),
        "expanded": expanded,
        "count": hits.len(),
        "hits": hits,
    })))
}

/// Stories, paged; `type`, `actor` and `place` resolve through the knowledge base as the
/// event filters do and keep the stories holding such an event; `since`/`until` keep the
/// stories whose date range reaches into them. `limit` alone (no `offset`) is the first page.
async fn stories(State(st): St, Query(p): Params) -> ApiResult<Json<Value>> {
    check_known(
        &p,
        &[
            &[
                "type",
                "actor",
                "place",
                "status",
                "since",
                "until",
                "min_reports",
            ],
            PAGE_KEYS,
        ]
        .concat(),
    )?;
    let status = text(&p, "status");
    if let Some(s) = &status {
        if !["single-source", "corroborated", "contested"].contains(&s.as_str()) {
            return Err(ApiError::bad_request(format!(
                "status: single-source, corroborated or contested, got {s:?}"
            )));
        }
    }
    let min_reports = number(&p, "min_reports")?;
    let mut events = filter(&st, &p)?;
    events.doc = None;
    let f = marsad_store::StoryPageFilter {
        events,
        status,
        min_reports,
    };
    let pg = page(&p, 200, 5000)?;
    let (offset, limit) = (pg.offset, pg.limit);
    let (total, stories) =
        with_db(&st, move |r| Ok(r.store.story_page(&f, offset, limit)?)).await?;
    let mut out = page_json(&pg, total);
    out["count"] = json!(stories.len());
    out["stories"] = serde_json::to_value(stories)?;
    Ok(Json(out))
}

async fn story(State(st): St, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let want = id.clone();
    match with_db(&st, move |r| Ok(r.store.story(&want)?)).await? {
        Some(s) => Ok(Json(serde_json::to_value(s)?)),
        None => Err(ApiError::not_found(format!("no story {id:?}"))),
    }
}

async fn batch(State(st): St, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    match st.ingest.status(&id) {
        Some(s) => Ok(Json(serde_json::to_value(s)?)),
        None => Err(ApiError::not_found(format!("no batch {id:?}"))),
    }
}

// ---------------------------------------------------------------- writes

fn read_opts(st: &AppState) -> ReadOptions {
    ReadOptions {
        max_bytes: st.config.body_limit as u64,
        ..ReadOptions::default()
    }
}

/// One uploaded file → documents and errors, by its name and content (text, HTML, JSONL).
fn read_file(
    name: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    docs: &mut Vec<Document>,
    errors: &mut Vec<String>,
) {
    let path = FsPath::new(name);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("upload")
        .to_string();
    let head = &bytes[..bytes.len().min(8192)];
    match marsad_ingest::detect_format(path, head) {
        marsad_ingest::Format::Html => match marsad_ingest::read_html(name, &stem, bytes, opts) {
            Ok((d, _)) => docs.push(d),
            Err(e) => errors.push(e.to_string()),
        },
        marsad_ingest::Format::Jsonl => {
            for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
                if line.iter().all(|b| b.is_ascii_whitespace()) {
                    continue;
                }
                match marsad_ingest::parse_jsonl_line(name, &stem, n + 1, line, opts) {
                    Ok((d, _)) => docs.push(d),
                    Err(e) => errors.push(e.to_string()),
                }
            }
        }
        marsad_ingest::Format::Warc => errors.push(format!(
            "{}: WARC uploads are not supported; use marsad ingest",
            marsad_ingest::shown_name(name)
        )),
        marsad_ingest::Format::Text => match marsad_ingest::read_text(name, &stem, bytes, opts) {
            Ok(d) => docs.push(d),
            Err(e) => errors.push(e.to_string()),
        },
    }
}

/// `POST /api/documents`: a JSON object `{id?, url?, outlet?, title?, published?, text}`, an
/// array of them, or a multipart upload of text / HTML / JSONL files. Queued as one batch.
async fn post_documents(State(st): St, req: Request) -> ApiResult {
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let opts = read_opts(&st);
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    if ctype.starts_with("multipart/form-data") {
        let mut mp = Multipart::from_request(req, &st)
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        let mut files = 0;
        while let Some(field) = mp
            .next_field()
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?
        {
            let Some(name) = field.file_name().map(String::from) else {
                continue; // plain form fields (e.g. the token box) are ignored
            };
            let bytes: Bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
            files += 1;
            read_file(&name, &bytes, &opts, &mut docs, &mut errors);
        }
        if files == 0 {
            return Err(ApiError::bad_request("no file in the upload"));
        }
    } else if ctype.starts_with("application/json") || ctype.is_empty() {
        let body = Bytes::from_request(req, &st)
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
        let value: Value = serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("body is not JSON: {e}")))?;
        let items = match value {
            Value::Array(items) => items,
            v @ Value::Object(_) => vec![v],
            _ => {
                return Err(ApiError::bad_request(
                    "body: a JSON object {text, id?, url?, outlet?, title?, published?} or an array of them",
                ))
            }
        };
        if items.is_empty() {
            return Err(ApiError::bad_request("body: empty array"));
        }
        let single = items.len() == 1;
        for (n, item) in items.iter().enumerate() {
            let line = serde_json::to_vec(item)?;
            match marsad_ingest::parse_jsonl_line("request", "request", n + 1, &line, &opts) {
                Ok((mut d, _)) => {
                    if item.get("id").is_none_or(Value::is_null) {
                        d.id = format!("api-{}", &d.content_hash[..12.min(d.content_hash.len())]);
                    }
                    docs.push(d)
                }
                Err(e) if single => return Err(ApiError::bad_request(e.to_string())),
                Err(e) => errors.push(e.to_string()),
            }
        }
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("content type {ctype:?}: send application/json or multipart/form-data"),
        ));
    }
    let status = st.ingest.submit(docs, errors);
    let mut r = (
        StatusCode::ACCEPTED,
        Json(json!({
            "batch": status.id,
            "status_url": format!("/api/batches/{}", status.id),
            "total": status.total,
            "errors": status.errors,
        })),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/batches/{}", status.id)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}
