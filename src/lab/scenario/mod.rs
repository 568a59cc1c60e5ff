//! The scenario a run follows, its limits, and its URL query codec.
//!
//! The query names (`docs`, `latency`, `size`, `fetch`, `limit`, `connections`, `parse`, `yield`, `workers`,
//! `timeout`, `fail`, `wait`, `wait_ms`, `forget`, `query`) are a public interface: docs pages embed the app preconfigured by URL
//! and script it through `window.eventLoopLab.run(config)` with the same names.
//! Bad values never fail: each falls back to the default or the nearest limit and
//! yields a [`ParamNotice`] that the UI shows as is.
//!
//! This file holds the [`Scenario`] and how it reads a whole query; how it is written
//! out (a query, a `run()` config, JSON) is in `encode.rs`. The parser of each value
//! and the notices live in [`params`], the `fail=` list in
//! [`failures`]. Both are re-exported here, so
//! `lab::scenario::FailKind` and `lab::scenario::ParamNotice` keep working.

use std::fmt;
use std::ops::RangeInclusive;

use serde::Serialize;

pub use super::waiting::{WaitKind, WAIT_KINDS};
pub use super::yielding::{YieldKind, YIELD_KINDS};
pub use failures::{FailKind, Failure, FAIL_KINDS};
pub use params::{parse_query, ParamNotice};

use params::{choice, connection_limit, fail_list, fetch_limit, forget_list, number, query, set};

mod encode;
mod failures;
mod params;

pub use encode::ConfigValue;

/// How the documents are fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FetchStrategy {
    /// One after another: each document is fetched and processed before the next starts.
    Sequential,
    /// All at once on the event loop (`join_all`), each processed as it arrives.
    Concurrent,
}

/// Where the heavy work on each document runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParseStrategy {
    /// On the main thread in one go: freezes the page.
    Blocking,
    /// On the main thread in short slices with a real yield between them.
    Sliced,
    /// In a pool of Web Workers: the main thread stays free.
    Worker,
}

impl FetchStrategy {
    /// The query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sequential => "sequential",
            Self::Concurrent => "concurrent",
        }
    }
}

impl ParseStrategy {
    /// The query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Blocking => "blocking",
            Self::Sliced => "sliced",
            Self::Worker => "worker",
        }
    }
}

impl fmt::Display for FetchStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ParseStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Limits of each numeric parameter, inclusive.
pub const DOCS: RangeInclusive<u32> = 1..=64;
/// Simulated server time per document.
pub const LATENCY_MS: RangeInclusive<u32> = 0..=5000;
/// Document size; the work per document scales linearly with it.
pub const SIZE_KIB: RangeInclusive<u32> = 1..=8192;
/// How many connections a browser opens to one origin over HTTP/1.1 (`connections=6`).
pub const HTTP1_CONNECTIONS: u32 = 6;
/// The most fetches of a concurrent run in flight at once (`limit=`); none by default.
pub const LIMIT: RangeInclusive<u32> = 1..=64;
/// Size of the worker pool.
pub const WORKERS: RangeInclusive<u32> = 1..=8;
/// How long each document's request may take before it fails with a timeout.
pub const TIMEOUT_MS: RangeInclusive<u32> = 100..=60_000;
/// The wait inside each document's async code after its fetch (`wait_ms=`).
pub const WAIT_MS: RangeInclusive<u32> = 0..=5000;
/// The most the documents of one run may add up to (`docs × size`), KiB: 256 MiB.
///
/// NOTE: why this number. The bodies are held by the browser, not by the page's wasm
/// memory, which holds one document at a time (measured: 15 MiB after 32 × 8 MiB in
/// `blocking`, 2 MiB in `worker`). In a concurrent main-thread run every fetched body
/// waits on the page until the main thread takes it: 32 × 8 MiB = 256 MiB raised the
/// browser process's peak by 574 MiB and the page's renderer by 334 MiB (headless
/// Chromium 156), more than a phone gives a tab. 512 MiB, the most the limits of
/// `docs` and `size` allow, doubles that. 256 MiB still fits the largest document count
/// at the default size (64 × 3 MiB = 192 MiB) and the largest size for 32 documents,
/// so no lesson step or default scenario meets the budget. It counts every document,
/// also in sequential runs, which hold one body at a time: a lesson compares the same
/// scenario fetched both ways, so the budget must not change one of them.
pub const MEMORY_BUDGET_KIB: u32 = 256 * 1024;
/// Longest accepted search query, in characters.
pub const QUERY_MAX_CHARS: usize = 1000;
/// The default query: the vocabulary of the lesson. Every word of every document is
/// compared with each of these, so its length sets the work per byte.
pub const DEFAULT_QUERY: &str =
    "async await future poll pending ready waker wake context executor \
    runtime spawn local join select timeout sleep yield thread mutex rwlock condvar channel \
    sender receiver lock unlock atomic arc refcell cell send sync pin unpin stream sink task \
    worker pool queue event loop callback promise microtask macrotask frame render paint input \
    scroll click fetch request response body header status latency network server client \
    socket buffer bytes string vector slice iterator closure borrow lifetime trait struct enum \
    impl generic module crate macro panic result option error unwrap expect clone copy drop \
    heap stack memory";

