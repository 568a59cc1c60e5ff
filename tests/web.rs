//! Browser tests (wasm-bindgen-test in headless Chromium and in headless Firefox ESR): the
//! parse worker's round trip (a body posted as a Blob handle, a crash and its replacement),
//! the latency simulators, and the fetch glue on the page.
//!
//! The test runner serves the repository root, so these load the release build that
//! `scripts/test.sh` makes first (`target/e2e-dist/`): its worker and its `sw.js`.
#![cfg(target_arch = "wasm32")]

use event_loop_lab::browser::clock::now_ms;
use event_loop_lab::browser::fetch::{fetch_document, read_blob, ANSWERED_HEADER};
use event_loop_lab::browser::page_simulator::{simulated_document, SimulatedDoc};
use event_loop_lab::browser::pool::{JobEvent, WorkerPool};
use event_loop_lab::lab::error::LabError;
use event_loop_lab::lab::scenario::FailKind;
use event_loop_lab::protocol::{JobId, WorkerReply};
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DIST: &str = "target/e2e-dist/";

fn absolute(relative: &str) -> String {
    let base = web_sys::window().unwrap().location().href().unwrap();
    web_sys::Url::new_with_base(relative, &base).unwrap().href()
}

/// Registers the build's simulator (scope `target/e2e-dist/`) and returns a page it
/// controls: an iframe on a corpus page inside that scope.
///
/// NOTE: the test page itself is outside the scope, and a dedicated worker started by
/// an uncontrolled page is not controlled either, even when its script URL is inside
/// the scope (seen in Chromium 156). That is why the app starts its worker pool only
/// after the simulator controls the page.
async fn controlled_frame() -> web_sys::Window {
    let window = web_sys::window().unwrap();
    let container = window.navigator().service_worker();
    let registration: web_sys::ServiceWorkerRegistration =
        JsFuture::from(container.register(&format!("{DIST}sw.js")))
            .await
            .expect("sw.js registers (is target/e2e-dist built?)")
            .unchecked_into();
    let deadline = now_ms() + 10_000.0;
    while registration
        .active()
        .is_none_or(|sw| sw.state() != web_sys::ServiceWorkerState::Activated)
    {
        assert!(
            now_ms() < deadline,
            "the simulator did not activate within 10 s"
        );
        TimeoutFuture::new(20).await;
    }
    let document = window.document().unwrap();
    let iframe: web_sys::HtmlIFrameElement =
        document.create_element("iframe").unwrap().unchecked_into();
    iframe.set_src(&format!("{DIST}corpus/std-future.html"));
    document.body().unwrap().append_child(&iframe).unwrap();
    let mut reloaded = false;
    loop {
        let frame = iframe.content_window().expect("the iframe has a window");
        let loaded = frame
            .location()
            .href()
            .is_ok_and(|h| h.contains("std-future"))
            && frame
                .document()
                .is_some_and(|d| d.ready_state() == "complete");
        let controlled = frame.navigator().service_worker().controller().is_some();
        // Seen in Chromium 156: the first navigation right after activation can
        // load without a controller; the same page loaded again is controlled.
        if loaded && !controlled && !reloaded {
            reloaded = true;
            frame.location().reload().expect("the iframe reloads");
        }
        if controlled {
            return frame;
        }
        assert!(
            now_ms() < deadline,
            "the iframe ({:?}) was not controlled within 10 s; scope {} active {:?}",
            frame.location().href(),
            registration.scope(),
            registration.active().map(|a| a.script_url())
        );
        TimeoutFuture::new(20).await;
    }
}

