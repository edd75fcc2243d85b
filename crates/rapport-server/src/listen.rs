//! Serving connections with limits a slow or hostile client cannot get around: a request's
//! header must arrive within [`HEADER_READ`] (which also closes a keep-alive connection idle
//! that long), a request body must keep coming (no byte for [`BODY_IDLE`]: 408), and a stop
//! lets the requests in flight finish (at most [`SHUTDOWN_GRACE`]).

use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tower::ServiceExt as _;

/// A request's header must be read within this, and an idle keep-alive connection is
/// closed after it.
pub const HEADER_READ: Duration = Duration::from_secs(10);
/// A request body that sends nothing for this long is answered 408.
pub const BODY_IDLE: Duration = Duration::from_secs(20);
/// How long a stop waits for requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The limits a connection lives under (the constants above, shorter in tests).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub header_read: Duration,
    pub body_idle: Duration,
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read: HEADER_READ,
            body_idle: BODY_IDLE,
            shutdown_grace: SHUTDOWN_GRACE,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting and lets the
/// requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    // hyper drops its header timeout unless a timer is given; with one, a half-sent header,
    // a connection that never speaks and an idle keep-alive are all closed after it.
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer): (_, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait, as axum::serve does.
                    eprintln!("rapport: cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let svc = service_fn(move |mut req: axum::http::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req.map(Body::new))
        });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), svc));
        tokio::spawn(async move {
            if let Err(e) = conn.await
                && !e.is_timeout()
                && !e.is_incomplete_message()
                && !e.is_closed()
            {
                eprintln!("rapport: connection from {peer}: {e}");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!(
            "rapport: requests still running after {:?}; stopping anyway",
            limits.shutdown_grace
        );
    }
    Ok(())
}

#[derive(Debug)]
struct Stalled;

impl std::fmt::Display for Stalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body stopped coming")
    }
}

impl std::error::Error for Stalled {}

/// A request body that fails once nothing has arrived for [`BODY_IDLE`].
struct ProgressBody {
    inner: Body,
    idle: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    stalled: Arc<AtomicBool>,
}

impl HttpBody for ProgressBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            if let Some(t) = &mut this.timer {
                t.as_mut().reset(tokio::time::Instant::now() + this.idle);
            }
            return Poll::Ready(frame);
        }
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(this.idle)));
        if timer.as_mut().poll(cx).is_ready() {
            this.stalled.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(axum::Error::new(Stalled))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: a request whose body stalls is answered 408 and its connection closed (a
/// stalled upload no longer holds a temporary file or a worker).
pub async fn body_progress(
    axum::extract::State(limits): axum::extract::State<Limits>,
    req: Request,
    next: Next,
) -> Response {
    let stalled = Arc::new(AtomicBool::new(false));
    let flag = stalled.clone();
    let req = req.map(|inner| {
        Body::new(ProgressBody {
            inner,
            idle: limits.body_idle,
            timer: None,
            stalled: flag,
        })
    });
    let res = next.run(req).await;
    if stalled.load(Ordering::Relaxed) {
        return (
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, "close")],
            "the request body stopped coming; send it again",
        )
            .into_response();
    }
    res
}
