//! `marsad serve`: a JSON API over the store and the web page that reads it.
//!
//! In: a store directory (`<db>/marsad.sqlite`, plus the search index in `<db>/index` when it
//! exists) and a [`Config`]. Out: an HTTP server (axum) on loopback by default.
//!
//! * `GET /api/...` reads: documents, events (JSON, CSV, GeoJSON), export, timeline, search,
//!   health, the OpenAPI description. Open unless [`Config::private`].
//! * `POST /api/documents` ingests (JSON body or a multipart upload) through the same pipeline
//!   as `marsad ingest` (extract, then store insert), in a background worker; the response
//!   carries a batch id whose progress `GET /api/batches/{id}` reports. Writes need
//!   `Authorization: Bearer <token>`.
//! * `/` is the web page (HTML, CSS, JS and the governorate outlines, all embedded).
//!
//! Every error is a JSON object `{"error": "..."}` with a 4xx/5xx status, including the ones
//! produced by layers (body too large, timeout, unknown route, wrong method).

mod api;
mod assets;
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
    /// Longest a request may take (default 30 s).
    pub timeout: Duration,
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
    pub(crate) readers: db::Pool,
    pub(crate) search: Option<RwLock<SearchState>>,
    pub(crate) ingest: ingest::Ingest,
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
    let store = marsad_store::Store::open(&config.db)
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
    let ingest = ingest::Ingest::start(store, extractor, index_dir);
    Ok(Arc::new(AppState {
        readers: db::Pool::new(config.db.clone()),
        config,
        search,
        ingest,
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
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
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
        extractor: Some(Arc::new(extractor)),
    };
    serve(config)
}
