//! Where the sliceable work may cut a document into chunks, so that every chunking
//! gives the parser the same tokens: the [`Analyzer`](super::work::Analyzer) works
//! chunk by chunk, and the `sliced` strategy yields between chunks.

/// Where a chunk ends and where the next one starts. They differ when the chunk ends
/// at a `<script>` or `<style>` element, whose raw content is skipped.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Cut {
    pub(super) end: usize,
    pub(super) resume: usize,
}

/// Finds the first safe place to cut `html` at or after `start + want` bytes.
///
/// A safe place is the `<` of a tag, comment or doctype outside any tag, comment or
/// raw-text element, or whitespace between two words of text, so no word, tag or
/// attribute is split and the parser sees the same tokens in every chunking. Raw
/// text of `<script>`/`<style>` is never given to the parser at all: it is not prose
/// and must not be counted as links or words.
pub(super) fn next_cut(html: &[u8], start: usize, want: usize) -> Cut {
    let mut i = start;
    while i < html.len() {
        if html[i] != b'<' {
            // In text, between two words is a safe cut too: a document with little or
            // no markup would otherwise be one slice (one long task in sliced mode).
            // ASCII whitespace is always a character boundary and never inside a word
            // or an entity, so every chunking still sees the same words.
            if i > start && i - start >= want && html[i].is_ascii_whitespace() {
                return Cut { end: i, resume: i };
            }
            i += 1;
            continue;
        }
        let rest = &html[i..];
        let opens_markup = rest
            .get(1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?'));
        if !opens_markup {
            i += 1;
            continue;
        }
        if i > start && i - start >= want {
            return Cut { end: i, resume: i };
        }
        if rest.starts_with(b"<!--") {
            i = find(html, i + 4, b"-->").map_or(html.len(), |p| p + 3);
            continue;
        }
        let tag_end = end_of_tag(html, i);
        let name = tag_name(&rest[1..]);
        let raw = name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style");
        if raw {
            let close = find_close_tag(html, tag_end, name).unwrap_or(html.len());
            if close > tag_end {
                return Cut {
                    end: tag_end,
                    resume: close,
                };
            }
        }
        i = tag_end;
    }
    Cut {
        end: html.len(),
        resume: html.len(),
    }
}

/// The name after `<` (empty for `</x`, `<!x`, `<?x`).
fn tag_name(after_lt: &[u8]) -> &[u8] {
    let len = after_lt
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(after_lt.len());
    &after_lt[..len]
}

/// The offset just past the `>` that ends the tag opened at `lt`, honouring quotes.
fn end_of_tag(html: &[u8], lt: usize) -> usize {
    let mut quote = None;
    for (offset, &b) in html[lt + 1..].iter().enumerate() {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return lt + 1 + offset + 1,
            (None, _) => {}
        }
    }
    html.len()
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
