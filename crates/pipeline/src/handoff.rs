//! Handing documents to the writer of a store: while a server holds a store's
//! [`crate::WriterLock`], it listens on `<db>/writer.sock` (a Unix socket, readable and
//! writable by its owner only), and a `marsad ingest` on the same store sends it its batches
//! there instead of writing itself. So a CLI ingest and API uploads go through one writer.
//!
//! Protocol: newline-delimited JSON. The client sends one [`Request`] per line; the server
//! answers each with one [`crate::Outcome`] line once the batch is stored, linked and indexed
//! (or failed: its errors say which documents and why).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use marsad_ingest::Document;
use serde::{Deserialize, Serialize};

use crate::Outcome;

/// Name of the socket inside a store directory.
pub const SOCKET_FILE: &str = "writer.sock";

/// One batch handed to the writer.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub documents: Vec<Document>,
}

/// What the server does with a batch.
pub type Handler = Arc<dyn Fn(Vec<Document>) -> Outcome + Send + Sync>;

/// Listens on the socket of the store in `db` (call only while holding its writer lock: a
/// socket file left there is a dead writer's and is replaced) and runs `handler` for each
/// batch, one thread per connection. Returns the socket's path; the listening thread lives as
/// long as the process.
pub fn listen(db: &Path, handler: Handler) -> std::io::Result<PathBuf> {
    let path = db.join(SOCKET_FILE);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let listener = UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    std::thread::Builder::new()
        .name("marsad-handoff".into())
        .spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let handler = handler.clone();
                let spawned = std::thread::Builder::new()
                    .name("marsad-handoff-conn".into())
                    .spawn(move || {
                        if let Err(e) = serve_conn(conn, &handler) {
                            tracing::warn!("handed-off ingest: {e}");
                        }
                    });
                if let Err(e) = spawned {
                    tracing::warn!("handed-off ingest: {e}");
                }
            }
        })?;
    Ok(path)
}

fn serve_conn(conn: UnixStream, handler: &Handler) -> std::io::Result<()> {
    let mut out = conn.try_clone()?;
    let mut lines = BufReader::new(conn);
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let outcome = match serde_json::from_str::<Request>(&line) {
            Ok(r) => handler(r.documents),
            Err(e) => Outcome {
                errors: vec![format!("handed-off batch: {e}")],
                ..Outcome::default()
            },
        };
        serde_json::to_writer(&mut out, &outcome)?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
}

/// A connection to the writer of a store.
pub struct Client {
    out: UnixStream,
    lines: BufReader<UnixStream>,
}

impl Client {
    /// Connects to the writer of the store in `db`; `None` when none listens there.
    pub fn connect(db: &Path) -> Option<Client> {
        let out = UnixStream::connect(db.join(SOCKET_FILE)).ok()?;
        let lines = BufReader::new(out.try_clone().ok()?);
        Some(Client { out, lines })
    }

    /// Sends a batch and waits until the writer has handled it. An error here (the writer
    /// went away) means the batch's fate is unknown: the caller reports it as failed.
    pub fn submit(&mut self, documents: Vec<Document>) -> std::io::Result<Outcome> {
        serde_json::to_writer(&mut self.out, &Request { documents })?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        let mut line = String::new();
        if self.lines.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the writer closed the connection",
            ));
        }
        serde_json::from_str(&line).map_err(std::io::Error::other)
    }
}
