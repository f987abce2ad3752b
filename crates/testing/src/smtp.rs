//! A mail server for tests: it listens on loopback, speaks as much SMTP as a client needs to
//! hand it a message (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no authentication)
//! and keeps every message it accepts. It can refuse the next few messages, as a server
//! that is down or full would.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A message as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body as sent (dot-stuffing undone), with CRLF line ends.
    pub data: String,
}

impl Received {
    /// The value of a header (the first of that name; folded lines joined).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    v.push(' ');
                    v.push_str(line.trim_start());
                    continue;
                }
                break;
            }
            if let Some((n, v)) = line.split_once(':') {
                if n.eq_ignore_ascii_case(name) {
                    value = Some(v.trim().to_string());
                }
            }
        }
        value
    }

    /// A header with its encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) decoded.
    pub fn decoded_header(&self, name: &str) -> Option<String> {
        let raw = self.header(name)?;
        let mut out = String::new();
        let mut rest = raw.as_str();
        while let Some(start) = rest.find("=?") {
            let (before, word) = rest.split_at(start);
            // Space between two encoded words is not part of the text.
            if !(out.ends_with('\u{0}') && before.trim().is_empty()) {
                out.push_str(before);
            }
            let parts: Vec<&str> = word[2..].splitn(4, '?').collect();
            if parts.len() < 4 {
                out.push_str(word);
                rest = "";
                break;
            }
            let (enc, text, after) = (parts[1], parts[2], parts[3]);
            let bytes = match enc.to_ascii_lowercase().as_str() {
                "b" => base64::Engine::decode(&base64::engine::general_purpose::STANDARD, text)
                    .unwrap_or_default(),
                _ => quoted_printable(&text.replace('_', " ")),
            };
            out.push_str(&String::from_utf8_lossy(&bytes));
            out.push('\u{0}');
            rest = after.strip_prefix('=').unwrap_or(after);
        }
        out.push_str(rest);
        Some(out.replace('\u{0}', ""))
    }

    /// The body, decoded from its transfer encoding (base64, quoted-printable or none).
    pub fn body(&self) -> String {
        let body = self
            .data
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or("");
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => base64::Engine::decode(
                &base64::engine::general_purpose::STANDARD,
                body.split_whitespace().collect::<String>(),
            )
            .unwrap_or_default(),
            "quoted-printable" => quoted_printable(&body.replace("=\r\n", "")),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
    }
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    refuse: usize,
    delay: std::time::Duration,
}

/// The server; it stops when dropped (its task ends with the test's runtime).
#[derive(Clone)]
pub struct SmtpServer {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let shared: Arc<Mutex<Shared>> = Arc::default();
        let s = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = session(stream, s).await;
                });
            }
        });
        SmtpServer { addr, shared }
    }

    /// The URL a client is given: `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every message accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().expect("lock").received.clone()
    }

    /// Take this long to accept each message, as a distant server does (so that senders
    /// racing for the same message overlap).
    pub fn slow_down(&self, delay: std::time::Duration) {
        self.shared.lock().expect("lock").delay = delay;
    }

    /// Refuse the next `n` messages with a temporary failure (451).
    pub fn refuse_next(&self, n: usize) {
        self.shared.lock().expect("lock").refuse = n;
    }
}

async fn session(stream: tokio::net::TcpStream, shared: Arc<Mutex<Shared>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 test ESMTP\r\n").await?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 ok\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&cmd[10..]);
            to.clear();
            b"250 ok\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&cmd[8..]));
            b"250 ok\r\n"
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            b"250 ok\r\n"
        } else if upper == "DATA" {
            write.write_all(b"354 go on\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let l = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(l);
            }
            let delay = shared.lock().expect("lock").delay;
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let mut s = shared.lock().expect("lock");
            if s.refuse > 0 {
                s.refuse -= 1;
                b"451 try again later\r\n"
            } else {
                s.received.push(Received {
                    from: from.clone(),
                    to: to.clone(),
                    data,
                });
                b"250 queued\r\n"
            }
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// `<a@b.vn> SIZE=…` → `a@b.vn`.
fn address(s: &str) -> String {
    let s = s.trim();
    match (s.find('<'), s.find('>')) {
        (Some(a), Some(b)) if a < b => s[a + 1..b].to_string(),
        _ => s.split_whitespace().next().unwrap_or_default().to_string(),
    }
}
