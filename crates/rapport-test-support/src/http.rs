//! The real server on port 0 and a plain HTTP/1.1 client for it: requests as a browser or a
//! script sends them, an API token, a signed-in browser's session.

use rapport_store::Db;

/// A running server on a free port of 127.0.0.1, on `db`.
pub async fn start(db: &Db) -> std::net::SocketAddr {
    start_with(db, rapport_server::Config::default()).await
}

/// An answer, as a client sees it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The API's error code, checking the error shape.
    pub fn error_code(&self) -> String {
        let v = self.json();
        let e = v
            .get("error")
            .unwrap_or_else(|| panic!("no error: {}", self.body));
        assert!(
            e["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.body
        );
        e["code"].as_str().expect("code").to_owned()
    }
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`), the answer read whole.
pub async fn request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> Answer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    let payload = match body {
        Some((ctype, bytes)) => {
            head.push_str(&format!("Content-Type: {ctype}\r\n"));
            bytes.to_vec()
        }
        None => Vec::new(),
    };
    head.push_str(&format!("Content-Length: {}\r\n\r\n", payload.len()));
    s.write_all(head.as_bytes()).await.expect("write");
    // A refused large body may close the connection before all of it is written.
    let _ = s.write_all(&payload).await;
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// A JSON API call with a bearer token.
pub async fn api(
    addr: std::net::SocketAddr,
    token: &str,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> Answer {
    let auth = format!("Bearer {token}");
    let bytes = body.map(|b| b.to_string().into_bytes());
    request(
        addr,
        method,
        path,
        &[("Authorization", auth.as_str())],
        bytes.as_deref().map(|b| ("application/json", b)),
    )
    .await
}

/// An API token for `actor`.
pub async fn token_for(db: &Db, actor: &rapport_core::workspace::Actor) -> String {
    use rapport_core::ports::AccountStore;
    let (token, hash) = rapport_core::usecases::tokens::new_token().expect("token");
    db.add_token(
        actor,
        &rapport_core::account::TokenId::generate(),
        "test",
        &hash,
        jiff::Timestamp::now(),
    )
    .await
    .expect("add token");
    token
}

/// A running server on a free port of 127.0.0.1, on `db`, with `config` (its public URL set
/// to the bound address).
pub async fn start_with(db: &Db, config: rapport_server::Config) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let config = rapport_server::Config {
        public_url: format!("http://{addr}"),
        ..config
    };
    let state = rapport_server::AppState::new(db.clone(), config);
    tokio::spawn(async move {
        let _ = rapport_server::serve(listener, state, std::future::pending()).await;
    });
    addr
}

/// A signed-in browser's session for `actor`: the `Cookie` header value, and the session's
/// CSRF token for forms.
pub async fn session_for(db: &Db, actor: &rapport_core::workspace::Actor) -> (String, String) {
    use rapport_core::ports::AccountStore;
    let id = rapport_server::auth::secret(32).expect("secret");
    let csrf = rapport_server::auth::secret(24).expect("secret");
    let now = jiff::Timestamp::now();
    db.add_session(&rapport_core::account::NewSession {
        id_hash: rapport_server::auth::digest(&id),
        user_id: actor.user.id.clone(),
        workspace_id: actor.workspace.id.clone(),
        csrf: csrf.clone(),
        created_at: now,
        expires_at: now + jiff::SignedDuration::from_hours(24),
    })
    .await
    .expect("session");
    (format!("rapport_session={id}"), csrf)
}
