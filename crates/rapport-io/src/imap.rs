//! A small IMAP4rev1 client (RFC 3501), the part mail sync needs: connect (TLS, STARTTLS or
//! plain on loopback), LOGIN, SELECT (UIDVALIDITY), UID SEARCH for what is new, UID FETCH of
//! a message's size and bytes, APPEND (tests put mail in with it), LOGOUT. Over tokio and
//! rustls (ring), the TLS stack the SMTP digest already uses.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How a connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 993).
    Tls,
    /// Plain, then STARTTLS before the login (port 143).
    StartTls,
    /// No TLS: only for a server on this machine.
    Plain,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::StartTls => "starttls",
            Security::Plain => "plain",
        }
    }

    pub fn parse(s: &str) -> Option<Security> {
        match s {
            "tls" => Some(Security::Tls),
            "starttls" => Some(Security::StartTls),
            "plain" => Some(Security::Plain),
            _ => None,
        }
    }
}

/// What went wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("cannot reach {0}: {1}")]
    Connect(String, std::io::Error),
    #[error("TLS with {0} failed: {1}")]
    Tls(String, String),
    #[error("the server closed the connection")]
    Closed,
    #[error("the server took too long to answer")]
    Timeout,
    #[error("the server refused: {0}")]
    Refused(String),
    #[error("the server's answer is not IMAP: {0}")]
    Protocol(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// The largest line or literal read (a message over 25 MB is skipped by its size first).
const MAX_LITERAL: usize = 26 * 1024 * 1024;

/// How long one line of an answer may take.
const ANSWER_WITHIN: Duration = Duration::from_secs(60);

/// How long a whole answer may take (a server trickling lines does not hold a sync forever).
const COMMAND_WITHIN: Duration = Duration::from_secs(300);

/// The most bytes one answer may hold (a message's literal and its lines).
const ANSWER_BYTES: usize = MAX_LITERAL + 1024 * 1024;

/// One answer to a command: its untagged lines (each with the literals it carried) and the
/// tagged status line.
#[derive(Debug, Default)]
struct Answer {
    untagged: Vec<(String, Vec<Vec<u8>>)>,
}

/// A signed-in (or about to be) IMAP connection.
pub struct Session {
    stream: BufReader<Box<dyn Stream>>,
    next_tag: u32,
    /// Bytes the answer being read may still take.
    budget: usize,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("next_tag", &self.next_tag)
            .finish()
    }
}