async fn fetch_in(frame: &web_sys::Window, relative: &str) -> web_sys::Response {
    JsFuture::from(frame.fetch_with_str(&absolute(relative)))
        .await
        .expect("the simulator answers")
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn the_simulator_holds_each_response_for_its_latency_and_sizes_it_exactly() {
    let frame = controlled_frame().await;
    let start = now_ms();
    let response = fetch_in(&frame, &format!("{DIST}doc/3?latency_ms=300&size_kb=64")).await;
    assert_eq!(response.status(), 200);
    let body = JsFuture::from(response.array_buffer().unwrap())
        .await
        .unwrap();
    let waited = now_ms() - start;
    assert_eq!(js_sys::ArrayBuffer::from(body).byte_length(), 64 * 1024);
    assert!(
        waited >= 290.0,
        "the simulator held the response {waited:.0} ms, not 300"
    );

    let failing = fetch_in(
        &frame,
        &format!("{DIST}doc/2?latency_ms=0&size_kb=4&fail=500"),
    )
    .await;
    assert_eq!(failing.status(), 500);
}

/// A pool of one worker, ready, running the app's own module (this test's module is
/// another one).
async fn one_worker_pool() -> WorkerPool {
    let module = JsFuture::from(js_sys::WebAssembly::compile_streaming(
        &web_sys::window()
            .unwrap()
            .fetch_with_str(&format!("{DIST}app_bg.wasm")),
    ))
    .await
    .expect("the app's wasm compiles");
    let pool = WorkerPool::new(&format!("{DIST}boot.js"), module);
    pool.resize(1).expect("a worker starts");
    assert!(pool.ready(20_000).await, "the worker said it is ready");
    pool
}

#[wasm_bindgen_test]
async fn a_worker_takes_the_body_as_a_handle_and_replies_with_the_job_id() {
    let pool = one_worker_pool().await;
    let abort = web_sys::AbortController::new().unwrap();
    let body = fetch_document(
        &absolute(&format!("{DIST}corpus/book-threads.html")),
        &abort.signal(),
    )
    .await
    .expect("a corpus page fetches");
    let bytes = body.bytes();
    assert!(bytes > 10_000, "{bytes}");
    let job = JobId { run: 7, doc: 3 };
    let mut events = pool
        .post(1, job, "thread", false, 0, &body.blob)
        .expect("posted");
    let mut parsed = None;
    while let Some(event) = events.next().await {
        match event {
            // Whether this was a hand-over or a copy is told apart by
            // a_32_mib_body_is_handed_over_not_copied, below.
            JobEvent::HandedOff { .. } => {}
            JobEvent::Reply(WorkerReply::Started { job: echoed, .. }) => assert_eq!(echoed, job),
            JobEvent::Reply(WorkerReply::Parsed {
                job: echoed,
                summary,
                ..
            }) => {
                assert_eq!(echoed, job);
                parsed = Some(summary);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let summary = parsed.expect("a Parsed reply");
    assert!(summary.links > 0 && summary.hits > 0, "{summary:?}");

    // A crashing job kills the worker; the job hears of it, and the next job gets a
    // fresh worker.
    let body = fetch_document(
        &absolute(&format!("{DIST}corpus/book-threads.html")),
        &abort.signal(),
    )
    .await
    .unwrap();
    let crashing = JobId { run: 7, doc: 4 };
    let mut events = pool.post(1, crashing, "x", true, 0, &body.blob).unwrap();
    let mut died = false;
    while let Some(event) = events.next().await {
        if let JobEvent::Died(_) = event {
            died = true;
            break;
        }
    }
    assert!(died, "the crash was reported as the worker's death");
    let body = fetch_document(
        &absolute(&format!("{DIST}corpus/book-threads.html")),
        &abort.signal(),
    )
    .await
    .unwrap();
    let again = JobId { run: 7, doc: 5 };
    let mut events = pool.post(1, again, "thread", false, 0, &body.blob).unwrap();
    let mut answered = false;
    while let Some(event) = events.next().await {
        if let JobEvent::Reply(WorkerReply::Parsed { summary: s, .. }) = event {
            assert_eq!(s, summary);
            answered = true;
            break;
        }
    }
    assert!(answered, "a fresh worker did the next job");
}

/// Wraps `Worker.prototype.postMessage` so that each message the page posts is
/// described in `globalThis.__posted`: the type of each of its fields, and the length
/// of its transfer list. Returns a function that puts the original back.
fn spy_on_worker_posts() -> js_sys::Function {
    js_sys::Function::new_no_args(
        r#"
        const original = Worker.prototype.postMessage;
        globalThis.__posted = [];
        Worker.prototype.postMessage = function (message, transfer) {
          const kind = (v) => v instanceof Blob ? 'Blob'
            : v instanceof ArrayBuffer ? 'ArrayBuffer'
            : ArrayBuffer.isView(v) ? 'view' : typeof v;
          const fields = {};
          for (const [k, v] of Object.entries(message ?? {})) fields[k] = kind(v);
          const list = Array.isArray(transfer) ? transfer : transfer?.transfer ?? [];
          globalThis.__posted.push({ fields, transferred: list.length });
          return original.call(this, message, transfer);
        };
        return () => { Worker.prototype.postMessage = original; };
        "#,
    )
    .call0(&JsValue::NULL)
    .expect("the spy installs")
    .unchecked_into()
}

/// The main thread's time to post `value` through a `MessageChannel`: a structured
/// clone, which copies the bytes of an array on the sender, ms.
fn time_to_post_a_copy(value: &JsValue) -> f64 {
    let channel = web_sys::MessageChannel::new().unwrap();
    let before = now_ms();
    channel.port1().post_message(value).unwrap();
    let cost = now_ms() - before;
    channel.port1().close();
    channel.port2().close();
    cost
}

#[wasm_bindgen_test]
async fn a_32_mib_body_is_handed_over_not_copied() {
    const BYTES: u32 = 32 << 20;
    let pool = one_worker_pool().await;
    // 32 MiB of real bytes (a repeated letter, so no page of it is left untouched).
    let bytes = js_sys::Uint8Array::new_with_length(BYTES);
    bytes.fill(b'a', 0, BYTES);
    let parts = js_sys::Array::of1(&bytes);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    assert_eq!(blob.size() as u32, BYTES);

    // What a copy of those bytes costs this thread, measured here and now (a
    // structured clone of the array: what posting the bytes themselves would do).
    let copy_ms = time_to_post_a_copy(&bytes);

    let restore = spy_on_worker_posts();
    let job = JobId { run: 9, doc: 1 };
    let posted = pool.post(1, job, "thread", false, 0, &blob);
    restore.call0(&JsValue::NULL).unwrap();
    let mut events = posted.expect("posted");
    let mut handed_off = None;
    while let Some(event) = events.next().await {
        match event {
            JobEvent::HandedOff { cost_ms } => handed_off = Some(cost_ms),
            // The worker read the bytes from the handle on its own thread.
            JobEvent::Reply(WorkerReply::Started { job: echoed, .. }) => {
                assert_eq!(echoed, job);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    pool.cancel(1, job);
    let cost_ms = handed_off.expect("a HandedOff event before the worker started");

    // The message carried the Blob handle and the request text, no bytes, and
    // transferred nothing (a transfer would detach a buffer; a Blob needs none).
    let posts = js_sys::Reflect::get(&js_sys::global(), &"__posted".into()).unwrap();
    let posts = js_sys::JSON::stringify(&posts)
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(
        posts, r#"[{"fields":{"request":"string","body":"Blob"},"transferred":0}]"#,
        "what the pool posted"
    );
    // A copy of 32 MiB costs milliseconds; a hand-over does not grow with the size.
    assert!(
        copy_ms >= 1.0,
        "a 32 MiB copy took {copy_ms:.2} ms: too fast to tell a copy from a hand-over"
    );
    assert!(
        cost_ms < copy_ms / 4.0,
        "handing over 32 MiB took {cost_ms:.2} ms, a copy of it {copy_ms:.2} ms"
    );
}

#[wasm_bindgen_test]
async fn fetch_on_the_page_checks_status_and_content_type() {
    let abort = web_sys::AbortController::new().unwrap();
    let page = fetch_document(
        &absolute(&format!("{DIST}corpus/book-threads.html")),
        &abort.signal(),
    )
    .await
    .expect("a corpus page fetches");
    assert!(page.bytes() > 10_000);

    let missing = fetch_document(
        &absolute(&format!("{DIST}corpus/nope.html")),
        &abort.signal(),
    )
    .await;
    assert!(
        matches!(missing, Err(LabError::Status { status: 404, .. })),
        "{:?}",
        missing.err()
    );

    let json = fetch_document(
        &absolute(&format!("{DIST}corpus/index.json")),
        &abort.signal(),
    )
    .await;
    assert!(
        matches!(json, Err(LabError::NotHtml { .. })),
        "{:?}",
        json.err()
    );
}

#[wasm_bindgen_test]
async fn the_in_page_simulator_builds_the_same_bytes_as_the_service_worker() {
    let frame = controlled_frame().await;
    for (doc, size_kb) in [(1, 1), (3, 64), (9, 700)] {
        let response = fetch_in(
            &frame,
            &format!("{DIST}doc/{doc}?latency_ms=0&size_kb={size_kb}"),
        )
        .await;
        let answered = response.headers().get(ANSWERED_HEADER).unwrap();
        assert!(
            answered.is_some_and(|a| a.parse::<f64>().is_ok()),
            "the service worker stamps its answer"
        );
        let body = JsFuture::from(response.array_buffer().unwrap())
            .await
            .unwrap();
        let from_sw = js_sys::Uint8Array::new(&body).to_vec();
        let simulated = SimulatedDoc {
            corpus_url: absolute(&format!("{DIST}corpus/")),
            doc,
            latency_ms: 0,
            size_kb,
            fail: None,
            connections: None,
        };
        let in_page = simulated_document(&simulated)
            .await
            .expect("the corpus loads");
        assert!(in_page.answered_ms.is_some());
        let in_page = read_blob(&in_page.blob).await.unwrap();
        let in_page = js_sys::Uint8Array::new(&in_page).to_vec();
        assert!(in_page == from_sw, "doc {doc}, {size_kb} KiB differ");
    }
    // The hostile document: the same bytes from both simulators.
    let response = fetch_in(&frame, &format!("{DIST}doc/4?latency_ms=0&fail=hostile")).await;
    let body = JsFuture::from(response.array_buffer().unwrap())
        .await
        .unwrap();
    assert!(
        js_sys::Uint8Array::new(&body).to_vec() == event_loop_lab::lab::corpus::hostile_doc(4),
        "the simulators build different hostile documents"
    );
    // The not-UTF-8 document: the same Latin-1 bytes from both simulators.
    let response = fetch_in(&frame, &format!("{DIST}doc/5?latency_ms=0&fail=not-utf8")).await;
    let body = JsFuture::from(response.array_buffer().unwrap())
        .await
        .unwrap();
    assert_eq!(
        js_sys::Uint8Array::new(&body).to_vec(),
        event_loop_lab::lab::corpus::not_utf8_doc(5)
    );
    let failing = SimulatedDoc {
        corpus_url: absolute(&format!("{DIST}corpus/")),
        doc: 2,
        latency_ms: 0,
        size_kb: 4,
        fail: Some(FailKind::Status500),
        connections: None,
    };
    assert!(matches!(
        simulated_document(&failing).await,
        Err(LabError::Status { status: 500, .. })
    ));
}

/// `window.eventLoopLab.run({...})`'s config read as the URL's pairs: a number as JS
/// writes it ("800", never "800.0": `fail: 2` must stay a document number), a list
/// joined with commas, a string as it is.
#[wasm_bindgen_test]
fn a_js_config_reads_as_the_urls_pairs() {
    use event_loop_lab::browser::api::config_pairs;
    let config = js_sys::JSON::parse(
        r#"{"docs": 6, "latency": 800.0, "fail": 2, "forget": [1, 3], "query": "rust", "blocking": true}"#,
    )
    .unwrap();
    let pairs: Vec<(String, String)> = config_pairs(&config);
    let want = [
        ("docs", "6"),
        ("latency", "800"),
        ("fail", "2"),
        ("forget", "1,3"),
        ("query", "rust"),
        ("blocking", "true"),
    ];
    assert_eq!(
        pairs,
        want.map(|(k, v)| (k.to_string(), v.to_string())).to_vec()
    );
    assert!(config_pairs(&JsValue::from_f64(3.0)).is_empty());
}