/// Everything a run needs to know. Values are always within their limits.
///
/// Serialized (as a report's `config`) by hand: the flat `fail` list that scripts read
/// sits next to the full `failures`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Number of documents, 1..=64.
    pub docs: u32,
    /// Simulated server time per document, ms.
    pub latency_ms: u32,
    /// Size of each document, KiB.
    pub size_kib: u32,
    /// Fetch strategy.
    pub fetch: FetchStrategy,
    /// With `fetch=concurrent`, the most requests in flight at once (`limit=`), as
    /// `buffer_unordered(k)` or a `Semaphore(k)` around the download; `None`: no limit.
    pub limit: Option<u32>,
    /// How many of the run's responses the simulated server sends at once
    /// (`connections=6`, HTTP/1.1's per-origin pool): the rest wait for a free
    /// connection. `None` (`connections=unlimited`): as over HTTP/2, no such wait.
    pub connections: Option<u32>,
    /// Parse strategy.
    pub parse: ParseStrategy,
    /// How `parse=sliced` yields between slices (`yield=` in the URL and the JSON).
    pub yield_kind: YieldKind,
    /// Worker pool size (used by `parse=worker`).
    pub workers: u32,
    /// Each document's own fetch timeout, ms.
    pub timeout_ms: u32,
    /// Documents that fail on purpose and how: sorted by `doc`, one item per document.
    pub fail: Vec<Failure>,
    /// How each document waits `wait_ms` after its fetch (`wait=`).
    pub wait: WaitKind,
    /// The wait after each fetch, ms; 0 is no wait.
    pub wait_ms: u32,
    /// Documents whose future is created and dropped without `.await` (`forget=`):
    /// sorted, without repeats. They never run.
    pub forget: Vec<u32>,
    /// The search query run over each document's word index.
    pub query: String,
}

impl Scenario {
    /// The defaults, given the browser's `navigator.hardwareConcurrency` (for the pool size).
    pub fn with_cores(hardware_concurrency: u32) -> Self {
        Self {
            // Measured in headless Chromium on a 2-core machine: the work runs at about
            // 8.5 MB/s in wasm, so a 3 MiB document keeps the main thread busy ~360 ms in
            // blocking mode — a freeze anyone sees, and well over the 50 ms long-task mark.
            docs: 6,
            latency_ms: 800,
            size_kib: 3072,
            fetch: FetchStrategy::Concurrent,
            limit: None,
            // Unlimited, as over HTTP/2, which static hosts serve today: the lessons
            // are about the page's loop, and a connection ceiling would blur them.
            connections: None,
            parse: ParseStrategy::Blocking,
            yield_kind: YieldKind::Frame,
            workers: default_workers(hardware_concurrency),
            // Far above any latency the controls allow (5 s), so only `hang` or a real
            // network stall times out.
            timeout_ms: 20_000,
            fail: Vec::new(),
            wait: WaitKind::Async,
            wait_ms: 0,
            forget: Vec::new(),
            query: DEFAULT_QUERY.to_string(),
        }
    }

    /// Every key [`Scenario::apply`] reads (a test holds the two together).
    pub const KEYS: [&'static str; 15] = [
        "docs",
        "latency",
        "size",
        "workers",
        "timeout",
        "fetch",
        "limit",
        "connections",
        "parse",
        "yield",
        "fail",
        "wait",
        "wait_ms",
        "forget",
        "query",
    ];

