//! The in-page latency simulator: where no service worker can run (a sandboxed
//! iframe, a browser setting, `simulator=page`), the page or the worker waits out the
//! latency itself and builds the document from the corpus with
//! [`crate::lab::corpus::build_doc`], byte for byte what `sw.js` would have served.
//!
//! NOTE: its timers share the event loop of the thread that runs them, so a blocked
//! main thread also delays the simulated server — unlike the service worker, whose
//! timers run on their own thread.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::{LocalBoxFuture, Shared};
use futures::FutureExt;
use gloo_timers::future::TimeoutFuture;

use super::fetch::{get, Fetched};
use crate::lab::corpus::{body_inner, build_doc};
use crate::lab::error::LabError;
use crate::lab::work::decode_document;
use crate::protocol::SimulatedDoc;

type Corpus = Rc<Vec<Vec<u8>>>;
type CorpusLoad = Shared<LocalBoxFuture<'static, Result<Corpus, LabError>>>;

thread_local! {
    /// One load per thread, shared by concurrent first requests; dropped on failure
    /// so a later request tries again.
    static CORPUS: RefCell<Option<CorpusLoad>> = const { RefCell::new(None) };
}

async fn fetch_corpus(corpus_url: String) -> Result<Corpus, LabError> {
    let text = get(&format!("{corpus_url}index.json"), None)
        .await?
        .text()
        .await
        .map_err(|e| LabError::Network(e.to_string()))?;
    let index: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| LabError::Simulator(format!("corpus/index.json: {e}")))?;
    let names: Vec<String> = index["files"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .filter_map(|f| f.as_str().map(str::to_string))
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
        let bytes = get(&format!("{corpus_url}{name}"), None)
            .await?
            .binary()
            .await
            .map_err(|e| LabError::Network(e.to_string()))?;
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

/// Waits out the document's latency, then builds it (or fails it, as asked).
pub async fn simulated_document(doc: &SimulatedDoc) -> Result<Fetched, LabError> {
    // The corpus loads while the latency runs, as the service worker does.
    let load = corpus(&doc.corpus_url);
    TimeoutFuture::new(doc.latency_ms).await;
    if doc.fail {
        return Err(LabError::Status {
            status: 500,
            status_text: "Internal Server Error (simulated)".into(),
        });
    }
    let corpus = load.await?;
    let bytes = build_doc(doc.doc, doc.size_kb as usize * 1024, &corpus);
    let size = bytes.len() as u64;
    let html = decode_document(bytes, Some("text/html"))?;
    Ok(Fetched { html, bytes: size })
}
