//! Which documents fail on purpose, and how: the `fail=` list.
//!
//! `fail=2,3:hang,5:crash` names documents by number, each with an optional kind; a
//! bare `N` is a 500, the meaning `fail=` had before it had kinds. The list is part of
//! the URL interface described in [`scenario`](super), which re-exports
//! everything public here.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::lab::small_map::SmallMap;
use crate::lab::sort::sort_by;

use super::DOCS;

/// How the simulated server (or the worker) fails a document named in `fail=`.
///
/// A new kind is a new variant plus its entry in [`FailKind::ALL`] and [`FAIL_KINDS`];
/// parsing, the query and the JSON all go through [`FailKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailKind {
    /// The server answers with status 500 (`N` or `N:500`).
    Status500,
    /// The server answers with status 404.
    Status404,
    /// The request fails without any answer (the connection drops).
    Network,
    /// The server answers 200 with a body that is not HTML (`application/json`).
    NotHtml,
    /// The server answers HTML in Latin-1 bytes with no charset to say so.
    NotUtf8,
    /// The server answers a body one byte over the size limit, with its
    /// `Content-Length`.
    Huge,
    /// The server streams a body four times the size limit with no `Content-Length`,
    /// so only counting the bytes as they arrive can stop it (`huge-stream`).
    HugeStream,
    /// The server answers an HTML page built to attack and to choke (see
    /// [`hostile_doc`](crate::lab::corpus::hostile_doc)); it is parsed like any other.
    Hostile,
    /// The server never answers, so the document runs into its `timeout`.
    Hang,
    /// In `parse=worker`, the worker that parses the document panics.
    Crash,
}

/// The accepted kinds, as listed in notices and the book (URL parameters).
pub const FAIL_KINDS: &str =
    "500, 404, network, not-html, not-utf8, huge, huge-stream, hostile, hang, crash";

impl FailKind {
    /// Every kind, in the order of [`FAIL_KINDS`].
    pub const ALL: [FailKind; 10] = [
        Self::Status500,
        Self::Status404,
        Self::Network,
        Self::NotHtml,
        Self::NotUtf8,
        Self::Huge,
        Self::HugeStream,
        Self::Hostile,
        Self::Hang,
        Self::Crash,
    ];

    /// The query value (after `N:`), also used in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Status500 => "500",
            Self::Status404 => "404",
            Self::Network => "network",
            Self::NotHtml => "not-html",
            Self::NotUtf8 => "not-utf8",
            Self::Huge => "huge",
            Self::HugeStream => "huge-stream",
            Self::Hostile => "hostile",
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

/// The items of a `fail=` value, sorted by document, one per document (a later item
/// for the same document wins); empty for an empty value. `None` when any item is not
/// `N` or `N:KIND` with `N` in [`DOCS`]: one bad item voids the whole value, since half
/// of a list is not what was meant. The caller turns `None` into its notice.
pub(crate) fn parse_fail_list(value: &str) -> Option<Vec<Failure>> {
    if value.is_empty() {
        return Some(Vec::new());
    }
    // Keyed by document, so that a later item for the same document wins; then sorted.
    let mut by_doc = SmallMap::new();
    for item in value.split(',') {
        let Failure { doc, kind } = fail_item(item)?;
        by_doc.insert(doc, kind);
    }
    let mut list: Vec<Failure> = by_doc
        .into_iter()
        .map(|(doc, kind)| Failure { doc, kind })
        .collect();
    sort_by(&mut list, |a, b| a.doc < b.doc);
    Some(list)
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
