//! The heavy work done on each document: parse the HTML with a real parser (`tl`),
//! count its links, build a word index of its text and run a search query over it.
//!
//! The same code runs in all three parse strategies. It is *sliceable*: an
//! [`Analyzer`] advances through the document in whole chunks, so the `sliced`
//! strategy can yield to the event loop between steps, and the result is the same
//! however the document was cut (native tests check that on corpus pages, generated
//! tag soup and damaged pages, cut at every place the cutter allows).

use std::collections::HashMap;

use serde::Serialize;

mod cutter;

use cutter::{next_cut, Next, TokenScan};

/// Markup tokens longer than this are read by the cutter's mirror of the parser's
/// token rules, in steps, instead of by the parser in one piece (see
/// [`next_cut`]). Far above any tag of a real page, and small enough that reading one
/// with `tl` is well under a millisecond.
const LONG_TOKEN_BYTES: usize = 64 * 1024;

/// What the work found in one document. Small on purpose: a worker replies with this,
/// never with the document or its index (decoding a big reply is itself a freeze).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct WorkSummary {
    /// `<a href>` elements outside `<script>`/`<style>`.
    pub links: u32,
    /// Words in the text (runs of letters and digits).
    pub words: u32,
    /// Distinct words (case-folded) in the index.
    pub distinct_words: u32,
    /// Occurrences of the query's words in the text.
    pub hits: u32,
    /// Words of the text within a typo of some query word (see `TypoSearch`).
    pub fuzzy_hits: u32,
}

/// Runs the whole work on `html` in one go.
pub fn analyze(html: &str, query: &str) -> WorkSummary {
    let mut analyzer = Analyzer::new(html, query);
    while !analyzer.step(usize::MAX) {}
    analyzer.finish()
}

/// The work on one document, advanced a step at a time.
pub struct Analyzer<'a> {
    html: &'a str,
    /// Where the next chunk starts (a byte offset at a safe cut point), or, while a
    /// long token is read, how far its reading has got.
    pos: usize,
    /// A long markup token being read in steps, if one is.
    long_token: Option<TokenScan>,
    /// The long-token limit: [`LONG_TOKEN_BYTES`], smaller in tests.
    long_token_bytes: usize,
    links: u32,
    words: u32,
    index: HashMap<String, u32>,
    terms: Vec<String>,
    search: TypoSearch,
    /// Reused buffer for the case-folded word being read.
    word: String,
}

impl<'a> Analyzer<'a> {
    /// Prepares the work; does nothing heavy yet.
    pub fn new(html: &'a str, query: &str) -> Self {
        let mut terms = Vec::new();
        // Each term once; their order does not matter. (No sort: each sort std
        // instantiates is kilobytes of the wasm module.)
        for_each_word(query, &mut String::new(), |w| {
            if !terms.iter().any(|t| t == w) {
                terms.push(w.to_string());
            }
        });
        Self {
            html,
            pos: 0,
            long_token: None,
            long_token_bytes: LONG_TOKEN_BYTES,
            links: 0,
            words: 0,
            index: HashMap::new(),
            search: TypoSearch::new(&terms),
            terms,
            word: String::new(),
        }
    }

    /// The same work, reading every markup token longer than `bytes` with the
    /// cutter's mirror of the parser instead of the parser. A test hook: with a small
    /// limit, tests compare that mirror with the parser itself on every kind of tag.
    #[doc(hidden)]
    pub fn with_long_token_limit(mut self, bytes: usize) -> Self {
        self.long_token_bytes = bytes.max(1);
        self
    }

    /// Processes whole chunks until at least `budget_bytes` more of the document are
    /// done, or the document ends. Returns `true` when the document is finished.
    pub fn step(&mut self, budget_bytes: usize) -> bool {
        let html = self.html.as_bytes();
        let goal = self.pos.saturating_add(budget_bytes.max(1));
        while !self.is_done() && self.pos < goal {
            if let Some(scan) = &mut self.long_token {
                // A long token is read in steps of the budget; it adds no words.
                match scan.run(html, goal) {
                    None => self.pos = scan.position(),
                    Some(token) => {
                        self.links += u32::from(token.is_link);
                        self.pos = token.raw_text_end.unwrap_or(token.end);
                        self.long_token = None;
                    }
                }
                continue;
            }
            let want = goal.saturating_sub(self.pos);
            match next_cut(html, self.pos, want, self.long_token_bytes) {
                Next::Chunk(cut) => {
                    self.process_chunk(&self.html[self.pos..cut.end]);
                    self.pos = cut.resume;
                }
                Next::LongToken { at, scan } => {
                    self.process_chunk(&self.html[self.pos..at]);
                    self.pos = at;
                    self.long_token = Some(scan);
                }
            }
        }
        self.is_done()
    }

    /// Whether the whole document has been processed.
    pub fn is_done(&self) -> bool {
        self.pos >= self.html.len() && self.long_token.is_none()
    }

    /// Runs the query over the index and returns the summary.
    pub fn finish(self) -> WorkSummary {
        let hits = self.terms.iter().filter_map(|t| self.index.get(t)).sum();
        WorkSummary {
            links: self.links,
            words: self.words,
            distinct_words: u32::try_from(self.index.len()).unwrap_or(u32::MAX),
            hits,
            fuzzy_hits: self.search.hits,
        }
    }

