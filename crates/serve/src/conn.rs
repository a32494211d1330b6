//! Connections: the accept loop, with a cap on open connections, a deadline for request
//! headers and one for idle connections.
//!
//! `axum::serve` keeps every accepted connection until the client closes it: idle or
//! slow-header connections were never closed, and with 256 open files allowed 300 idle sockets
//! made every request time out. Here (hyper-util's connection builder, one task per
//! connection):
//!
//! * a request head must arrive within [`Limits::header_timeout`] (hyper's
//!   `header_read_timeout`);
//! * a connection with no request in progress (never used, or idle between keep-alive
//!   requests) is closed after [`Limits::idle_timeout`] by a sweeper task;
//! * at most [`Limits::max_connections`] are open (also bounded by the process's open-file
//!   limit, minus room for the store and the index): a connection accepted at the cap closes
//!   the oldest idle one, so a new client is served while idle sockets fill the cap; when none
//!   is idle the newcomer gets a 503 and is closed.
//!
//! "In progress" lasts from the request head to the end of the response body, so a streamed
//! export is never cut by the idle sweeper.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::Router;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// Connection limits of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest wait for a complete request head.
    pub header_timeout: Duration,
    /// Longest a connection stays open with no request in progress.
    pub idle_timeout: Duration,
    /// Most connections open at once (lowered to fit the open-file limit).
    pub max_connections: usize,
}

/// File descriptors kept for everything but client sockets: the store's handles (a pooled
/// reader holds two SQLite connections of up to three files each), the index, stdio, epoll.
pub const RESERVED_FDS: usize = 128;

/// `max` lowered to what the soft `RLIMIT_NOFILE` leaves after [`RESERVED_FDS`] (at least 8).
pub fn effective_max_connections(max: usize) -> usize {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given and reads nothing else.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0;
    if !ok || lim.rlim_cur == libc::RLIM_INFINITY {
        return max.max(1);
    }
    let files = usize::try_from(lim.rlim_cur).unwrap_or(usize::MAX);
    max.min(files.saturating_sub(RESERVED_FDS).max(8)).max(1)
}

/// One open connection as the registry sees it.
struct Conn {
    /// Requests whose response has not been fully sent.
    in_flight: AtomicUsize,
    /// Milliseconds since the registry started, at the last request start or end.
    last_active: AtomicU64,
    /// Closes the connection (its task drops it).
    close: tokio::sync::Notify,
}

struct Registry {
    start: Instant,
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn len(&self) -> usize {
        crate::lock(&self.conns).len()
    }

    /// Closes the idle connection that has been idle longest; false when none is idle.
    fn close_oldest_idle(&self) -> bool {
        let conns = crate::lock(&self.conns);
        // Ties (connections accepted in the same millisecond) go to the one accepted first:
        // the map's order is arbitrary, the id is the accept order.
        let oldest = conns
            .iter()
            .filter(|(_, c)| c.in_flight.load(Ordering::SeqCst) == 0)
            .min_by_key(|(id, c)| (c.last_active.load(Ordering::SeqCst), **id));
        match oldest {
            Some((_, c)) => {
                // The entry stays until its task has dropped the socket; make sure it is not
                // picked twice meanwhile.
                c.last_active.store(u64::MAX, Ordering::SeqCst);
                c.close.notify_one();
                true
            }
            None => false,
        }
    }

    /// Closes every connection idle for `idle` or longer.
    fn close_idle(&self, idle: Duration) {
        let now = self.now_ms();
        let idle = idle.as_millis() as u64;
        for c in crate::lock(&self.conns).values() {
            let last = c.last_active.load(Ordering::SeqCst);
            if c.in_flight.load(Ordering::SeqCst) == 0 && last != u64::MAX && now >= last + idle {
                c.close.notify_one();
            }
        }
    }
}

/// Marks a request in progress on its connection until dropped (with the response body).
struct InFlight {
    conn: Arc<Conn>,
    registry: Arc<Registry>,
}

impl InFlight {
    fn new(conn: Arc<Conn>, registry: Arc<Registry>) -> Self {
        conn.in_flight.fetch_add(1, Ordering::SeqCst);
        conn.last_active.store(registry.now_ms(), Ordering::SeqCst);
        InFlight { conn, registry }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.conn
            .last_active
            .store(self.registry.now_ms(), Ordering::SeqCst);
        self.conn.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A response body that keeps its request marked in progress until it is sent or dropped.
struct Tracked {
    inner: Body,
    _in_flight: InFlight,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
connection: close\r\nretry-after: 1\r\ncontent-length: 48\r\n\r\n\
{\"error\": \"too many connections, try again soon\"}";

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in progress
/// finish (for up to 10 s).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let max = effective_max_connections(limits.max_connections);
    tracing::info!(
        "at most {max} connections, headers within {:?}, idle for {:?}",
        limits.header_timeout,
        limits.idle_timeout
    );
    let registry = Arc::new(Registry {
        start: Instant::now(),
        next_id: AtomicU64::new(0),
        conns: Mutex::new(HashMap::new()),
    });
    let sweep_every =
        (limits.idle_timeout / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
    let sweeper = {
        let registry = registry.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(sweep_every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                registry.close_idle(limits.idle_timeout);
            }
        })
    };
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.idle_timeout));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors (or a transient error): make room and go on; the
                // loop must never end or spin on an error.
                let no_files = matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE));
                if no_files {
                    registry.close_oldest_idle();
                }
                tracing::warn!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(if no_files { 20 } else { 5 })).await;
                continue;
            }
        };
        if registry.len() >= max && !registry.close_oldest_idle() {
            refuse(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        spawn_connection(
            stream,
            app.clone(),
            builder.clone(),
            registry.clone(),
            stop_rx.clone(),
        );
    }
    sweeper.abort();
    let _ = stop_tx.send(true);
    // Wait for connections to finish what they are doing.
    let deadline = Instant::now() + Duration::from_secs(10);
    while registry.len() > 0 && Instant::now() < deadline {
        registry.close_idle(Duration::ZERO);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Every connection is busy and the cap is reached: a short 503 (best effort) and close.
fn refuse(stream: TcpStream) {
    let _ = stream.try_write(BUSY);
}

fn spawn_connection(
    stream: TcpStream,
    app: Router,
    builder: auto::Builder<TokioExecutor>,
    registry: Arc<Registry>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let id = registry.next_id.fetch_add(1, Ordering::SeqCst);
    let conn = Arc::new(Conn {
        in_flight: AtomicUsize::new(0),
        last_active: AtomicU64::new(registry.now_ms()),
        close: tokio::sync::Notify::new(),
    });
    crate::lock(&registry.conns).insert(id, conn.clone());
    tokio::spawn(async move {
        let service = {
            let conn = conn.clone();
            let registry = registry.clone();
            hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let in_flight = InFlight::new(conn.clone(), registry.clone());
                let app = app.clone();
                async move {
                    let res = match app.oneshot(req.map(Body::new)).await {
                        Ok(res) => res,
                        Err(never) => match never {},
                    };
                    Ok::<_, Infallible>(res.map(|inner| Tracked {
                        inner,
                        _in_flight: in_flight,
                    }))
                }
            })
        };
        let served = builder.serve_connection(TokioIo::new(stream), service);
        let mut served = std::pin::pin!(served);
        tokio::select! {
            _ = served.as_mut() => {}
            _ = conn.close.notified() => {}
            _ = stop.changed() => {
                served.as_mut().graceful_shutdown();
                tokio::select! {
                    _ = served.as_mut() => {}
                    _ = conn.close.notified() => {}
                }
            }
        }
        crate::lock(&registry.conns).remove(&id);
    });
}