/// The certificates TLS trusts: the web's roots, and a PEM file's (`RAPPORT_IMAP_CA_FILE`:
/// a company's own authority, or a test server's).
fn tls_connector(host: &str) -> Result<tokio_rustls::TlsConnector, ImapError> {
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = std::env::var_os("RAPPORT_IMAP_CA_FILE") {
        let certs = rustls_pki_types::CertificateDer::pem_file_iter(&path)
            .map_err(|e| ImapError::Tls(host.to_owned(), format!("{}: {e}", path.display())))?;
        for c in certs {
            let c = c.map_err(|e| ImapError::Tls(host.to_owned(), e.to_string()))?;
            roots
                .add(c)
                .map_err(|e| ImapError::Tls(host.to_owned(), e.to_string()))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ImapError::Tls(host.to_owned(), e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

async fn tls(host: &str, tcp: TcpStream) -> Result<Box<dyn Stream>, ImapError> {
    let name = rustls_pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| ImapError::Tls(host.to_owned(), e.to_string()))?;
    let s = tls_connector(host)?
        .connect(name, tcp)
        .await
        .map_err(|e| ImapError::Tls(host.to_owned(), e.to_string()))?;
    Ok(Box::new(s))
}

/// A line read a byte at a time (before STARTTLS), CRLF trimmed.
async fn plain_line(tcp: &mut TcpStream) -> Result<String, ImapError> {
    use tokio::io::AsyncReadExt;
    let mut line = Vec::new();
    loop {
        let mut b = [0u8; 1];
        let n = tokio::time::timeout(ANSWER_WITHIN, tcp.read(&mut b))
            .await
            .map_err(|_| ImapError::Timeout)??;
        if n == 0 {
            return Err(ImapError::Closed);
        }
        if b[0] == b'\n' {
            break;
        }
        if line.len() > 8192 {
            return Err(ImapError::Protocol("a line too long".into()));
        }
        line.push(b[0]);
    }
    Ok(String::from_utf8_lossy(&line)
        .trim_end_matches('\r')
        .to_owned())
}

/// Whether a FETCH line is about this UID (not another message's).
fn names_uid(line: &str, uid: u32) -> bool {
    let uid = uid.to_string();
    line.match_indices("UID ").any(|(at, _)| {
        line[at + 4..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .is_some_and(|n| n == uid)
    })
}

/// An IMAP quoted string.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

impl Session {
    /// Connects and reads the greeting (and, for STARTTLS, switches to TLS).
    pub async fn connect(host: &str, port: u16, security: Security) -> Result<Session, ImapError> {
        let at = format!("{host}:{port}");
        let tcp = tokio::time::timeout(ANSWER_WITHIN, TcpStream::connect(&at))
            .await
            .map_err(|_| ImapError::Timeout)?
            .map_err(|e| ImapError::Connect(at.clone(), e))?;
        let stream: Box<dyn Stream> = match security {
            Security::Tls => tls(host, tcp).await?,
            Security::Plain => Box::new(tcp),
            Security::StartTls => {
                // The greeting and STARTTLS read a byte at a time: nothing may be buffered
                // past the server's OK, where the handshake starts.
                let mut tcp = tcp;
                let greeting = plain_line(&mut tcp).await?;
                if !greeting.starts_with("* OK") {
                    return Err(ImapError::Refused(greeting));
                }
                tcp.write_all(b"a0 STARTTLS\r\n").await?;
                loop {
                    let line = plain_line(&mut tcp).await?;
                    if let Some(rest) = line.strip_prefix("a0 ") {
                        if !rest.starts_with("OK") {
                            return Err(ImapError::Refused(rest.to_owned()));
                        }
                        break;
                    }
                }
                let tls = tls(host, tcp).await?;
                return Ok(Session {
                    stream: BufReader::new(tls),
                    next_tag: 1,
                    budget: ANSWER_BYTES,
                });
            }
        };
        let mut s = Session {
            stream: BufReader::new(stream),
            next_tag: 1,
            budget: ANSWER_BYTES,
        };
        let (greeting, _) = s.read_line().await?;
        if !greeting.starts_with("* OK") && !greeting.starts_with("* PREAUTH") {
            return Err(ImapError::Refused(greeting));
        }
        Ok(s)
    }

    /// Reads one line (CRLF trimmed) and the literals it announces (`{N}`), which the
    /// line goes on after.
    async fn read_line(&mut self) -> Result<(String, Vec<Vec<u8>>), ImapError> {
        let mut text = String::new();
        let mut literals = Vec::new();
        loop {
            let mut buf = Vec::new();
            let n = tokio::time::timeout(ANSWER_WITHIN, async {
                let mut limited =
                    tokio::io::AsyncReadExt::take(&mut self.stream, MAX_LITERAL as u64);
                limited.read_until(b'\n', &mut buf).await
            })
            .await
            .map_err(|_| ImapError::Timeout)??;
            if n == 0 {
                return Err(ImapError::Closed);
            }
            if buf.last() != Some(&b'\n') {
                return Err(ImapError::Protocol("a line too long".into()));
            }
            self.budget = self
                .budget
                .checked_sub(buf.len())
                .ok_or_else(|| ImapError::Protocol("an answer too long".into()))?;
            let line = String::from_utf8_lossy(&buf);
            let line = line.trim_end_matches(['\r', '\n']);
            // A literal: `{123}` at the end of the line, then 123 bytes.
            let literal = line
                .strip_suffix('}')
                .and_then(|l| l.rfind('{').map(|at| (&l[..at], &l[at + 1..])))
                .and_then(|(head, n)| n.parse::<usize>().ok().map(|n| (head, n)));
            match literal {
                Some((head, size)) => {
                    if size > MAX_LITERAL {
                        return Err(ImapError::Protocol(format!("a literal of {size} bytes")));
                    }
                    self.budget = self
                        .budget
                        .checked_sub(size)
                        .ok_or_else(|| ImapError::Protocol("an answer too long".into()))?;
                    text.push_str(head);
                    let mut bytes = vec![0u8; size];
                    tokio::time::timeout(ANSWER_WITHIN, async {
                        tokio::io::AsyncReadExt::read_exact(&mut self.stream, &mut bytes).await
                    })
                    .await
                    .map_err(|_| ImapError::Timeout)??;
                    literals.push(bytes);
                }
                None => {
                    text.push_str(line);
                    return Ok((text, literals));
                }
            }
        }
    }

    /// Sends a command (with literals after it, each announced) and reads its answer, within
    /// [`COMMAND_WITHIN`] and [`ANSWER_BYTES`].
    async fn command(&mut self, command: &str, literals: &[&[u8]]) -> Result<Answer, ImapError> {
        self.budget = ANSWER_BYTES;
        tokio::time::timeout(COMMAND_WITHIN, self.command_unbounded(command, literals))
            .await
            .map_err(|_| ImapError::Timeout)?
    }

    async fn command_unbounded(
        &mut self,
        command: &str,
        literals: &[&[u8]],
    ) -> Result<Answer, ImapError> {
        let tag = format!("a{}", self.next_tag);
        self.next_tag += 1;
        self.stream
            .get_mut()
            .write_all(format!("{tag} {command}").as_bytes())
            .await?;
        for l in literals {
            let stream = self.stream.get_mut();
            stream
                .write_all(format!(" {{{}}}\r\n", l.len()).as_bytes())
                .await?;
            stream.flush().await?;
            // The server's go-ahead ("+ ...").
            let (line, _) = self.read_line().await?;
            if !line.starts_with('+') {
                return Err(ImapError::Refused(line));
            }
            self.stream.get_mut().write_all(l).await?;
        }
        let stream = self.stream.get_mut();
        stream.write_all(b"\r\n").await?;
        stream.flush().await?;
        let mut answer = Answer::default();
        loop {
            let (line, literals) = self.read_line().await?;
            if let Some(rest) = line.strip_prefix(&format!("{tag} ")) {
                return if rest.starts_with("OK") {
                    Ok(answer)
                } else {
                    Err(ImapError::Refused(rest.to_owned()))
                };
            }
            if line.starts_with('*') {
                answer.untagged.push((line, literals));
            }
        }
    }

    pub async fn login(&mut self, user: &str, password: &str) -> Result<(), ImapError> {
        // As literals: any byte of a password goes as it is, nothing in it is read as IMAP.
        self.command("LOGIN", &[user.as_bytes(), password.as_bytes()])
            .await
            .map(|_| ())
    }

    /// Opens a folder read-only: its UIDVALIDITY.
    pub async fn examine(&mut self, folder: &str) -> Result<u32, ImapError> {
        let answer = self
            .command(&format!("EXAMINE {}", quoted(folder)), &[])
            .await?;
        answer
            .untagged
            .iter()
            .find_map(|(l, _)| {
                let at = l.find("[UIDVALIDITY ")?;
                l[at + 13..]
                    .split(']')
                    .next()
                    .and_then(|n| n.trim().parse().ok())
            })
            .ok_or_else(|| ImapError::Protocol("no UIDVALIDITY".into()))
    }

    /// The UIDs above `last`, in order.
    pub async fn uids_after(&mut self, last: u32) -> Result<Vec<u32>, ImapError> {
        let answer = self
            .command(&format!("UID SEARCH UID {}:*", last.saturating_add(1)), &[])
            .await?;
        let mut uids: Vec<u32> = answer
            .untagged
            .iter()
            .filter_map(|(l, _)| l.strip_prefix("* SEARCH"))
            .flat_map(|rest| rest.split_whitespace().filter_map(|n| n.parse().ok()))
            .filter(|u| *u > last)
            .collect();
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    /// A message's size in bytes.
    pub async fn size(&mut self, uid: u32) -> Result<u64, ImapError> {
        let answer = self
            .command(&format!("UID FETCH {uid} (RFC822.SIZE)"), &[])
            .await?;
        answer
            .untagged
            .iter()
            .filter(|(l, _)| names_uid(l, uid))
            .find_map(|(l, _)| {
                let at = l.find("RFC822.SIZE ")?;
                l[at + 12..]
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|n| n.parse().ok())
            })
            .ok_or_else(|| ImapError::Protocol(format!("no size for message {uid}")))
    }

    /// A message's bytes, leaving it unread on the server.
    pub async fn fetch(&mut self, uid: u32) -> Result<Vec<u8>, ImapError> {
        let answer = self
            .command(&format!("UID FETCH {uid} (BODY.PEEK[])"), &[])
            .await?;
        answer
            .untagged
            .into_iter()
            .filter(|(l, _)| names_uid(l, uid))
            .find_map(|(_, mut literals)| literals.pop())
            .ok_or_else(|| ImapError::Protocol(format!("no body for message {uid}")))
    }

    /// Makes a folder.
    pub async fn create(&mut self, folder: &str) -> Result<(), ImapError> {
        self.command(&format!("CREATE {}", quoted(folder)), &[])
            .await
            .map(|_| ())
    }

    /// Adds a message to a folder.
    pub async fn append(&mut self, folder: &str, message: &[u8]) -> Result<(), ImapError> {
        self.command(&format!("APPEND {}", quoted(folder)), &[message])
            .await
            .map(|_| ())
    }

    pub async fn logout(mut self) {
        let _ = self.command("LOGOUT", &[]).await;
    }
}
