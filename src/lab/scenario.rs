//! The scenario a run follows, its limits, and its URL query codec.
//!
//! The query names (`docs`, `latency`, `size`, `fetch`, `parse`, `workers`, `timeout`,
//! `fail`, `query`) are a public interface: docs pages embed the app preconfigured by URL
//! and script it through `window.eventLoopLab.run(config)` with the same names.
//! Bad values never fail: each falls back to the default or the nearest limit and
//! yields a [`ParamNotice`] that the UI shows as is.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;

use serde::{Serialize, Serializer};
use thiserror::Error;

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

/// How the simulated server (or the worker) fails a document named in `fail=`.
///
/// A new kind is a new variant plus its entry in [`FailKind::ALL`] and [`FAIL_KINDS`];
/// parsing, the query and the JSON all go through [`FailKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailKind {
    /// The server answers with status 500 (`N` or `N:500`).
    Status500,
    /// The server never answers, so the document runs into its `timeout`.
    Hang,
    /// In `parse=worker`, the worker that parses the document panics.
    Crash,
}

/// The accepted kinds, as listed in notices and the README.
pub const FAIL_KINDS: &str = "500, hang, crash";

impl FailKind {
    /// Every kind, in the order of [`FAIL_KINDS`].
    pub const ALL: [FailKind; 3] = [Self::Status500, Self::Hang, Self::Crash];

    /// The query value (after `N:`), also used in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Status500 => "500",
            Self::Hang => "hang",
            Self::Crash => "crash",
        }
    }

    /// The kind named `name` (any case), if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for FailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// By hand rather than with `rename`s, so the JSON cannot drift from the query syntax.
impl Serialize for FailKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One item of `fail=`: document `doc` (1-based) fails the way `kind` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Failure {
    /// The document's id, 1..=64.
    pub doc: u32,
    /// How it fails.
    pub kind: FailKind,
}

/// The item as written in `fail=`: a bare `N` for a 500 (the original syntax, which
/// existing links use), `N:KIND` otherwise.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            FailKind::Status500 => write!(f, "{}", self.doc),
            kind => write!(f, "{}:{kind}", self.doc),
        }
    }
}

