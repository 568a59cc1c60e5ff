//! Where the sliceable work may cut a document into chunks, so that every chunking
//! gives the parser the same tokens: the [`Analyzer`](crate::Analyzer) works
//! chunk by chunk, and the `sliced` strategy yields between chunks.
//!
//! A cut is safe only where the parser (`tl` 0.7) itself ends one token and starts the
//! next when it reads the whole document. So the cutter reads the document with the
//! parser's own token rules, mirrored below from `tl`'s `Parser::parse_tag` and its
//! helpers, quirks included: `tl` is not an HTML5 tokenizer, and on damaged input (a
//! stray `<`, an unclosed quote, `<!doctype` without `>`) its idea of where a tag ends
//! is not the browser's. A cutter with rules of its own (an HTML-ish reading, honouring
//! quotes) cut inside what `tl` took for one tag, and the sliced result then differed
//! from the whole one. The native test `a_cut_anywhere_gives_the_same_result` checks
//! the mirror against `tl` on generated tag soup, damaged corpus pages and the hostile
//! document. When `tl` is upgraded, that test is what says whether this file must follow.
//!
//! Every token of `tl` ends either after a byte it consumed, or before a byte whose
//! value its decision does not depend on, so a chunk that ends at a token boundary is
//! read exactly as the same bytes are inside the whole document. The node sequence does
//! not depend on the open-element stack (that only shapes the tree), so a chunk that
//! starts at a token boundary is read the same way too.

/// Where a chunk ends and where the next one starts. They differ when the chunk ends
/// at a `<script>` or `<style>` element, whose raw content is skipped.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Cut {
    pub(super) end: usize,
    pub(super) resume: usize,
}

/// What the work does next, from a token boundary.
pub(super) enum Next {
    /// Give `html[start..cut.end]` to the parser and go on at `cut.resume`.
    Chunk(Cut),
    /// Give `html[start..at]` to the parser; then a markup token longer than the
    /// long-token limit starts at `at`, to be read with [`TokenScan::run`] instead.
    LongToken { at: usize, scan: TokenScan },
}

/// Finds the first safe place to cut `html` at or after `start + want` bytes.
/// `start` must itself be a token boundary (0, or a cut or resume point found here).
///
/// A safe place is the start of a markup token (a `<`), or ASCII whitespace inside a
/// text token: between two words, so the word index sees the same words. Raw text of
/// `<script>`/`<style>` is never given to the parser at all: it is not prose and must
/// not be counted as links or words.
///
/// One token is never cut. A markup token longer than `long_token` bytes (`<a ` and
/// megabytes of attributes without a `>`: one token for `tl`, and 100 ms of its time
/// for 8 MiB) is handed back as [`Next::LongToken`], so that the work reads it in
/// steps with the mirror below and never gives it to `tl` in one piece.
pub(super) fn next_cut(html: &[u8], start: usize, want: usize, long_token: usize) -> Next {
    let len = html.len();
    let due = start.saturating_add(want);
    let mut i = start;
    while i < len {
        if html[i] != b'<' {
            // A text token runs to the next `<`. Cutting it between words keeps a
            // document with little or no markup from being one slice (one long task in
            // sliced mode). ASCII whitespace is a character boundary and never inside a
            // word or a character reference, so every chunking still sees the same words.
            // One pass that stops at the first of the two (a scan to the token's end
            // first would make long prose quadratic in the number of cuts).
            let from = i.max(due).max(start + 1);
            while i < len && html[i] != b'<' {
                if i >= from && html[i].is_ascii_whitespace() {
                    return Next::Chunk(Cut { end: i, resume: i });
                }
                i += 1;
            }
            continue;
        }
        if i > start && i >= due {
            return Next::Chunk(Cut { end: i, resume: i });
        }
        let mut scan = TokenScan::new(i);
        let Some(token) = scan.run(html, i.saturating_add(long_token)) else {
            return Next::LongToken { at: i, scan };
        };
        if let Some(resume) = token.raw_text_end {
            return Next::Chunk(Cut {
                end: token.end,
                resume,
            });
        }
        i = token.end;
    }
    Next::Chunk(Cut {
        end: len,
        resume: len,
    })
}

