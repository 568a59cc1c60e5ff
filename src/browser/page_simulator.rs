//! The in-page latency simulator: where no service worker can run (a sandboxed
//! iframe, a browser setting, `simulator=page`), the page waits out the latency
//! itself and builds the document from the corpus with
//! [`crate::lab::corpus::build_doc`], byte for byte what `sw.js` would have served.
//!
//! NOTE: its timers share the page's event loop, so a blocked main thread also
//! delays the simulated server, unlike the service worker, whose timers run on its
//! own thread. Its answer is therefore stamped with the moment the simulated server
//! was due to answer (request + latency): the time it then spent waiting for the
//! page's loop is the same "answered, waiting for the loop" stretch the service
//! worker shows.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::channel::oneshot;

use futures::future::{LocalBoxFuture, Shared};
use futures::FutureExt;
use gloo_timers::future::TimeoutFuture;

use wasm_bindgen::closure::Closure;
use web_sys::{ReadableStreamDefaultController, Response, ResponseInit};

use super::clock::now_ms;
use super::fetch::{array_buffer, get, receive, Body};
use crate::lab::body::{check_content_type, check_length, HUGE_STREAM_BYTES, MAX_DOCUMENT_BYTES};
use crate::lab::corpus::{body_inner, build_doc, hostile_doc, not_utf8_doc};
use crate::lab::error::LabError;
use crate::lab::scenario::FailKind;
use crate::lab::small_map::SmallMap;

/// A document for the in-page simulator to build.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedDoc {
    /// Absolute URL of the corpus folder, ending in `/`.
    pub corpus_url: String,
    /// Document number.
    pub doc: u32,
    /// Simulated server time.
    pub latency_ms: u32,
    /// Size, KiB.
    pub size_kb: u32,
    /// How the simulated server fails it, if it does.
    pub fail: Option<FailKind>,
    /// With `connections=N`: the run's name and N, the most of its answers served at
    /// once; the rest wait for a free connection.
    pub connections: Option<(String, u32)>,
}

/// One run's connections: how many are busy, and the requests waiting for one.
#[derive(Default)]
struct Connections {
    busy: u32,
    waiting: VecDeque<oneshot::Sender<()>>,
}

thread_local! {
    static POOLS: RefCell<SmallMap<String, Connections>> = const { RefCell::new(SmallMap::new()) };
}

/// A connection of run `key`'s pool, held until dropped: then the next request that
/// waits gets it.
struct Connection(String);

impl Drop for Connection {
    fn drop(&mut self) {
        POOLS.with(|pools| {
            let mut pools = pools.borrow_mut();
            let Some(pool) = pools.get_mut(&self.0) else {
                return;
            };
            // Hand it straight to the next waiter still there (one that gave up, its
            // run cancelled, dropped its receiver).
            while let Some(next) = pool.waiting.pop_front() {
                if next.send(()).is_ok() {
                    return;
                }
            }
            pool.busy -= 1;
            if pool.busy == 0 {
                pools.remove(&self.0);
            }
        });
    }
}

/// Waits for one of run `key`'s `limit` connections.
async fn connection(key: &str, limit: u32) -> Connection {
    let wait = POOLS.with(|pools| {
        let mut pools = pools.borrow_mut();
        let pool = pools.get_or_insert_with(key.to_string(), Connections::default);
        if pool.busy < limit {
            pool.busy += 1;
            return None;
        }
        let (tx, rx) = oneshot::channel();
        pool.waiting.push_back(tx);
        Some(rx)
    });
    if let Some(rx) = wait {
        // Handed over by a connection being dropped; never cancelled while the pool
        // holds the sender.
        let _ = rx.await;
    }
    Connection(key.to_string())
}

type Corpus = Rc<Vec<Vec<u8>>>;
type CorpusLoad = Shared<LocalBoxFuture<'static, Result<Corpus, LabError>>>;

thread_local! {
    /// One load per thread, shared by concurrent first requests; dropped on failure
    /// so a later request tries again.
    static CORPUS: RefCell<Option<CorpusLoad>> = const { RefCell::new(None) };
}

fn bytes_of(buffer: &js_sys::ArrayBuffer) -> Vec<u8> {
    js_sys::Uint8Array::new(buffer.as_ref()).to_vec()
}

async fn fetch_corpus(corpus_url: String) -> Result<Corpus, LabError> {
    let index = get(&format!("{corpus_url}index.json"), None).await?;
    let text = String::from_utf8_lossy(&bytes_of(&array_buffer(&index).await?)).into_owned();
    // The browser's own JSON parser: the app's wasm carries no JSON reader.
    let index = js_sys::JSON::parse(&text).map_err(|e| {
        LabError::Simulator(format!(
            "corpus/index.json: {}",
            js_sys::Error::from(e).message()
        ))
    })?;
    let names: Vec<String> = js_sys::Reflect::get(&index, &"files".into())
        .ok()
        .filter(js_sys::Array::is_array)
        .map(|files| {
            js_sys::Array::from(&files)
                .iter()
                .filter_map(|f| f.as_string())
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        return Err(LabError::Simulator(
            "corpus/index.json lists no files".into(),
        ));
    }
    let mut parts = Vec::with_capacity(names.len());
    for name in names {
        let response = get(&format!("{corpus_url}{name}"), None).await?;
        let bytes = bytes_of(&array_buffer(&response).await?);
        parts.push(body_inner(&bytes).to_vec());
    }
    Ok(Rc::new(parts))
}

fn corpus(corpus_url: &str) -> CorpusLoad {
    CORPUS.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                let url = corpus_url.to_string();
                async move {
                    let loaded = fetch_corpus(url).await;
                    if loaded.is_err() {
                        CORPUS.with(|slot| slot.borrow_mut().take());
                    }
                    loaded
                }
                .boxed_local()
                .shared()
            })
            .clone()
    })
}