/// Limits of each numeric parameter, inclusive.
pub const DOCS: RangeInclusive<u32> = 1..=64;
/// Simulated server time per document.
pub const LATENCY_MS: RangeInclusive<u32> = 0..=5000;
/// Document size; the work per document scales linearly with it.
pub const SIZE_KB: RangeInclusive<u32> = 1..=8192;
/// Size of the worker pool.
pub const WORKERS: RangeInclusive<u32> = 1..=8;
/// How long each document's request may take before it fails with a timeout.
pub const TIMEOUT_MS: RangeInclusive<u32> = 100..=60_000;
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
    pub latency: u32,
    /// Size of each document, KiB.
    pub size: u32,
    /// Fetch strategy.
    pub fetch: FetchStrategy,
    /// Parse strategy.
    pub parse: ParseStrategy,
    /// Worker pool size (used by `parse=worker`).
    pub workers: u32,
    /// Each document's own fetch timeout, ms.
    pub timeout: u32,
    /// Documents that fail on purpose and how: sorted by `doc`, one item per document.
    pub fail: Vec<Failure>,
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
            latency: 800,
            size: 3072,
            fetch: FetchStrategy::Concurrent,
            parse: ParseStrategy::Blocking,
            workers: default_workers(hardware_concurrency),
            // Far above any latency the controls allow (5 s), so only `hang` or a real
            // network stall times out.
            timeout: 20_000,
            fail: Vec::new(),
            query: DEFAULT_QUERY.to_string(),
        }
    }

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
                    &mut self.latency,
                    number(key, value, LATENCY_MS, defaults.latency),
                ),
                "size" => set(&mut self.size, number(key, value, SIZE_KB, defaults.size)),
                "workers" => set(
                    &mut self.workers,
                    number(key, value, WORKERS, defaults.workers),
                ),
                "timeout" => set(
                    &mut self.timeout,
                    number(key, value, TIMEOUT_MS, defaults.timeout),
                ),
                "fetch" => set(
                    &mut self.fetch,
                    choice(key, value, defaults.fetch, |v| match v {
                        "sequential" => Some(FetchStrategy::Sequential),
                        "concurrent" => Some(FetchStrategy::Concurrent),
                        _ => None,
                    }),
                ),
                "parse" => set(
                    &mut self.parse,
                    choice(key, value, defaults.parse, |v| match v {
                        "blocking" => Some(ParseStrategy::Blocking),
                        "sliced" => Some(ParseStrategy::Sliced),
                        "worker" => Some(ParseStrategy::Worker),
                        _ => None,
                    }),
                ),
                "fail" => set(&mut self.fail, fail_list(value, self.docs)),
                "query" => {
                    let parsed = query(value, &self.query);
                    set(&mut self.query, parsed)
                }
                _ => None,
            };
            notices.extend(notice);
        }
        notices
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

    /// The query string that reproduces this scenario (no leading `?`).
    pub fn to_query(&self) -> String {
        let mut out = format!(
            "docs={}&latency={}&size={}&fetch={}&parse={}&workers={}&timeout={}",
            self.docs, self.latency, self.size, self.fetch, self.parse, self.workers, self.timeout
        );
        if !self.fail.is_empty() {
            let fail = self
                .fail
                .iter()
                .map(Failure::to_string)
                .collect::<Vec<_>>()
                .join(",");
            out.push_str("&fail=");
            out.push_str(&fail);
        }
        out.push_str("&query=");
        out.extend(form_urlencoded::byte_serialize(self.query.as_bytes()));
        out
    }

    /// How document `id` fails on purpose, if it does.
    pub fn failure(&self, id: u32) -> Option<FailKind> {
        // A linear scan (at most 64 items) rather than a binary search: `fail` is a
        // public field, so a hand-built scenario need not be sorted.
        self.fail.iter().find(|f| f.doc == id).map(|f| f.kind)
    }

    /// Whether the simulated server fails document `id` with status 500.
    ///
    /// Kept for existing callers from before `fail=` had kinds; use [`Scenario::failure`].
    pub fn fails(&self, id: u32) -> bool {
        self.failure(id) == Some(FailKind::Status500)
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

/// The JSON shape of a [`Scenario`] (a report's `config`). `fail` stays an array of
/// document numbers, as scripts written before failure kinds read it; `failures`
/// carries the kinds.
#[derive(Serialize)]
struct ScenarioJson<'a> {
    docs: u32,
    latency: u32,
    size: u32,
    fetch: FetchStrategy,
    parse: ParseStrategy,
    workers: u32,
    timeout: u32,
    fail: Vec<u32>,
    failures: &'a [Failure],
    query: &'a str,
}

impl Serialize for Scenario {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Destructured in full so that a new field does not compile until it has a
        // place in the JSON.
        let Scenario {
            docs,
            latency,
            size,
            fetch,
            parse,
            workers,
            timeout,
            fail,
            query,
        } = self;
        ScenarioJson {
            docs: *docs,
            latency: *latency,
            size: *size,
            fetch: *fetch,
            parse: *parse,
            workers: *workers,
            timeout: *timeout,
            fail: fail.iter().map(|f| f.doc).collect(),
            failures: fail,
            query,
        }
        .serialize(serializer)
    }
}

/// The pool size when `workers` is not given: one per core, at most 4, at least 1.
pub fn default_workers(hardware_concurrency: u32) -> u32 {
    hardware_concurrency.clamp(1, 4)
}