    /// Applies `key=value` pairs on top of `self`. Unknown keys are ignored (a host page
    /// may add its own); bad values fall back and are reported.
    pub fn apply<'a>(
        &mut self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        defaults: &Scenario,
    ) -> Vec<ParamNotice> {
        let mut notices = Vec::new();
        for (key, value) in pairs {
            let value = value.trim();
            let notice = match key {
                "docs" => set(&mut self.docs, number(key, value, DOCS, defaults.docs)),
                "latency" => set(
                    &mut self.latency_ms,
                    number(key, value, LATENCY_MS, defaults.latency_ms),
                ),
                "size" => set(
                    &mut self.size_kib,
                    number(key, value, SIZE_KIB, defaults.size_kib),
                ),
                "workers" => set(
                    &mut self.workers,
                    number(key, value, WORKERS, defaults.workers),
                ),
                "timeout" => set(
                    &mut self.timeout_ms,
                    number(key, value, TIMEOUT_MS, defaults.timeout_ms),
                ),
                "fetch" => set(
                    &mut self.fetch,
                    choice(
                        key,
                        value,
                        "sequential, concurrent",
                        defaults.fetch,
                        |v| match v {
                            "sequential" => Some(FetchStrategy::Sequential),
                            "concurrent" => Some(FetchStrategy::Concurrent),
                            _ => None,
                        },
                    ),
                ),
                "limit" => set(&mut self.limit, fetch_limit(value)),
                "connections" => set(&mut self.connections, connection_limit(value)),
                "parse" => set(
                    &mut self.parse,
                    choice(
                        key,
                        value,
                        "blocking, sliced, worker",
                        defaults.parse,
                        |v| match v {
                            "blocking" => Some(ParseStrategy::Blocking),
                            "sliced" => Some(ParseStrategy::Sliced),
                            "worker" => Some(ParseStrategy::Worker),
                            _ => None,
                        },
                    ),
                ),
                "yield" => set(
                    &mut self.yield_kind,
                    choice(
                        key,
                        value,
                        YIELD_KINDS,
                        defaults.yield_kind,
                        YieldKind::from_name,
                    ),
                ),
                "fail" => set(&mut self.fail, fail_list(value, self.docs)),
                "wait" => set(
                    &mut self.wait,
                    choice(key, value, WAIT_KINDS, defaults.wait, WaitKind::from_name),
                ),
                "wait_ms" => set(
                    &mut self.wait_ms,
                    number(key, value, WAIT_MS, defaults.wait_ms),
                ),
                "forget" => set(&mut self.forget, forget_list(value)),
                "query" => {
                    let parsed = query(value, &self.query);
                    set(&mut self.query, parsed)
                }
                _ => None,
            };
            notices.extend(notice);
        }
        // After every pair, so the order of `docs` and `size` in a query does not matter.
        notices.extend(self.fit_memory_budget());
        notices
    }

    /// Keeps the run's documents within [`MEMORY_BUDGET_KIB`]: if `docs × size` is over
    /// it, `size` is lowered to the largest that fits (the number of documents is what
    /// the lessons compare, so it stays), and the notice names the budget.
    pub fn fit_memory_budget(&mut self) -> Option<ParamNotice> {
        let total_kb = u64::from(self.docs) * u64::from(self.size_kib);
        if total_kb <= u64::from(MEMORY_BUDGET_KIB) {
            return None;
        }
        let asked = self.size_kib;
        // docs ≤ 64, so this is at least 4096 KiB, within SIZE_KIB.
        self.size_kib = (MEMORY_BUDGET_KIB / self.docs.max(1)).max(*SIZE_KIB.start());
        Some(ParamNotice::OverMemoryBudget {
            docs: self.docs,
            size_kib: asked,
            total_mib: total_kb.div_ceil(1024),
            budget_mib: MEMORY_BUDGET_KIB / 1024,
            used_kib: self.size_kib,
        })
    }

    /// Parses a URL query string (with or without the leading `?`).
    pub fn from_query(query: &str, defaults: &Scenario) -> (Scenario, Vec<ParamNotice>) {
        let pairs = parse_query(query);
        let mut scenario = defaults.clone();
        let notices = scenario.apply(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            defaults,
        );
        (scenario, notices)
    }

    /// Whether document `id`'s future is created and dropped without `.await`.
    pub fn forgets(&self, id: u32) -> bool {
        self.forget.contains(&id)
    }

    /// How document `id` fails on purpose, if it does.
    pub fn failure(&self, id: u32) -> Option<FailKind> {
        // A linear scan (at most 64 items) rather than a binary search: `fail` is a
        // public field, so a hand-built scenario need not be sorted.
        self.fail.iter().find(|f| f.doc == id).map(|f| f.kind)
    }

    /// The notice for `crash` items that this run cannot honour: only a worker can
    /// crash, so outside `parse=worker` they do nothing. The run controller raises it
    /// when a run starts (not while parsing), since `parse` may change after `fail`.
    pub fn crash_ignored_notice(&self) -> Option<ParamNotice> {
        if self.parse == ParseStrategy::Worker {
            return None;
        }
        let docs: Vec<u32> = self
            .fail
            .iter()
            .filter(|f| f.kind == FailKind::Crash)
            .map(|f| f.doc)
            .collect();
        (!docs.is_empty()).then_some(ParamNotice::CrashIgnored {
            docs,
            parse: self.parse,
        })
    }
}

/// The pool size when `workers` is not given: one per core, at most 4, at least 1.
pub fn default_workers(hardware_concurrency: u32) -> u32 {
    hardware_concurrency.clamp(1, 4)
}
