//! Pages kept in memory for a few seconds.
//!
//! Most readers of a public portal are not signed in, and read the same pages; the
//! signed-in go back to the same lists and dashboards. A GET is answered from memory when
//! this node drew the same page (same address, language and encoding, and for the signed-in
//! the same web session) less than `ttl` ago and nothing was written through this node
//! since — any write, signing out included, forgets every page; other nodes' writes show
//! within `ttl` (and `deploy/` sends each signed-in person to one node, so that their own
//! writes show at once). Every page kept carries an `ETag`, and a client who sends it back
//! gets `304 Not Modified`.
//!
//! What is never kept: an answer other than 200, one that sets a cookie (or, for a visitor,
//! says `no-store`/`private`), one over [`MAX_BODY`], an API call with a bearer token, and
//! the node's own endpoints (`/metrics` answers by the client's address, `/healthz` and
//! `/readyz` by the node's state).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest page kept.
const MAX_BODY: usize = 512 * 1024;

/// At most this many pages (a few tens of MB at the portal's page sizes); when full, pages
/// past their time go, and a new page waits for room.
const MAX_ENTRIES: usize = 4_096;

/// The pages of one node.
#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

struct Inner {
    ttl: Duration,
    /// Bumped by every write this node answers: pages drawn before it are stale.
    generation: AtomicU64,
    pages: RwLock<HashMap<String, Page>>,
}

#[derive(Clone)]
struct Page {
    at: Instant,
    generation: u64,
    headers: HeaderMap,
    body: Bytes,
    etag: HeaderValue,
}

impl PageCache {
    /// A cache whose pages live `ttl`; zero keeps none.
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            inner: Arc::new(Inner {
                ttl,
                generation: AtomicU64::new(0),
                pages: RwLock::new(HashMap::new()),
            }),
        }
    }

    /// Every page kept so far is stale.
    pub fn invalidate(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn fresh(&self, key: &str) -> Option<Page> {
        let pages = self.inner.pages.read().ok()?;
        let page = pages.get(key)?;
        (page.at.elapsed() < self.inner.ttl
            && page.generation == self.inner.generation.load(Ordering::SeqCst))
        .then(|| page.clone())
    }

    fn keep(&self, key: String, page: Page) {
        let Ok(mut pages) = self.inner.pages.write() else {
            return;
        };
        if pages.len() >= MAX_ENTRIES {
            let now = self.inner.generation.load(Ordering::SeqCst);
            let ttl = self.inner.ttl;
            pages.retain(|_, p| p.generation == now && p.at.elapsed() < ttl);
        }
        if pages.len() < MAX_ENTRIES {
            pages.insert(key, page);
        }
    }
}

/// The page's key: the address, and what else changes the answer (the language cookie, the
/// API's `Accept-Language`, the encoding the client takes). None for a request whose answer
/// is not a visitor's page.
fn key_of(req: &Request) -> Option<String> {
    if req.method() != Method::GET {
        return None;
    }
    let h = req.headers();
    if h.contains_key(header::AUTHORIZATION) {
        return None;
    }
    // A signed-in person's pages are theirs alone: kept under their session's id.
    let session = crate::auth::session_cookie(h).unwrap_or_default();
    let path = req.uri().path();
    if matches!(path, "/metrics" | "/healthz" | "/readyz") {
        return None;
    }
    let value = |name: header::HeaderName| {
        h.get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",")
    };
    let lang = crate::i18n::Lang::for_request(h, path).code();
    let gzip = value(header::ACCEPT_ENCODING).contains("gzip");
    Some(format!(
        "{lang} {} {session} {}",
        if gzip { "gzip" } else { "-" },
        req.uri()
    ))
}

/// The cache as a layer: answers from memory when it can, keeps what it may, and forgets
/// everything once a write succeeds.
pub async fn serve(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    if cache.inner.ttl.is_zero() {
        return next.run(req).await;
    }
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let Some(key) = key_of(&req) else {
        // Forgotten before a write too: one whose client hangs up is finished by its own
        // task (see `routes::run_to_completion`) after this layer has stopped waiting.
        if writes {
            cache.invalidate();
        }
        let resp = next.run(req).await;
        if writes && resp.status().as_u16() < 400 {
            cache.invalidate();
        }
        return resp;
    };
    let asked = req.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(page) = cache.fresh(&key) {
        metrics::counter!("dondoc_page_cache_total", "result" => "hit").increment(1);
        return answer(page, asked.as_ref());
    }
    metrics::counter!("dondoc_page_cache_total", "result" => "miss").increment(1);
    let generation = cache.inner.generation.load(Ordering::SeqCst);
    let signed_in = crate::auth::session_cookie(req.headers()).is_some();
    let resp = next.run(req).await;
    if !keepable(&resp, signed_in) {
        return resp;
    }
    // Every page is drawn in memory already (a rendered string, compressed or not), so
    // reading it whole costs a copy at most; one too large to keep is sent as it is.
    let (parts, body) = resp.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if body.len() > MAX_BODY {
        return Response::from_parts(parts, Body::from(body));
    }
    let page = Page {
        at: Instant::now(),
        generation,
        etag: etag_of(&body),
        headers: parts.headers,
        body,
    };
    cache.keep(key, page.clone());
    answer(page, asked.as_ref())
}

/// Whether a page may be kept. A signed-in person's pages all say `no-store` (to the
/// browser and any proxy, see `auth::no_store_when_signed_in`): that does not bind this
/// cache, which keeps them under their session alone.
fn keepable(resp: &Response, signed_in: bool) -> bool {
    let h = resp.headers();
    let cache_control = h
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    resp.status() == StatusCode::OK
        && !h.contains_key(header::SET_COOKIE)
        && (signed_in || !cache_control.contains("no-store") && !cache_control.contains("private"))
        && h.get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
            .is_none_or(|n| n <= MAX_BODY)
}

/// A strong validator of the bytes sent: a hash of them.
pub fn etag_of(body: &[u8]) -> HeaderValue {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    HeaderValue::from_str(&format!("\"{:016x}\"", h.finish())).expect("hex is a header value")
}

/// The page kept, or `304` to a client that holds it already.
fn answer(page: Page, asked: Option<&HeaderValue>) -> Response {
    let matches = asked.and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',')
            .any(|t| t.trim() == page.etag || t.trim() == "*")
    });
    let mut headers = page.headers;
    headers.insert(header::ETAG, page.etag);
    if matches {
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::CONTENT_TYPE);
        let mut resp = StatusCode::NOT_MODIFIED.into_response();
        resp.headers_mut().extend(headers);
        return resp;
    }
    let mut resp = Response::new(Body::from(page.body));
    *resp.headers_mut() = headers;
    resp
}
