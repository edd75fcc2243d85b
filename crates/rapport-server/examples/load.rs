//! A small HTTP/1.1 load generator for loopback load tests (scripts/load-test.sh): N
//! keep-alive connections, each sending the next request as soon as the last answer is read,
//! for a number of seconds. Prints requests/s and latency percentiles as JSON.
//!
//!     load --addr 127.0.0.1:7420 --path /api/v1/today --token rpt_… --connections 64 --seconds 10
//!
//! With `--bare-db URL --bare-addr 127.0.0.1:7499` it first starts, in this process, a bare
//! axum server whose handlers do the same database read as the real routes (Today for the
//! workspace's first owner at /today, a contact's card at /contacts/{id}) with no auth, no
//! middleware and no JSON error handling: the ceiling the real server is measured against.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Args {
    addr: String,
    path: String,
    token: Option<String>,
    connections: usize,
    seconds: u64,
    bare_db: Option<String>,
    bare_addr: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        addr: "127.0.0.1:7420".into(),
        path: "/api/v1/today".into(),
        token: None,
        connections: 64,
        seconds: 10,
        bare_db: None,
        bare_addr: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => a.addr = value()?,
            "--path" => a.path = value()?,
            "--token" => a.token = Some(value()?),
            "--connections" => a.connections = value()?.parse().map_err(|e| format!("{e}"))?,
            "--seconds" => a.seconds = value()?.parse().map_err(|e| format!("{e}"))?,
            "--bare-db" => a.bare_db = Some(value()?),
            "--bare-addr" => a.bare_addr = Some(value()?),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(a)
}

/// Reads one HTTP/1.1 answer (headers, then a Content-Length body); returns its status.
async fn read_answer(
    s: &mut tokio::net::TcpStream,
    buf: &mut Vec<u8>,
) -> Result<u16, std::io::Error> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end]).map_err(|_| bad("head"))?;
            let status: u16 = head
                .split_whitespace()
                .nth(1)
                .and_then(|c| c.parse().ok())
                .ok_or_else(|| bad("status"))?;
            let len: usize = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse().ok())
                .ok_or_else(|| bad("content-length"))?;
            let total = end + 4 + len;
            while buf.len() < total {
                let n = s.read(&mut chunk).await?;
                if n == 0 {
                    return Err(bad("closed"));
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            buf.drain(..total);
            return Ok(status);
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err(bad("closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn connection(
    addr: String,
    request: Vec<u8>,
    until: Instant,
) -> Result<(Vec<u32>, u64), std::io::Error> {
    let mut s = tokio::net::TcpStream::connect(&addr).await?;
    s.set_nodelay(true)?;
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut latencies = Vec::new();
    let mut errors = 0;
    while Instant::now() < until {
        let started = Instant::now();
        s.write_all(&request).await?;
        let status = read_answer(&mut s, &mut buf).await?;
        if status != 200 {
            errors += 1;
        }
        latencies.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
    }
    Ok((latencies, errors))
}

async fn bare(db_url: &str, bind: &str) -> Result<(), String> {
    use axum::Json;
    use axum::extract::{Path, State};
    use axum::routing::get;
    use rapport_core::ports::WorkspaceStore;
    let url: rapport_store::DatabaseUrl = db_url.parse().map_err(|e| format!("{e}"))?;
    let db = rapport_store::Db::open(&url)
        .await
        .map_err(|e| format!("{e}"))?;
    let actor = db
        .ensure_default_actor("My workspace", "owner", "UTC", jiff::Timestamp::now())
        .await
        .map_err(|e| format!("{e}"))?;
    let state = std::sync::Arc::new((db, actor));
    type S = std::sync::Arc<(rapport_store::Db, rapport_core::workspace::Actor)>;
    let app = axum::Router::new()
        .route(
            "/today",
            get(|State(s): State<S>| async move {
                let t = rapport_core::today::today_for(&s.0, &s.1, jiff::Timestamp::now()).await;
                Json(t.ok())
            }),
        )
        .route(
            "/contacts/{id}",
            get(|State(s): State<S>, Path(id): Path<String>| async move {
                Json(
                    rapport_core::service::contact_card(&s.0, &s.1, &id)
                        .await
                        .ok(),
                )
            }),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("{e}"))?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let a = args()?;
    let addr = match (&a.bare_db, &a.bare_addr) {
        (Some(db), Some(bind)) => {
            bare(db, bind).await?;
            bind.clone()
        }
        _ => a.addr.clone(),
    };
    let mut request = format!("GET {} HTTP/1.1\r\nHost: {addr}\r\n", a.path);
    if let Some(t) = &a.token {
        request.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    request.push_str("\r\n");
    // Warm up: one request per connection's worth, then the measured run.
    let warm = Instant::now() + Duration::from_secs(1);
    let _ = connection(addr.clone(), request.clone().into_bytes(), warm).await;
    let started = Instant::now();
    let until = started + Duration::from_secs(a.seconds);
    let tasks: Vec<_> = (0..a.connections)
        .map(|_| {
            tokio::spawn(connection(
                addr.clone(),
                request.clone().into_bytes(),
                until,
            ))
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0u64;
    for t in tasks {
        let (lat, err) = t
            .await
            .map_err(|e| format!("{e}"))?
            .map_err(|e| format!("a connection failed: {e}"))?;
        all.extend(lat);
        errors += err;
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| {
        let i = ((all.len() as f64 - 1.0) * p).round() as usize;
        all.get(i).copied().unwrap_or(0) as f64 / 1000.0
    };
    println!(
        "{}",
        serde_json::json!({
            "addr": addr,
            "path": a.path,
            "connections": a.connections,
            "seconds": secs,
            "requests": all.len(),
            "non_200": errors,
            "requests_per_second": all.len() as f64 / secs,
            "p50_ms": pct(0.50),
            "p90_ms": pct(0.90),
            "p99_ms": pct(0.99),
            "max_ms": pct(1.0),
        })
    );
    Ok(())
}