/// Waits out the document's latency, then builds it (or fails it, as asked). A
/// `hang` never answers: the caller's time limit ends it.
pub async fn simulated_document(doc: &SimulatedDoc) -> Result<Body, LabError> {
    // With a connection ceiling, the server's time starts once a connection is free.
    let connection = match &doc.connections {
        Some((key, limit)) => Some(connection(key, *limit).await),
        None => None,
    };
    let connected_ms = connection.as_ref().map(|_| now_ms());
    let due_ms = now_ms() + f64::from(doc.latency_ms);
    // The corpus loads while the latency runs, as the service worker does.
    let load = corpus(&doc.corpus_url);
    match doc.fail {
        Some(FailKind::Hang) => futures::future::pending::<()>().await,
        _ => TimeoutFuture::new(doc.latency_ms).await,
    }
    match doc.fail {
        Some(FailKind::Status500) => {
            return Err(LabError::Status {
                status: 500,
                status_text: "Internal Server Error".into(),
            })
        }
        Some(FailKind::Status404) => {
            return Err(LabError::Status {
                status: 404,
                status_text: "Not Found".into(),
            })
        }
        // The words of Chromium's own `fetch` rejection, as the service worker gives it.
        Some(FailKind::Network) => return Err(LabError::Network("Failed to fetch".into())),
        // The checks the page makes on a real response's headers.
        Some(FailKind::NotHtml) => check_content_type(Some("application/json; charset=utf-8"))?,
        Some(FailKind::Huge) => check_length(Some(MAX_DOCUMENT_BYTES as u64 + 1))?,
        // A real streamed response, read by the same code as the service worker's.
        Some(FailKind::HugeStream) => {
            let response = endless_response(HUGE_STREAM_BYTES)?;
            let mut body = receive(response).await?;
            body.answered_ms = Some(due_ms);
            body.connected_ms = connected_ms;
            return Ok(body);
        }
        _ => {}
    }
    let bytes = if doc.fail == Some(FailKind::NotUtf8) {
        not_utf8_doc(doc.doc)
    } else if doc.fail == Some(FailKind::Hostile) {
        hostile_doc(doc.doc)
    } else {
        let corpus = load.await?;
        build_doc(doc.doc, doc.size_kb as usize * 1024, &corpus)
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)
        .map_err(|_| LabError::Simulator("could not make a Blob of the document".into()))?;
    Ok(Body {
        blob,
        answered_ms: Some(due_ms),
        connected_ms,
    })
}

/// A chunk of [`endless_response`]: the size the service worker streams in, too.
const STREAM_CHUNK_BYTES: usize = 64 * 1024;

/// An HTML response of `total` zero bytes with no `Content-Length`, made a chunk at a
/// time as its reader asks for more (a pull source), as `sw.js` streams `huge-stream`.
/// Nothing is made ahead of the reader, and nothing more once it cancels.
fn endless_response(total: usize) -> Result<Response, LabError> {
    let broken = |_| LabError::Simulator("could not make a streamed response".into());
    let mut sent = 0;
    let pull = Closure::<dyn FnMut(_)>::new(move |controller: ReadableStreamDefaultController| {
        if sent >= total {
            let _ = controller.close();
            return;
        }
        let n = STREAM_CHUNK_BYTES.min(total - sent);
        let chunk = js_sys::Uint8Array::new_with_length(n as u32);
        if controller.enqueue_with_chunk(&chunk).is_ok() {
            sent += n;
        }
    });
    let source = js_sys::Object::new();
    // Owned by the stream from here (freed when the stream is collected): a read may
    // still be under way when this document's future is dropped (a timeout, a cancel),
    // and the stream must not then call a freed callback.
    js_sys::Reflect::set(&source, &"pull".into(), &pull.into_js_value()).map_err(broken)?;
    let stream = web_sys::ReadableStream::new_with_underlying_source(&source).map_err(broken)?;
    let headers = web_sys::Headers::new().map_err(broken)?;
    headers
        .set("content-type", "text/html; charset=utf-8")
        .map_err(broken)?;
    let init = ResponseInit::new();
    init.set_headers_headers(&headers);
    let response =
        Response::new_with_opt_readable_stream_and_init(Some(&stream), &init).map_err(broken)?;
    Ok(response)
}
