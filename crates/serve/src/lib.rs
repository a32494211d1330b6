//! `marsad serve`: a JSON API over the store and the web page that reads it.
//!
//! In: a store directory (`<db>/marsad.sqlite`, plus the search index in `<db>/index` when it
//! exists) and a [`Config`]. Out: an HTTP server (axum) on loopback by default.
//!
//! * `GET /api/...` reads: documents, events (JSON, CSV, GeoJSON), export, timeline, search,
//!   health, the OpenAPI description. Open unless [`Config::private`] (which covers health
//!   too; only the OpenAPI description stays open). Exports stream rows as they are read,
//!   at most [`Config::max_exports`] at once.
//! * Connections ([`conn`]): request heads within [`Config::header_timeout`], idle
//!   connections closed after [`Config::idle_timeout`], at most [`Config::max_connections`].
//! * Every response carries `X-Content-Type-Options: nosniff` and `frame-ancestors 'none'`;
//!   a `Host` header that is not the bind address (or `localhost` on loopback, or an
//!   [`Config::allowed_hosts`] name) gets a 403 (DNS rebinding).
//! * `POST /api/documents` ingests (JSON body or a multipart upload) through the pipeline of
//!   `marsad ingest` (`marsad_pipeline::Writer`: extract, store, link into stories, index), in
//!   a background worker that is the store's one writer while the server runs; the response
//!   carries a batch id whose progress `GET /api/batches/{id}` reports. Writes need
//!   `Authorization: Bearer <token>`. A `marsad ingest` on the same store hands its batches to
//!   that worker (`marsad_pipeline::handoff`).
//! * `/` is the web page (HTML, CSS, JS and the governorate outlines, all embedded).
//!
//! Every error is a JSON object `{"error": "..."}` with a 4xx/5xx status, including the ones
//! produced by layers (body too large, timeout, unknown route, wrong method).

mod api;
mod assets;
pub mod conn;
mod db;
mod error;
mod ingest;
mod rows;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use marsad_extract::Extractor;

pub use error::ApiError;

/// How the server runs.
#[derive(Clone)]
pub struct Config {
    /// Address to bind (default `127.0.0.1:8080`).
    pub addr: SocketAddr,
    /// Store directory (the one `marsad ingest --db` writes).
    pub db: PathBuf,
    /// Bearer token for writes (and for reads when `private`). `None`: writes are refused.
    pub token: Option<String>,
    /// Reads need the token too.
    pub private: bool,
    /// Largest request body accepted, in bytes (default 16 MiB).
    pub body_limit: usize,
    /// Longest a request may take until its response starts (default 30 s); also how long an
    /// export waits for a free slot and for a client that stopped reading.
    pub timeout: Duration,
    /// Longest wait for a complete request head (default 10 s).
    pub header_timeout: Duration,
    /// Longest a connection stays open with no request in progress (default 20 s).
    pub idle_timeout: Duration,
    /// Most connections open at once (default 512; lowered to fit the open-file limit).
    pub max_connections: usize,
    /// Most exports (`/api/export`, `/api/events.csv`, `/api/events.geojson`) streaming at
    /// once (default 2); more wait up to half of `timeout` for a slot, then get a 503.
    pub max_exports: usize,
    /// Host names accepted in the `Host` header besides the bind address and, on loopback,
    /// `localhost` (DNS rebinding defence); `*` accepts any.
    pub allowed_hosts: Vec<String>,
    /// The extractor used for `POST /api/documents` (built from the built-in knowledge base
    /// when `None`).
    pub extractor: Option<Arc<Extractor>>,
}

impl Config {
    /// Defaults for a store directory.
    pub fn new(db: impl Into<PathBuf>) -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: db.into(),
            token: None,
            private: false,
            body_limit: 16 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(20),
            max_connections: 512,
            max_exports: 2,
            allowed_hosts: Vec::new(),
            extractor: None,
        }
    }

    /// The token from `MARSAD_TOKEN`, else from `file` (first line, trimmed).
    pub fn token_from(file: Option<&std::path::Path>) -> anyhow::Result<Option<String>> {
        if let Ok(t) = std::env::var("MARSAD_TOKEN") {
            if !t.trim().is_empty() {
                return Ok(Some(t.trim().to_string()));
            }
        }
        match file {
            None => Ok(None),
            Some(f) => {
                let s = std::fs::read_to_string(f)
                    .with_context(|| format!("reading the token file {}", f.display()))?;
                let t = s.lines().next().unwrap_or("").trim().to_string();
                anyhow::ensure!(!t.is_empty(), "token file {} is empty", f.display());
                Ok(Some(t))
            }
        }
    }
}