/// A query value the app could not use as given, and what it used instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParamNotice {
    /// Not a whole number.
    #[error("{param}={value:?} is not a whole number; using {used}")]
    NotANumber {
        /// Parameter name.
        param: String,
        /// What was given.
        value: String,
        /// What is used instead.
        used: u32,
    },
    /// A number outside the parameter's limits.
    #[error("{param}={value} is outside {min}–{max}; using {used}")]
    OutOfRange {
        /// Parameter name.
        param: String,
        /// What was given.
        value: String,
        /// Lower limit.
        min: u32,
        /// Upper limit.
        max: u32,
        /// The nearest limit, used instead.
        used: u32,
    },
    /// Not one of the parameter's choices.
    #[error("{param}={value:?} is not one of {choices}; using {used}")]
    UnknownChoice {
        /// Parameter name.
        param: String,
        /// What was given.
        value: String,
        /// The accepted values.
        choices: &'static str,
        /// What is used instead.
        used: String,
    },
    /// `fail` has an item that is not a document number, optionally with a known kind.
    #[error("fail={value:?} must list document numbers 1–{docs}, each optionally with :KIND ({FAIL_KINDS}), separated by commas; ignoring it")]
    BadFailList {
        /// What was given.
        value: String,
        /// Documents in the run.
        docs: u32,
    },
    /// `fail` has `crash` items but the parse strategy has no worker to crash.
    #[error("fail={} applies only to parse=worker (a worker that dies); ignored in {parse} mode", crash_items(.docs))]
    CrashIgnored {
        /// The documents with `crash`, sorted.
        docs: Vec<u32>,
        /// The parse strategy of the run.
        parse: ParseStrategy,
    },
    /// The query is empty or too long.
    #[error("query must be 1–{QUERY_MAX_CHARS} characters with at least one letter or digit; keeping {kept:?}")]
    BadQuery {
        /// The query kept.
        kept: String,
    },
}

/// `5:crash` or `3:crash,5:crash`, as the items were written.
fn crash_items(docs: &[u32]) -> String {
    docs.iter()
        .map(|doc| format!("{doc}:{}", FailKind::Crash))
        .collect::<Vec<_>>()
        .join(",")
}

/// A parsed value, or the notice for a bad one and what to use instead: `Some` sets the
/// field (a default or the nearest limit), `None` keeps its current value.
type Parsed<T> = Result<T, (ParamNotice, Option<T>)>;

/// Stores the outcome of parsing in `field` and hands back the notice, if any.
fn set<T>(field: &mut T, parsed: Parsed<T>) -> Option<ParamNotice> {
    match parsed {
        Ok(v) => {
            *field = v;
            None
        }
        Err((notice, fallback)) => {
            if let Some(v) = fallback {
                *field = v;
            }
            Some(notice)
        }
    }
}

fn number(param: &str, value: &str, limits: RangeInclusive<u32>, default: u32) -> Parsed<u32> {
    // Accept what a JS number becomes as text ("800", "800.0") but not "8e2" or "0x10".
    let as_float = value
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && v.fract() == 0.0 && !value.contains(['e', 'E', 'x', 'X']));
    let Some(v) = as_float else {
        return Err((
            ParamNotice::NotANumber {
                param: param.to_string(),
                value: value.to_string(),
                used: default,
            },
            Some(default),
        ));
    };
    let (min, max) = (*limits.start(), *limits.end());
    if v < f64::from(min) || v > f64::from(max) {
        let used = if v < f64::from(min) { min } else { max };
        return Err((
            ParamNotice::OutOfRange {
                param: param.to_string(),
                value: value.to_string(),
                min,
                max,
                used,
            },
            Some(used),
        ));
    }
    // In range and integral, so the cast is exact.
    Ok(v as u32)
}

fn choice<T: Copy + fmt::Display>(
    param: &str,
    value: &str,
    default: T,
    pick: impl Fn(&str) -> Option<T>,
) -> Parsed<T> {
    pick(&value.to_ascii_lowercase()).ok_or_else(|| {
        let choices = if param == "fetch" {
            "sequential, concurrent"
        } else {
            "blocking, sliced, worker"
        };
        (
            ParamNotice::UnknownChoice {
                param: param.to_string(),
                value: value.to_string(),
                choices,
                used: default.to_string(),
            },
            Some(default),
        )
    })
}

fn fail_list(value: &str, docs: u32) -> Parsed<Vec<Failure>> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    // A map keyed by document: sorted, and a later item for the same document wins.
    let mut by_doc = BTreeMap::new();
    for item in value.split(',') {
        let Some(Failure { doc, kind }) = fail_item(item) else {
            // One bad item voids the whole value: half of a list is not what was meant.
            return Err((
                ParamNotice::BadFailList {
                    value: value.to_string(),
                    docs,
                },
                None,
            ));
        };
        by_doc.insert(doc, kind);
    }
    Ok(by_doc
        .into_iter()
        .map(|(doc, kind)| Failure { doc, kind })
        .collect())
}

