//! Reading the URL query's parameters one value at a time: the parser of each kind of
//! value, the [`ParamNotice`] for a bad one, and [`parse_query`], which splits a query
//! string into pairs.
//!
//! Bad values never fail: each parser says what to use instead, and
//! [`Scenario::apply`](super::Scenario::apply) stores it. Everything public
//! here is re-exported from [`scenario`](super).

use std::fmt;
use std::ops::RangeInclusive;

use thiserror::Error;

use super::failures::{parse_fail_list, FailKind, Failure, FAIL_KINDS};
use super::{ParseStrategy, DOCS, HTTP1_CONNECTIONS, LIMIT, QUERY_MAX_CHARS};
use crate::lab::waiting::parse_doc_list;

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
    /// The run's documents would add up to more than the memory budget
    /// ([`MEMORY_BUDGET_KIB`](super::MEMORY_BUDGET_KIB)).
    #[error("docs={docs} × size={size_kib} KiB is {total_mib} MiB, over the {budget_mib} MiB memory budget for one run's documents; using size={used_kib}")]
    OverMemoryBudget {
        /// Documents in the run.
        docs: u32,
        /// The size asked for, KiB.
        size_kib: u32,
        /// `docs × size`, MiB, rounded up.
        total_mib: u64,
        /// The budget, MiB.
        budget_mib: u32,
        /// The size used instead, KiB: the largest that fits.
        used_kib: u32,
    },
    /// `yield=scheduler` in a browser without `scheduler.yield()`.
    #[error(
        "yield=scheduler needs scheduler.yield(), which this browser does not have; using timeout"
    )]
    SchedulerMissing,
    /// `limit` is neither a whole number nor `none`.
    #[error("limit={value:?} must be a whole number {min}–{max}, or none; using no limit", min = LIMIT.start(), max = LIMIT.end())]
    BadLimit {
        /// What was given.
        value: String,
    },
    /// `connections` is neither `6` nor `unlimited`.
    #[error("connections={value:?} must be {HTTP1_CONNECTIONS} (HTTP/1.1's connections to one origin) or unlimited; using unlimited")]
    BadConnections {
        /// What was given.
        value: String,
    },
    /// `forget` has an item that is not a document number.
    #[error("forget={value:?} must list document numbers 1–64 separated by commas; ignoring it")]
    BadForgetList {
        /// What was given.
        value: String,
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
pub(super) type Parsed<T> = Result<T, (ParamNotice, Option<T>)>;

/// Stores the outcome of parsing in `field` and hands back the notice, if any.
pub(super) fn set<T>(field: &mut T, parsed: Parsed<T>) -> Option<ParamNotice> {
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

/// A whole number within `limits`; else `default`, or the nearest limit when out of range.
pub(super) fn number(
    param: &str,
    value: &str,
    limits: RangeInclusive<u32>,
    default: u32,
) -> Parsed<u32> {
    let Some(v) = whole_number(value) else {
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
    if v < i64::from(min) || v > i64::from(max) {
        let used = if v < i64::from(min) { min } else { max };
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
    // In range, so the cast is exact.
    Ok(v as u32)
}

/// A whole number as a JS number becomes text ("800", "800.0", "-3", "+3"), saturated
/// to `i64`; `None` for anything else ("8e2", "0x10", "800.5", "", "inf").
///
/// NOTE: written by hand, not `str::parse::<f64>`: the float parser and its table of
/// powers of five were ~12 KB of the wasm module (gzip), kept only by this and the
/// worker's messages (which carry whole microseconds now).
fn whole_number(value: &str) -> Option<i64> {
    let (negative, unsigned) = match value.as_bytes().first()? {
        b'-' => (true, &value[1..]),
        b'+' => (false, &value[1..]),
        _ => (false, value),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if whole.len() + fraction.len() == 0
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b == b'0')
    {
        return None;
    }
    let magnitude = whole.bytes().fold(0_i64, |n, b| {
        n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some(if negative { -magnitude } else { magnitude })
}

/// `limit=`: a number of requests within [`LIMIT`] (outside it, the nearest limit), or
/// `none` or nothing for no limit; anything else falls back to no limit.
pub(super) fn fetch_limit(value: &str) -> Parsed<Option<u32>> {
    if value.is_empty() || value.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    match number("limit", value, LIMIT, *LIMIT.end()) {
        Ok(k) => Ok(Some(k)),
        Err((notice @ ParamNotice::OutOfRange { .. }, used)) => Err((notice, Some(used))),
        Err(_) => Err((
            ParamNotice::BadLimit {
                value: value.to_string(),
            },
            Some(None),
        )),
    }
}

/// `connections=`: `6` ([`HTTP1_CONNECTIONS`]) or `unlimited` (or nothing); anything
/// else falls back to unlimited.
pub(super) fn connection_limit(value: &str) -> Parsed<Option<u32>> {
    match value.to_ascii_lowercase().as_str() {
        "" | "unlimited" => Ok(None),
        v if v == HTTP1_CONNECTIONS.to_string() => Ok(Some(HTTP1_CONNECTIONS)),
        _ => Err((
            ParamNotice::BadConnections {
                value: value.to_string(),
            },
            Some(None),
        )),
    }
}

/// One of a parameter's `choices` (any case), as `pick` names them; else `default`.
pub(super) fn choice<T: Copy + fmt::Display>(
    param: &str,
    value: &str,
    choices: &'static str,
    default: T,
    pick: impl Fn(&str) -> Option<T>,
) -> Parsed<T> {
    pick(&value.to_ascii_lowercase()).ok_or_else(|| {
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

/// The `fail=` list (see [`parse_fail_list`]); a bad one keeps the current list.
pub(super) fn fail_list(value: &str, docs: u32) -> Parsed<Vec<Failure>> {
    parse_fail_list(value).ok_or_else(|| {
        (
            ParamNotice::BadFailList {
                value: value.to_string(),
                docs,
            },
            None,
        )
    })
}

/// The `forget=` list (see [`parse_doc_list`]); a bad one keeps the current list.
pub(super) fn forget_list(value: &str) -> Parsed<Vec<u32>> {
    parse_doc_list(value, DOCS).ok_or_else(|| {
        (
            ParamNotice::BadForgetList {
                value: value.to_string(),
            },
            None,
        )
    })
}

/// A search query with a letter or digit, at most [`QUERY_MAX_CHARS`] long; a bad one
/// keeps `current`.
pub(super) fn query(value: &str, current: &str) -> Parsed<String> {
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
    crate::lab::query::parse(query.trim_start_matches('?'))
}
