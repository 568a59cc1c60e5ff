//! The scenario a run follows, its limits, and its URL query codec.
//!
//! The query names (`docs`, `latency`, `size`, `fetch`, `parse`, `workers`, `fail`,
//! `query`) are a public interface: docs pages embed the app preconfigured by URL
//! and script it through `window.eventLoopLab.run(config)` with the same names.
//! Bad values never fail: each falls back to the default or the nearest limit and
//! yields a [`ParamNotice`] that the UI shows as is.

use std::fmt;
use std::ops::RangeInclusive;

use serde::Serialize;
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

/// Limits of each numeric parameter, inclusive.
pub const DOCS: RangeInclusive<u32> = 1..=64;
/// Simulated server time per document.
pub const LATENCY_MS: RangeInclusive<u32> = 0..=5000;
/// Document size; the work per document scales linearly with it.
pub const SIZE_KB: RangeInclusive<u32> = 1..=8192;
/// Size of the worker pool.
pub const WORKERS: RangeInclusive<u32> = 1..=8;
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// Documents (by id, 1-based) that the simulated server fails with status 500.
    pub fail: Vec<u32>,
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
            let result = match key {
                "docs" => number(key, value, DOCS, defaults.docs).map(|v| self.docs = v),
                "latency" => {
                    number(key, value, LATENCY_MS, defaults.latency).map(|v| self.latency = v)
                }
                "size" => number(key, value, SIZE_KB, defaults.size).map(|v| self.size = v),
                "workers" => {
                    number(key, value, WORKERS, defaults.workers).map(|v| self.workers = v)
                }
                "fetch" => choice(key, value, defaults.fetch, |v| match v {
                    "sequential" => Some(FetchStrategy::Sequential),
                    "concurrent" => Some(FetchStrategy::Concurrent),
                    _ => None,
                })
                .map(|v| self.fetch = v),
                "parse" => choice(key, value, defaults.parse, |v| match v {
                    "blocking" => Some(ParseStrategy::Blocking),
                    "sliced" => Some(ParseStrategy::Sliced),
                    "worker" => Some(ParseStrategy::Worker),
                    _ => None,
                })
                .map(|v| self.parse = v),
                "fail" => fail_list(value, self.docs).map(|v| self.fail = v),
                "query" => query(value, &self.query).map(|v| self.query = v),
                _ => Ok(()),
            };
            if let Err((notice, fallback)) = result {
                notices.push(notice);
                fallback.apply(self);
            }
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
        let fail = self
            .fail
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut out = format!(
            "docs={}&latency={}&size={}&fetch={}&parse={}&workers={}",
            self.docs, self.latency, self.size, self.fetch, self.parse, self.workers
        );
        if !fail.is_empty() {
            out.push_str("&fail=");
            out.push_str(&fail);
        }
        out.push_str("&query=");
        out.push_str(&encode_component(&self.query));
        out
    }

    /// Whether the simulated server fails document `id`.
    pub fn fails(&self, id: u32) -> bool {
        self.fail.contains(&id)
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
    /// `fail` names something that is not a document of this run.
    #[error("fail={value:?} must list document numbers 1–{docs} separated by commas; ignoring it")]
    BadFailList {
        /// What was given.
        value: String,
        /// Documents in the run.
        docs: u32,
    },
    /// The query is empty or too long.
    #[error("query must be 1–{QUERY_MAX_CHARS} characters with at least one letter or digit; keeping {kept:?}")]
    BadQuery {
        /// The query kept.
        kept: String,
    },
}

/// What to do after a bad value: nothing (keep the current value) or set a fallback.
enum Fallback {
    Keep,
    Docs(u32),
    Latency(u32),
    Size(u32),
    Workers(u32),
    Fetch(FetchStrategy),
    Parse(ParseStrategy),
}

impl Fallback {
    fn apply(self, s: &mut Scenario) {
        match self {
            Fallback::Keep => {}
            Fallback::Docs(v) => s.docs = v,
            Fallback::Latency(v) => s.latency = v,
            Fallback::Size(v) => s.size = v,
            Fallback::Workers(v) => s.workers = v,
            Fallback::Fetch(v) => s.fetch = v,
            Fallback::Parse(v) => s.parse = v,
        }
    }
}

fn numeric_fallback(param: &str, v: u32) -> Fallback {
    match param {
        "docs" => Fallback::Docs(v),
        "latency" => Fallback::Latency(v),
        "size" => Fallback::Size(v),
        _ => Fallback::Workers(v),
    }
}

type Parsed<T> = Result<T, (ParamNotice, Fallback)>;

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
            numeric_fallback(param, default),
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
            numeric_fallback(param, used),
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
) -> Parsed<T>
where
    Fallback: From<T>,
{
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
            Fallback::from(default),
        )
    })
}

impl From<FetchStrategy> for Fallback {
    fn from(v: FetchStrategy) -> Self {
        Fallback::Fetch(v)
    }
}

impl From<ParseStrategy> for Fallback {
    fn from(v: ParseStrategy) -> Self {
        Fallback::Parse(v)
    }
}

fn fail_list(value: &str, docs: u32) -> Parsed<Vec<u32>> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Option<Vec<u32>> = value
        .split(',')
        .map(|part| {
            part.trim()
                .parse::<u32>()
                .ok()
                .filter(|id| DOCS.contains(id))
        })
        .collect();
    match ids {
        Some(mut ids) => {
            ids.sort_unstable();
            ids.dedup();
            Ok(ids)
        }
        None => Err((
            ParamNotice::BadFailList {
                value: value.to_string(),
                docs,
            },
            Fallback::Keep,
        )),
    }
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
            Fallback::Keep,
        ))
    }
}

/// Splits `a=1&b=two` into decoded pairs (`+` is a space, `%XX` escapes decoded; bad
/// escapes are kept literally, so any input gives some pairs).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (_, Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