    fn process_chunk(&mut self, chunk: &str) {
        if chunk.is_empty() {
            return;
        }
        // tl refuses only inputs over u32::MAX bytes, which the body limit rules out;
        // an empty summary for such a chunk is still the honest answer.
        let Ok(dom) = tl::parse(chunk, tl::ParserOptions::default()) else {
            return;
        };
        for node in dom.nodes() {
            match node {
                tl::Node::Tag(tag) => {
                    let is_link = tag.name().as_bytes().eq_ignore_ascii_case(b"a")
                        && tag.attributes().contains("href");
                    if is_link {
                        self.links += 1;
                    }
                }
                tl::Node::Raw(text) => {
                    let (index, words, search) =
                        (&mut self.index, &mut self.words, &mut self.search);
                    for_each_word(&text.as_utf8_str(), &mut self.word, |w| {
                        *words += 1;
                        search.check(w);
                        match index.get_mut(w) {
                            Some(count) => *count += 1,
                            None => {
                                index.insert(w.to_string(), 1);
                            }
                        }
                    });
                }
                tl::Node::Comment(_) => {}
            }
        }
    }
}

/// The "search a very big file" step: every word of the text is compared with every
/// query word by edit distance (Levenshtein, the textbook dynamic programme), and
/// counts as a hit within 1 edit (2 for query words of 8 characters or more).
///
/// It is deliberately done per occurrence, not once per distinct word: it stands for
/// any CPU-heavy step whose cost grows with the input, which is what the lesson needs.
/// Memoizing it would make it cheap, and that is a different lesson.
struct TypoSearch {
    terms: Vec<Vec<char>>,
    /// Reused buffers: the word's characters and one row of the DP table.
    chars: Vec<char>,
    row: Vec<usize>,
    hits: u32,
}

impl TypoSearch {
    fn new(terms: &[String]) -> Self {
        Self {
            terms: terms.iter().map(|t| t.chars().collect()).collect(),
            chars: Vec::new(),
            row: Vec::new(),
            hits: 0,
        }
    }

    fn check(&mut self, word: &str) {
        self.chars.clear();
        self.chars.extend(word.chars());
        let Self {
            terms,
            chars,
            row,
            hits,
        } = self;
        let matched = terms.iter().any(|term| {
            let tolerance = if term.len() >= 8 { 2 } else { 1 };
            edit_distance(chars, term, row) <= tolerance
        });
        if matched {
            *hits += 1;
        }
    }
}

/// Levenshtein distance between `a` and `b`, using `row` as scratch space.
fn edit_distance(a: &[char], b: &[char], row: &mut Vec<usize>) -> usize {
    row.clear();
    row.extend(0..=b.len());
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            let substitution = diagonal + usize::from(ca != cb);
            row[j + 1] = substitution.min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Calls `f` with each case-folded word of `text`. Character references such as
/// `&amp;` are separators, not words (tl does not decode them).
fn for_each_word(text: &str, word: &mut String, mut f: impl FnMut(&str)) {
    word.clear();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            f(word);
            word.clear();
        }
        if c == '&' {
            if let Some(len) = char_ref_len(&text.as_bytes()[i..]) {
                while chars.peek().is_some_and(|&(j, _)| j < i + len) {
                    chars.next();
                }
            }
        }
    }
    if !word.is_empty() {
        f(word);
        word.clear();
    }
}

/// Length of a character reference (`&name;`, `&#123;`, `&#x1F;`) at the start of `s`.
fn char_ref_len(s: &[u8]) -> Option<usize> {
    let end = s.iter().take(12).position(|&b| b == b';')?;
    let body = &s[1..end];
    let ok = !body.is_empty() && body.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'#');
    ok.then_some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_links_words_and_hits() {
        let html = r#"<html><body><p>Spawn a thread, then <a href="x">join the thread</a>.</p>
            <a name="anchor">no href</a><a href='y'>Thread</a></body></html>"#;
        let s = analyze(html, "thread");
        assert_eq!(s.links, 2);
        assert_eq!(s.hits, 3);
        assert_eq!(s.words, 10);
    }

    #[test]
    fn script_and_style_are_not_text_or_links() {
        let html = r#"<p>one</p><script>var a = "<a href='x'>two</a>"; if (a<b) {}</script>
            <style>p > a { color: red }</style><p>three</p>"#;
        let s = analyze(html, "two");
        assert_eq!((s.links, s.words, s.hits), (0, 2, 0));
    }

    #[test]
    fn character_references_separate_words() {
        let s = analyze("<p>fish&amp;chips &#8212; x&lt;y</p>", "amp");
        assert_eq!((s.words, s.hits), (4, 0));
    }

    #[test]
    fn every_step_size_gives_the_same_result() {
        let html = "<p>a <b>b</b> c</p><!-- <a href=x> --><a href=\"q>r\">d</a>".repeat(50);
        let whole = analyze(&html, "b d");
        for budget in [1, 7, 64, 1000] {
            let mut a = Analyzer::new(&html, "b d");
            let mut steps = 0;
            while !a.step(budget) {
                steps += 1;
            }
            assert!(
                budget > 1000 || steps > 1,
                "budget {budget} took {steps} steps"
            );
            assert_eq!(a.finish(), whole, "budget {budget}");
        }
    }

    #[test]
    fn typo_search_counts_words_within_an_edit_or_two() {
        let mut row = Vec::new();
        let d = |a: &str, b: &str, row: &mut Vec<usize>| {
            edit_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
                row,
            )
        };
        assert_eq!(d("kitten", "sitting", &mut row), 3);
        assert_eq!(d("", "abc", &mut row), 3);
        assert_eq!(d("thread", "thread", &mut row), 0);
        let s = analyze(
            "<p>thread threads thraed spawn spawned sp\u{e4}wn concurrency concurency</p>",
            "thread spawn concurrency",
        );
        // thread, threads (1), spawn, späwn (1), concurrency, concurency (1);
        // not thraed or spawned (2 edits from a short word).
        assert_eq!((s.hits, s.fuzzy_hits), (3, 6));
    }
}