/// One `N` or `N:KIND` item; a bare `N` is a 500, the meaning `fail=` always had.
fn fail_item(item: &str) -> Option<Failure> {
    let (doc, kind) = match item.split_once(':') {
        Some((doc, kind)) => (doc, FailKind::from_name(kind.trim())?),
        None => (item, FailKind::Status500),
    };
    let doc = doc
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| DOCS.contains(d))?;
    Some(Failure { doc, kind })
}

fn query(value: &str, current: &str) -> Parsed<String> {
    let ok = value.chars().count() <= QUERY_MAX_CHARS && value.chars().any(char::is_alphanumeric);
    if ok {
        Ok(value.to_string())
    } else {
        Err((
            ParamNotice::BadQuery {
                kept: current.to_string(),
            },
            None,
        ))
    }
}

/// Splits `a=1&b=two` into decoded pairs (`+` is a space, `%XX` escapes decoded; bad
/// escapes are kept literally and bad UTF-8 replaced, so any input gives some pairs).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Scenario {
        Scenario::with_cores(2)
    }

    fn failure(doc: u32, kind: FailKind) -> Failure {
        Failure { doc, kind }
    }

    fn with_fail(fail: &str) -> (Scenario, Vec<ParamNotice>) {
        Scenario::from_query(&format!("fail={fail}"), &defaults())
    }

    #[test]
    fn fail_items_carry_a_kind_and_a_bare_number_is_a_500() {
        let (s, notices) = with_fail("2,3:hang,5:crash");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(
            s.fail,
            vec![
                failure(2, FailKind::Status500),
                failure(3, FailKind::Hang),
                failure(5, FailKind::Crash),
            ]
        );
        assert_eq!(s.failure(2), Some(FailKind::Status500));
        assert_eq!(s.failure(3), Some(FailKind::Hang));
        assert_eq!(s.failure(4), None);
        assert!(s.fails(2));
        assert!(!s.fails(3) && !s.fails(5) && !s.fails(4));

        let (s, notices) = with_fail("2:500, 4 : HANG");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(
            s.fail,
            vec![failure(2, FailKind::Status500), failure(4, FailKind::Hang)]
        );
    }

    #[test]
    fn fail_kinds_are_listed_in_one_place() {
        let names: Vec<&str> = FailKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.join(", "), FAIL_KINDS);
        for kind in FailKind::ALL {
            assert_eq!(FailKind::from_name(&kind.to_string()), Some(kind));
        }
    }

    #[test]
    fn a_bad_fail_item_keeps_the_current_list_with_a_notice() {
        let (before, _) = with_fail("4:hang");
        for bad in [
            "2:boom",
            "0",
            "x",
            "99",
            "2,",
            "2:",
            "1:hang,65",
            ":hang",
            "2:hang:hang",
        ] {
            let mut s = before.clone();
            let notices = s.apply([("fail", bad)], &defaults());
            assert_eq!(s.fail, before.fail, "fail={bad}");
            assert_eq!(
                notices,
                vec![ParamNotice::BadFailList {
                    value: bad.to_string(),
                    docs: 6,
                }],
                "fail={bad}"
            );
        }
        let (_, notices) = with_fail("2:boom");
        assert_eq!(
            notices[0].to_string(),
            "fail=\"2:boom\" must list document numbers 1–6, each optionally with :KIND \
             (500, hang, crash), separated by commas; ignoring it"
        );
    }

    #[test]
    fn the_last_item_for_a_document_wins_and_empty_clears() {
        let (s, notices) = with_fail("5:crash,2,5:hang,2");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(
            s.fail,
            vec![failure(2, FailKind::Status500), failure(5, FailKind::Hang)]
        );
        let mut cleared = s.clone();
        assert!(cleared.apply([("fail", "")], &defaults()).is_empty());
        assert!(cleared.fail.is_empty());
    }

    #[test]
    fn to_query_round_trips_failures_timeout_and_an_awkward_query() {
        let s = Scenario {
            docs: 7,
            timeout: 1500,
            parse: ParseStrategy::Worker,
            fail: vec![
                failure(1, FailKind::Status500),
                failure(3, FailKind::Hang),
                failure(7, FailKind::Crash),
            ],
            query: "a b&c=d %41 1+1 ünïcödé 線程 🦀".to_string(),
            ..defaults()
        };
        let q = s.to_query();
        assert!(
            q.starts_with("docs=7&latency=800&size=3072&fetch=concurrent&parse=worker&workers=2&timeout=1500&fail=1,3:hang,7:crash&query="),
            "{q}"
        );
        // The query is one pair: nothing in it may split or end it.
        assert_eq!(q.matches('&').count(), 8, "{q}");
        let (again, notices) = Scenario::from_query(&q, &defaults());
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(again, s);

        let plain = defaults();
        assert!(!plain.to_query().contains("fail="));
        assert_eq!(
            Scenario::from_query(&plain.to_query(), &defaults()).0,
            plain
        );
    }

    #[test]
    fn config_json_keeps_fail_as_numbers_and_adds_failures() {
        let (s, _) = Scenario::from_query("fail=2,3:hang&timeout=900", &defaults());
        let json = serde_json::to_value(&s).expect("a scenario serializes");
        assert_eq!(json["fail"], serde_json::json!([2, 3]));
        assert_eq!(
            json["failures"],
            serde_json::json!([{"doc": 2, "kind": "500"}, {"doc": 3, "kind": "hang"}])
        );
        assert_eq!(json["timeout"], 900);
        assert_eq!(json["docs"], 6);
        assert_eq!(json["parse"], "blocking");
        let json = serde_json::to_value(defaults()).expect("a scenario serializes");
        assert_eq!(json["fail"], serde_json::json!([]));
        assert_eq!(json["failures"], serde_json::json!([]));
    }

    #[test]
    fn timeout_is_a_number_within_its_limits() {
        let (s, notices) = Scenario::from_query("timeout=2500", &defaults());
        assert!(notices.is_empty());
        assert_eq!(s.timeout, 2500);
        assert_eq!(defaults().timeout, 20_000);

        let (s, notices) = Scenario::from_query("timeout=5", &defaults());
        assert_eq!(s.timeout, 100);
        assert_eq!(
            notices[0].to_string(),
            "timeout=5 is outside 100–60000; using 100"
        );
        let (s, notices) = Scenario::from_query("timeout=999999", &defaults());
        assert_eq!(s.timeout, 60_000);
        assert_eq!(notices.len(), 1);
        let (s, notices) = Scenario::from_query("timeout=1500&timeout=soon", &defaults());
        assert_eq!(s.timeout, 20_000);
        assert_eq!(
            notices[0].to_string(),
            "timeout=\"soon\" is not a whole number; using 20000"
        );
    }

    #[test]
    fn crash_items_are_reported_outside_worker_mode() {
        let (s, _) = Scenario::from_query("fail=5:crash,2:hang,3:crash", &defaults());
        assert_eq!(
            s.crash_ignored_notice(),
            Some(ParamNotice::CrashIgnored {
                docs: vec![3, 5],
                parse: ParseStrategy::Blocking,
            })
        );
        assert_eq!(
            s.crash_ignored_notice().map(|n| n.to_string()).as_deref(),
            Some(
                "fail=3:crash,5:crash applies only to parse=worker (a worker that dies); \
                 ignored in blocking mode"
            )
        );
        let sliced = Scenario {
            parse: ParseStrategy::Sliced,
            fail: vec![failure(5, FailKind::Crash)],
            ..defaults()
        };
        assert_eq!(
            sliced.crash_ignored_notice().map(|n| n.to_string()).as_deref(),
            Some("fail=5:crash applies only to parse=worker (a worker that dies); ignored in sliced mode")
        );
        let worker = Scenario {
            parse: ParseStrategy::Worker,
            ..s.clone()
        };
        assert_eq!(worker.crash_ignored_notice(), None);
        let (no_crash, _) = with_fail("2:hang");
        assert_eq!(no_crash.crash_ignored_notice(), None);
    }

    #[test]
    fn parse_query_decodes_like_a_form() {
        assert_eq!(
            parse_query("?a=1+2&b=%41%zz%&&c&=x&d=x=y&%F0%9F=%E7%B7%9A"),
            vec![
                ("a".to_string(), "1 2".to_string()),
                ("b".to_string(), "A%zz%".to_string()),
                ("c".to_string(), String::new()),
                (String::new(), "x".to_string()),
                ("d".to_string(), "x=y".to_string()),
                ("\u{FFFD}".to_string(), "線".to_string()),
            ]
        );
        assert!(parse_query("").is_empty());
        assert!(parse_query("?").is_empty());
    }
}