/// A markup token as `tl` reads it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Token {
    /// Just past its last byte.
    pub(super) end: usize,
    /// Whether `tl` registers it as an `<a>` start tag with an `href` attribute: the
    /// only thing the work counts in a tag.
    pub(super) is_link: bool,
    /// For a `<script>` or `<style>` start tag: where its raw text ends (the `</` of
    /// its end tag, or the end of the document). The work skips to there.
    pub(super) raw_text_end: Option<usize>,
}

/// Reads one markup token (from its `<`) as `tl`'s `parse_tag` does, in steps that can
/// stop and go on later, so a long token never takes one long task.
#[derive(Debug)]
pub(super) struct TokenScan {
    lt: usize,
    state: ScanState,
}

#[derive(Debug)]
enum ScanState {
    Start,
    /// In a comment, at `at`.
    Comment {
        at: usize,
    },
    /// In a start tag's attributes: at the top of `tl`'s attribute loop, or inside a
    /// quoted value looking for its closing `quote`.
    Attributes {
        name: (usize, usize),
        at: usize,
        href: bool,
        quote: Option<u8>,
    },
}

impl TokenScan {
    fn new(lt: usize) -> Self {
        Self {
            lt,
            state: ScanState::Start,
        }
    }

    /// Where the scan has got to: bytes before it are read.
    pub(super) fn position(&self) -> usize {
        match self.state {
            ScanState::Start => self.lt,
            ScanState::Comment { at } | ScanState::Attributes { at, .. } => at,
        }
    }