/// Shared by every request.
pub struct AppState {
    pub(crate) config: Config,
    /// Slots for streamed exports (`Config::max_exports`).
    pub(crate) exports: Arc<tokio::sync::Semaphore>,
    pub(crate) readers: db::Pool,
    pub(crate) search: Option<RwLock<SearchState>>,
    pub(crate) ingest: ingest::Ingest,
    /// The uploads' extractor, whose knowledge base also resolves filters.
    pub(crate) extractor: Arc<Extractor>,
}

pub(crate) struct SearchState {
    pub(crate) index: marsad_search::SearchIndex,
    pub(crate) reloaded: Instant,
    /// `Ingest::committed` at the last reload.
    pub(crate) seen: u64,
}

/// Opens the store (creating it if needed) and the search index, and starts the ingest worker.
pub fn state(config: Config) -> anyhow::Result<Arc<AppState>> {
    // Opening through the store creates the schema when the directory is new.
    marsad_store::Store::open(&config.db)
        .with_context(|| format!("opening the store in {}", config.db.display()))?;
    let index_dir = config.db.join("index");
    let search = match marsad_search::SearchIndex::open_or_create(&index_dir) {
        Ok(index) => Some(RwLock::new(SearchState {
            index,
            reloaded: Instant::now(),
            seen: 0,
        })),
        Err(e) => {
            tracing::warn!("search disabled: {}: {e}", index_dir.display());
            None
        }
    };
    let extractor = match &config.extractor {
        Some(x) => x.clone(),
        None => Arc::new(Extractor::new(marsad_kb::KnowledgeBase::builtin()?)),
    };
    let ingest = ingest::Ingest::start(config.db.clone(), extractor.clone());
    Ok(Arc::new(AppState {
        readers: db::Pool::new(config.db.clone()),
        exports: Arc::new(tokio::sync::Semaphore::new(config.max_exports.max(1))),
        config,
        search,
        ingest,
        extractor,
    }))
}

/// The whole application: API, page and layers.
pub fn router(state: Arc<AppState>) -> axum::Router {
    api::router(state)
}

/// Binds `config.addr` and serves until Ctrl-C.
pub fn serve(config: Config) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let addr = config.addr;
        let state = state(config)?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        eprintln!("marsad: serving on http://{}", listener.local_addr()?);
        serve_listener(listener, state, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok(())
    })
}

/// Serves `state` on a bound listener (the connection limits of its config) until
/// `shutdown` completes: what [`serve`] runs, for tests and embedders.
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = conn::Limits {
        header_timeout: state.config.header_timeout,
        idle_timeout: state.config.idle_timeout,
        max_connections: state.config.max_connections,
    };
    conn::serve(listener, router(state), limits, shutdown).await
}

/// Used by the page and tests: a lock that survives a panicked holder.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn lock_read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|e| e.into_inner())
}

/// Options of `marsad serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// File holding the bearer token for writes (MARSAD_TOKEN takes precedence).
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Reads need the token too.
    #[arg(long)]
    pub private: bool,
    /// Largest request body, in MiB.
    #[arg(long, default_value_t = 16)]
    pub body_limit_mb: usize,
    /// Longest a request may take, in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout_secs: u64,
    /// Longest wait for a complete request head, in seconds.
    #[arg(long, default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Longest a connection stays open with no request in progress, in seconds.
    #[arg(long, default_value_t = 20)]
    pub idle_timeout_secs: u64,
    /// Most connections open at once (lowered to fit the open-file limit).
    #[arg(long, default_value_t = 512)]
    pub max_connections: usize,
    /// Most exports streaming at once.
    #[arg(long, default_value_t = 2)]
    pub max_exports: usize,
    /// A host name accepted in the Host header besides the bind address (repeatable; `*`
    /// accepts any, e.g. behind a reverse proxy that checks it).
    #[arg(long = "allow-host")]
    pub allow_hosts: Vec<String>,
}

/// `marsad serve`: the store in `db`, documents posted to the API analysed by `extractor`.
pub fn run(args: &ServeArgs, db: PathBuf, extractor: Extractor) -> anyhow::Result<()> {
    let token = Config::token_from(args.token_file.as_deref())?;
    anyhow::ensure!(
        !(args.private && token.is_none()),
        "--private needs a token (MARSAD_TOKEN or --token-file)"
    );
    if token.is_none() {
        eprintln!("marsad: no token (MARSAD_TOKEN or --token-file): writes are refused");
    }
    let config = Config {
        addr: args.addr,
        db,
        token,
        private: args.private,
        body_limit: args.body_limit_mb.max(1) * 1024 * 1024,
        timeout: Duration::from_secs(args.timeout_secs.max(1)),
        header_timeout: Duration::from_secs(args.header_timeout_secs.max(1)),
        idle_timeout: Duration::from_secs(args.idle_timeout_secs.max(1)),
        max_connections: args.max_connections.max(1),
        max_exports: args.max_exports.max(1),
        allowed_hosts: args.allow_hosts.clone(),
        extractor: Some(Arc::new(extractor)),
    };
    serve(config)
}
