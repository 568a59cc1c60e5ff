//! How a [`Scenario`] is written out: as the query that reproduces it, as a config for
//! `window.eventLoopLab.run()`, and as a report's JSON `config`.

use std::fmt;

use serde::{Serialize, Serializer};

use super::{Failure, FetchStrategy, ParseStrategy, Scenario, WaitKind, YieldKind};

impl Scenario {
    /// The query string that reproduces this scenario (no leading `?`).
    pub fn to_query(&self) -> String {
        let mut out = format!(
            "docs={}&latency={}&size={}&fetch={}&parse={}&yield={}&workers={}&timeout={}",
            self.docs,
            self.latency_ms,
            self.size_kib,
            self.fetch,
            self.parse,
            self.yield_kind,
            self.workers,
            self.timeout_ms
        );
        if let Some(k) = self.limit {
            out.push_str(&format!("&limit={k}"));
        }
        if let Some(n) = self.connections {
            out.push_str(&format!("&connections={n}"));
        }
        if !self.fail.is_empty() {
            out.push_str("&fail=");
            out.push_str(&self.fail_text());
        }
        if self.wait_ms > 0 {
            out.push_str(&format!("&wait={}&wait_ms={}", self.wait, self.wait_ms));
        }
        if !self.forget.is_empty() {
            out.push_str("&forget=");
            out.push_str(&join_docs(&self.forget));
        }
        out.push_str("&query=");
        out.push_str(&crate::lab::query::encode(&self.query));
        out
    }

    /// The `fail=` value: `2,3:hang,5:crash`.
    fn fail_text(&self) -> String {
        self.fail
            .iter()
            .map(Failure::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Every value with its query name, the empty lists and the zero wait included:
    /// a config that sets the whole scenario when passed to `run()`, whatever the
    /// scenario was before. Numbers are written as numbers.
    pub fn to_config(&self) -> Vec<(&'static str, ConfigValue)> {
        use ConfigValue::{Null, Number, Text};
        vec![
            ("docs", Number(self.docs)),
            ("latency", Number(self.latency_ms)),
            ("size", Number(self.size_kib)),
            ("fetch", Text(self.fetch.to_string())),
            // Null, as the report writes these: `run()` reads null as "none".
            ("limit", self.limit.map_or(Null, Number)),
            ("connections", self.connections.map_or(Null, Number)),
            ("parse", Text(self.parse.to_string())),
            ("yield", Text(self.yield_kind.to_string())),
            ("workers", Number(self.workers)),
            ("timeout", Number(self.timeout_ms)),
            ("fail", Text(self.fail_text())),
            ("wait", Text(self.wait.to_string())),
            ("wait_ms", Number(self.wait_ms)),
            ("forget", Text(join_docs(&self.forget))),
            ("query", Text(self.query.clone())),
        ]
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
    limit: Option<u32>,
    connections: Option<u32>,
    parse: ParseStrategy,
    #[serde(rename = "yield")]
    yield_kind: YieldKind,
    workers: u32,
    timeout: u32,
    fail: Vec<u32>,
    failures: &'a [Failure],
    wait: WaitKind,
    wait_ms: u32,
    forget: &'a [u32],
    query: &'a str,
}

impl Serialize for Scenario {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Destructured in full so that a new field does not compile until it has a
        // place in the JSON.
        let Scenario {
            docs,
            latency_ms,
            size_kib,
            fetch,
            limit,
            connections,
            parse,
            yield_kind,
            workers,
            timeout_ms,
            fail,
            wait,
            wait_ms,
            forget,
            query,
        } = self;
        ScenarioJson {
            docs: *docs,
            latency: *latency_ms,
            size: *size_kib,
            fetch: *fetch,
            limit: *limit,
            connections: *connections,
            parse: *parse,
            yield_kind: *yield_kind,
            workers: *workers,
            timeout: *timeout_ms,
            fail: fail.iter().map(|f| f.doc).collect(),
            failures: fail,
            wait: *wait,
            wait_ms: *wait_ms,
            forget,
            query,
        }
        .serialize(serializer)
    }
}

/// A value of [`Scenario::to_config`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigValue {
    /// A whole number.
    Number(u32),
    /// Text (a choice, or a list written as the query writes it).
    Text(String),
    /// No value: no limit (`limit`, `connections`).
    Null,
}

impl fmt::Display for ConfigValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(t) => f.write_str(t),
            Self::Null => Ok(()),
        }
    }
}

/// `2,5`: document numbers as a query list.
fn join_docs(docs: &[u32]) -> String {
    docs.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
