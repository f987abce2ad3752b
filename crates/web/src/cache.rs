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
//!
//! A page is drawn once however many ask for it at the same moment: the first request for a
//! page not kept draws it, and those that come while it does wait for its answer instead of
//! each drawing their own (64 clients at a dashboard whose time had run out drew 64 pages at
//! once, and the last waited over a second). A page found not to be keepable is let through
//! without waiting for `ttl`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
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
    /// The pages being drawn, each with a lock its drawer holds until it has kept it (or
    /// gave up): the others that ask meanwhile wait on it.
    drawing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Pages lately found not keepable (they set a cookie, say): asked again, they are drawn
    /// at once, without waiting on one another.
    unkept: Mutex<HashMap<String, Instant>>,
}

/// The drawer's hold on a page being drawn: let go when the page is kept, or when its
/// request is dropped (the client hung up), so that a waiter can draw it instead.
struct Drawing {
    cache: PageCache,
    key: String,
    lock: Arc<tokio::sync::Mutex<()>>,
    _held: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for Drawing {
    fn drop(&mut self) {
        if let Ok(mut drawing) = self.cache.inner.drawing.lock() {
            if drawing
                .get(&self.key)
                .is_some_and(|l| Arc::ptr_eq(l, &self.lock))
            {
                drawing.remove(&self.key);
            }
        }
    }
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
                drawing: Mutex::new(HashMap::new()),
                unkept: Mutex::new(HashMap::new()),
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

    /// Either the hold on drawing `key` (no one else draws it now), or, after waiting for
    /// the one who did, what they kept. `None` too for a page lately found not keepable:
    /// drawn at once.
    async fn draw_or_wait(&self, key: &str) -> Result<Option<Drawing>, Page> {
        if self
            .inner
            .unkept
            .lock()
            .ok()
            .and_then(|u| u.get(key).map(|at| at.elapsed() < self.inner.ttl))
            .unwrap_or(false)
        {
            return Ok(None);
        }
        let lock = {
            let Ok(mut drawing) = self.inner.drawing.lock() else {
                return Ok(None);
            };
            match drawing.get(key) {
                Some(lock) => lock.clone(),
                None => {
                    // Kept by a drawer who finished since this request looked.
                    if let Some(page) = self.fresh(key) {
                        return Err(page);
                    }
                    let lock = Arc::new(tokio::sync::Mutex::new(()));
                    let held = lock.clone().try_lock_owned().expect("a new lock is free");
                    drawing.insert(key.to_string(), lock.clone());
                    return Ok(Some(Drawing {
                        cache: self.clone(),
                        key: key.to_string(),
                        lock,
                        _held: held,
                    }));
                }
            }
        };
        // Someone draws it: their page, once kept, is this one's too. If they kept none (it
        // was not keepable, or their client hung up), this request draws its own, at once.
        drop(lock.lock().await);
        match self.fresh(key) {
            Some(page) => Err(page),
            None => Ok(None),
        }
    }

    fn not_keepable(&self, key: String) {
        if let Ok(mut unkept) = self.inner.unkept.lock() {
            if unkept.len() >= MAX_ENTRIES {
                let ttl = self.inner.ttl;
                unkept.retain(|_, at| at.elapsed() < ttl);
            }
            if unkept.len() < MAX_ENTRIES {
                unkept.insert(key, Instant::now());
            }
        }
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
    let drawing = match cache.draw_or_wait(&key).await {
        Ok(drawing) => drawing,
        Err(page) => {
            metrics::counter!("dondoc_page_cache_total", "result" => "waited").increment(1);
            return answer(page, asked.as_ref());
        }
    };
    metrics::counter!("dondoc_page_cache_total", "result" => "miss").increment(1);
    let generation = cache.inner.generation.load(Ordering::SeqCst);
    let signed_in = crate::auth::session_cookie(req.headers()).is_some();
    let resp = next.run(req).await;
    if !keepable(&resp, signed_in) {
        cache.not_keepable(key);
        return resp;
    }
    // Every page is drawn in memory already (a rendered string, compressed or not), so
    // reading it whole costs a copy at most; one too large to keep is sent as it is.
    let (parts, body) = resp.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if body.len() > MAX_BODY {
        cache.not_keepable(key);
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
    // Kept: those waiting on this drawing read it now.
    drop(drawing);
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::middleware::from_fn_with_state;
    use axum::routing::get;
    use axum::Router;
    use std::sync::atomic::AtomicUsize;
    use tower::ServiceExt;

    /// How many times a page was drawn, and the most drawn at once.
    #[derive(Default)]
    struct Drawn {
        now: AtomicUsize,
        most: AtomicUsize,
        all: AtomicUsize,
    }

    async fn draw(drawn: Arc<Drawn>, cookie: bool) -> Response {
        let now = drawn.now.fetch_add(1, Ordering::SeqCst) + 1;
        drawn.most.fetch_max(now, Ordering::SeqCst);
        let n = drawn.all.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        drawn.now.fetch_sub(1, Ordering::SeqCst);
        let mut resp = format!("page {n}").into_response();
        if cookie {
            resp.headers_mut()
                .insert(header::SET_COOKIE, HeaderValue::from_static("a=b"));
        }
        resp
    }

    fn site(drawn: &Arc<Drawn>) -> Router {
        let (a, b) = (drawn.clone(), drawn.clone());
        Router::new()
            .route("/page", get(move || draw(a.clone(), false)))
            .route("/cookie", get(move || draw(b.clone(), true)))
            .layer(from_fn_with_state(
                PageCache::new(Duration::from_secs(5)),
                serve,
            ))
    }

    async fn get_all(site: &Router, path: &str, n: usize) -> Vec<String> {
        let asks = (0..n).map(|_| {
            let req = Request::get(path).body(Body::empty()).unwrap();
            site.clone().oneshot(req)
        });
        let mut bodies = Vec::new();
        for resp in futures_util::future::join_all(asks).await {
            let resp = resp.unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            bodies.push(String::from_utf8(body.to_vec()).unwrap());
        }
        bodies
    }

    #[tokio::test]
    async fn a_page_asked_for_by_many_at_once_is_drawn_once() {
        let drawn = Arc::new(Drawn::default());
        let site = site(&drawn);
        let bodies = get_all(&site, "/page", 20).await;
        assert_eq!(drawn.all.load(Ordering::SeqCst), 1);
        assert!(bodies.iter().all(|b| b == "page 0"), "{bodies:?}");
    }

    #[tokio::test]
    async fn a_page_not_kept_is_drawn_for_each_without_waiting_in_turn() {
        let drawn = Arc::new(Drawn::default());
        let site = site(&drawn);
        // The first time, those who came while it was drawn waited for it, then drew theirs.
        get_all(&site, "/cookie", 20).await;
        assert_eq!(drawn.all.load(Ordering::SeqCst), 20);
        // Known now as not keepable: all drawn at once.
        drawn.most.store(0, Ordering::SeqCst);
        get_all(&site, "/cookie", 20).await;
        assert_eq!(drawn.all.load(Ordering::SeqCst), 40);
        assert_eq!(drawn.most.load(Ordering::SeqCst), 20);
    }

    #[tokio::test]
    async fn a_drawer_whose_client_hangs_up_leaves_the_page_to_those_waiting() {
        let drawn = Arc::new(Drawn::default());
        let site = site(&drawn);
        let first = tokio::spawn(
            site.clone()
                .oneshot(Request::get("/page").body(Body::empty()).unwrap()),
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
        let second = tokio::spawn(
            site.clone()
                .oneshot(Request::get("/page").body(Body::empty()).unwrap()),
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
        first.abort();
        let resp = tokio::time::timeout(Duration::from_secs(5), second)
            .await
            .expect("the waiter answered")
            .unwrap()
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(drawn.all.load(Ordering::SeqCst), 2);
    }
}
