//! Where a run's documents come from: a real `fetch` of the service worker's URL,
//! or the in-page simulator. Each document has its own abort signal and time limit,
//! so a timeout or a failure never touches another document.

use web_sys::AbortController;

use super::clock::with_timeout;
use super::fetch::{fetch_document, read_blob, Body};
use super::page_simulator::{simulated_document, SimulatedDoc};
use crate::lab::error::LabError;
use crate::lab::num::Num;
use crate::lab::scenario::{FailKind, ParseStrategy, Scenario};

/// A fetched body, as the thread that will work on it needs it.
pub enum Payload {
    /// For a worker: a handle; the worker reads the bytes on its own thread.
    Blob(web_sys::Blob),
    /// For the main thread: the bytes, read into the page's memory.
    Bytes(js_sys::ArrayBuffer),
}

/// A document the page holds.
pub struct Fetched {
    /// The body.
    pub payload: Payload,
    /// Its size.
    pub bytes: u64,
    /// When the server answered, on the page's clock, if it said.
    pub answered_ms: Option<f64>,
    /// When the server took the request up on a free connection, if it said.
    pub connected_ms: Option<f64>,
}

/// Which latency simulator serves the documents, decided once at start-up.
#[derive(Debug, Clone, PartialEq)]
pub enum Simulator {
    /// Real fetches, answered by the service worker.
    ServiceWorker,
    /// The in-page simulator, for this reason.
    InPage(String),
}

/// Resolves `relative` (a path below the app's folder, as `doc/3?…` or `corpus/`)
/// against the page's `<base>`, so the app works under any sub-path.
///
/// NOTE: the folder is resolved once per page: `document.baseURI` and a `URL` for every
/// document cost a run's start ~2 ms of main thread for six documents (CPU profile),
/// in the task that also starts their fetches.
fn absolute(relative: &str) -> String {
    thread_local! {
        static FOLDER: Option<String> = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.base_uri().ok().flatten())
            .and_then(|base| web_sys::Url::new_with_base("./", &base).ok())
            .map(|u| u.href());
    }
    FOLDER.with(|folder| match folder {
        Some(folder) => format!("{folder}{relative}"),
        None => relative.to_string(),
    })
}

/// The simulators' name for run `run` of this page: unique across pages and reloads
/// (the page's time origin), so one server's connection pools never mix two runs.
fn run_key(run: u32) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.time_origin());
    format!("{:.0}-{run}", Num(origin))
}

/// The service worker's URL for document `doc` of run `run` of `scenario`.
pub fn document_url(scenario: &Scenario, run: u32, doc: u32) -> String {
    let mut relative = format!(
        "doc/{doc}?latency_ms={}&size_kb={}",
        scenario.latency_ms, scenario.size_kib
    );
    if let Some(n) = scenario.connections {
        relative.push_str(&format!("&connections={n}&run={}", run_key(run)));
    }
    match scenario.failure(doc) {
        // A crash happens in the worker that parses the document, not on the server.
        Some(FailKind::Crash) | None => {}
        Some(kind) => {
            relative.push_str("&fail=");
            relative.push_str(kind.as_str());
        }
    }
    absolute(&relative)
}

/// Gets document `doc` from `simulator`, giving up after the scenario's timeout, in
/// the form the thread that works on it needs. `abort` cancels the request (the run
/// was cancelled, or the time ran out).
pub async fn load(
    simulator: &Simulator,
    scenario: &Scenario,
    run: u32,
    doc: u32,
    abort: &AbortController,
) -> Result<Fetched, LabError> {
    let request = async {
        match simulator {
            Simulator::ServiceWorker => {
                fetch_document(&document_url(scenario, run, doc), &abort.signal()).await
            }
            Simulator::InPage(_) => {
                simulated_document(&SimulatedDoc {
                    corpus_url: absolute("corpus/"),
                    doc,
                    latency_ms: scenario.latency_ms,
                    size_kb: scenario.size_kib,
                    fail: scenario.failure(doc),
                    connections: scenario.connections.map(|n| (run_key(run), n)),
                })
                .await
            }
        }
    };
    match with_timeout(request, scenario.timeout_ms).await {
        Ok(Err(error)) => {
            // Refused from its headers (too large, not HTML): the body is not wanted.
            abort.abort();
            Err(error)
        }
        Ok(Ok(body)) => take_for_thread(body, scenario.parse).await,
        Err(_) => {
            abort.abort();
            Err(LabError::Timeout(scenario.timeout_ms))
        }
    }
}

/// Takes the body in the form its thread needs: a worker gets the blob handle, the
/// main thread the bytes (read now, while the loop is free, as `await
/// response.arrayBuffer()` would).
async fn take_for_thread(body: Body, parse: ParseStrategy) -> Result<Fetched, LabError> {
    let (bytes, answered_ms, connected_ms) = (body.bytes(), body.answered_ms, body.connected_ms);
    let payload = match parse {
        ParseStrategy::Worker => Payload::Blob(body.blob),
        ParseStrategy::Blocking | ParseStrategy::Sliced => {
            Payload::Bytes(read_blob(&body.blob).await?)
        }
    };
    Ok(Fetched {
        payload,
        bytes,
        answered_ms,
        connected_ms,
    })
}