    /// Reads on until the token ends, or stops once past `stop` (then `None`; call it
    /// again to go on). Only comments and attribute lists, the parts of a token that
    /// can be long, stop; a name, a quoted value or an end tag is read at scanning speed.
    pub(super) fn run(&mut self, h: &[u8], stop: usize) -> Option<Token> {
        let len = h.len();
        let other = |end: usize| Token {
            end: end.min(len),
            is_link: false,
            raw_text_end: None,
        };
        if let ScanState::Start = self.state {
            let i = skip_spaces(h, self.lt + 1);
            let Some(&first) = h.get(i) else {
                return Some(other(len));
            };
            match first {
                // An end tag: up to and including the next `>`.
                b'/' => return Some(other(find_byte(h, i + 1, b'>').map_or(len, |gt| gt + 1))),
                b'!' if h[i + 1..].starts_with(b"--") => {
                    self.state = ScanState::Comment { at: i + 1 };
                }
                b'!' => {
                    let word_end = ident_end(h, i + 1);
                    let mut j = skip_spaces(h, word_end);
                    if h[i + 1..word_end].eq_ignore_ascii_case(b"doctype") {
                        // The version word, spaces, and then one byte taken for the `>`,
                        // whatever it is.
                        j = skip_spaces(h, ident_end(h, j)) + 1;
                    }
                    return Some(other(j));
                }
                _ => {
                    let name = (i, ident_end(h, i));
                    self.state = ScanState::Attributes {
                        name,
                        at: skip_spaces(h, name.1),
                        href: false,
                        quote: None,
                    };
                }
            }
        }
        match &mut self.state {
            ScanState::Start => unreachable!("the start was read above"),
            ScanState::Comment { at } => {
                // A comment ends at the first `-->` whose `--` is found by stepping one
                // byte at a time from the opening `--`, skipping two after each `--`
                // (so `<!-->` is a whole comment, and `--->` does not end one).
                while *at < len {
                    if *at >= stop {
                        return None;
                    }
                    // No `--` starts before `stop`: go on from there next time.
                    let window = &h[..stop.saturating_add(1).min(len)];
                    let Some(dashes) = find(window, *at, b"--") else {
                        *at = stop.min(len);
                        continue;
                    };
                    *at = dashes + 2;
                    if h.get(*at) == Some(&b'>') {
                        return Some(other(*at + 1));
                    }
                    *at += 1;
                }
                Some(other(len))
            }
            ScanState::Attributes {
                name,
                at,
                href,
                quote,
            } => {
                // Attributes, until `/` or `>` outside any value; the end of input
                // first means no tag.
                let mut i = *at;
                loop {
                    if let Some(q) = *quote {
                        // A quoted value (a megabyte long, in the hostile document)
                        // stops too: `tl` reads it at scanning speed, but not 16 MiB of it
                        // in one task.
                        match find_byte(&h[..stop.min(len)], i, q) {
                            Some(closing) => {
                                i = closing;
                                *quote = None;
                            }
                            None if stop < len => {
                                *at = stop.max(i);
                                return None;
                            }
                            None => return Some(other(len)),
                        }
                    } else {
                        if i >= stop {
                            *at = i;
                            return None;
                        }
                        i = skip_spaces(h, i);
                        let Some(&b) = h.get(i) else {
                            return Some(other(len));
                        };
                        if b == b'/' || b == b'>' {
                            break;
                        }
                        let key_end = ident_end(h, i);
                        *href |= &h[i..key_end] == b"href";
                        i = skip_spaces(h, key_end);
                        if h.get(i) == Some(&b'=') {
                            i = skip_spaces(h, i + 1);
                            if let Some(&q @ (b'"' | b'\'')) = h.get(i) {
                                *quote = Some(q);
                                i += 1;
                                continue;
                            }
                            i = h[i.min(len)..]
                                .iter()
                                .position(|b| matches!(b, b' ' | b'\n' | b'/' | b'>'))
                                .map_or(len, |p| i + p);
                        }
                    }
                    // After an attribute: `tl` steps over the byte it stopped at (a
                    // closing quote, a space), unless it is `/` or `>`.
                    let Some(&b) = h.get(i) else {
                        return Some(other(len));
                    };
                    if b != b'/' && b != b'>' {
                        i += 1;
                    }
                }
                if h[i] == b'/' {
                    i += 1;
                }
                if h.get(i) != Some(&b'>') {
                    // `/` not followed by `>`: `tl` drops the tag and reads on from here.
                    return Some(other(i));
                }
                let end = i + 1;
                let name = &h[name.0..name.1];
                let raw =
                    name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style");
                Some(Token {
                    end,
                    is_link: name.eq_ignore_ascii_case(b"a") && *href,
                    raw_text_end: raw.then(|| find_close_tag(h, end, name).unwrap_or(len)),
                })
            }
        }
    }
}

/// `tl`'s whitespace in tags: only space and line feed.
fn skip_spaces(h: &[u8], from: usize) -> usize {
    let mut i = from;
    while matches!(h.get(i), Some(b' ' | b'\n')) {
        i += 1;
    }
    i
}

/// The end of a run of `tl`'s identifier bytes (letters, digits, `-_:+/`) from `from`.
fn ident_end(h: &[u8], from: usize) -> usize {
    let from = from.min(h.len());
    h[from..]
        .iter()
        .position(|&b| {
            !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'+' | b'/'))
        })
        .map_or(h.len(), |p| from + p)
}

fn find_byte(h: &[u8], from: usize, needle: u8) -> Option<usize> {
    h.get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|p| from + p)
}

/// The offset of `</name` (case-insensitive) at or after `from`.
fn find_close_tag(html: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = find(html, i, b"</") {
        let candidate = &html[p + 2..];
        if candidate.len() >= name.len() && candidate[..name.len()].eq_ignore_ascii_case(name) {
            return Some(p);
        }
        i = p + 2;
    }
    None
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}
