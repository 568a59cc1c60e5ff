//! Building a simulated document from the corpus, byte for byte as `static/sw.js`
//! does, for the in-page simulator (used where service workers are unavailable). The
//! two must agree: the e2e tests compare a run through each.

/// Before the document number.
pub const PREFIX_HEAD: &str =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>doc ";
/// After the document number.
pub const PREFIX_TAIL: &str = "</title></head><body>\n";
/// The end of every document.
pub const SUFFIX: &str = "</body></html>\n";

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The bytes between the end of the first `<body …>` tag and the last `</body>`, or
/// the whole file when there is no such tag.
pub fn body_inner(bytes: &[u8]) -> &[u8] {
    let mut from = 0;
    let open = loop {
        let Some(i) = find(bytes, b"<body", from) else {
            return bytes;
        };
        if matches!(bytes.get(i + 5), Some(b'>' | b' ' | b'\t' | b'\n' | b'\r')) {
            break i;
        }
        from = i + 1;
    };
    let Some(start) = bytes[open..]
        .iter()
        .position(|&b| b == b'>')
        .map(|p| open + p + 1)
    else {
        return bytes;
    };
    let mut end = None;
    let mut from = start;
    while let Some(i) = find(bytes, b"</body>", from) {
        end = Some(i);
        from = i + 1;
    }
    match end {
        Some(end) if end >= start => &bytes[start..end],
        _ => bytes,
    }
}

/// A small page in Latin-1 with no charset to say so ("café crème brûlée"), for
/// `fail=N:not-utf8`: byte for byte what `static/sw.js` serves.
pub fn not_utf8_doc(doc: u32) -> Vec<u8> {
    let mut out = format!("{PREFIX_HEAD}{doc}{PREFIX_TAIL}<p>caf").into_bytes();
    for (latin1, text) in [(0xe9, " cr"), (0xe8, "me br"), (0xfb, "l"), (0xe9, "e</p>")] {
        out.push(latin1);
        out.extend_from_slice(text.as_bytes());
    }
    out.extend_from_slice(SUFFIX.as_bytes());
    out
}

/// The address every URL in the hostile document points at: a reserved name that
/// never resolves, so a request to it would show in the tests and reach nobody.
pub const HOSTILE_ORIGIN: &str = "http://attacker.invalid";

/// An HTML page built to attack and to choke, for `fail=N:hostile`: scripts, event
/// handlers, `javascript:` links, a refresh, an `<iframe srcdoc>`, a `<base href>`,
/// 10 000 levels of nesting, NUL bytes, a 1 MiB attribute and entities left open.
/// Byte for byte what `static/sw.js` serves. The app only parses it: nothing in it
/// may run, render or be requested.
pub fn hostile_doc(doc: u32) -> Vec<u8> {
    let o = HOSTILE_ORIGIN;
    let mut html = format!(
        "<!doctype html><html><head><title>doc {doc}</title><base href=\"{o}/\">\
         <meta http-equiv=\"refresh\" content=\"0;url={o}/refresh\">\
         <script>window.__hostileRan='script';fetch('{o}/script')</script></head>\
         <body onload=\"window.__hostileRan='onload'\">\
         <img src=\"{o}/img.png\" onerror=\"window.__hostileRan='onerror'\">\
         <iframe srcdoc=\"<script>parent.__hostileRan='srcdoc'</script>\"></iframe>\
         <a href=\"javascript:window.__hostileRan='link'\">thread</a>\
         <a href=\"{o}/page\">thread spawn</a>\
         <svg onload=\"window.__hostileRan='svg'\"><a href=\"{o}/svg\">x</a></svg>"
    );
    html.push_str(&"<div><span>".repeat(10_000));
    html.push_str("deep thread &amp &lt &#x41 &#65 &bogus");
    html.push_str(&"</span></div>".repeat(10_000));
    html.push_str(&format!("<p title=\"{}\">long</p>", "a".repeat(1 << 20)));
    let mut bytes = html.into_bytes();
    bytes.extend_from_slice(b"<p>nul\0bytes\0</p></body></html>\n");
    bytes
}

/// Exactly `size` bytes, the same for the same `(doc, size)`: a prefix, then the body
/// of corpus part `(doc - 1) % len` and of the following parts (wrapping) until full,
/// cut before the last `<` so no tag is split, padded with spaces and a newline, then
/// the suffix. `corpus` holds each file's [`body_inner`].
pub fn build_doc(doc: u32, size: usize, corpus: &[Vec<u8>]) -> Vec<u8> {
    let prefix = format!("{PREFIX_HEAD}{doc}{PREFIX_TAIL}").into_bytes();
    let suffix = SUFFIX.as_bytes();
    if prefix.len() + suffix.len() >= size {
        return [prefix.as_slice(), suffix].concat();
    }
    let limit = size - suffix.len();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&prefix);
    let total: usize = corpus.iter().map(Vec::len).sum();
    let mut truncated = false;
    if total > 0 {
        let mut i = (doc.max(1) as usize - 1) % corpus.len();
        while out.len() < limit {
            let part = &corpus[i];
            let take = part.len().min(limit - out.len());
            out.extend_from_slice(&part[..take]);
            truncated = take < part.len();
            i = (i + 1) % corpus.len();
        }
    }
    if truncated {
        let cut = out
            .iter()
            .rposition(|&b| b == b'<')
            .filter(|&c| c >= prefix.len());
        out.truncate(cut.unwrap_or(prefix.len()));
    }
    if out.len() < limit {
        out.resize(limit - 1, b' ');
        out.push(b'\n');
    }
    out.extend_from_slice(suffix);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_inner_takes_what_is_between_the_body_tags() {
        assert_eq!(
            body_inner(b"<html><body class=x>hi <b>there</b></body></html>"),
            b"hi <b>there</b>"
        );
        assert_eq!(
            body_inner(b"<bodyguard>no</bodyguard>"),
            b"<bodyguard>no</bodyguard>"
        );
        assert_eq!(body_inner(b"just text"), b"just text");
    }

    #[test]
    fn documents_have_the_exact_size_and_never_split_a_tag() {
        let corpus = vec![
            b"<p>alpha</p><p>beta</p>".to_vec(),
            b"<a href=x>gamma</a>".to_vec(),
        ];
        for size in [10, 100, 101, 1000, 4096] {
            let doc = build_doc(3, size, &corpus);
            let floor = PREFIX_HEAD.len() + 1 + PREFIX_TAIL.len() + SUFFIX.len();
            assert_eq!(doc.len(), size.max(floor), "size {size}");
            assert!(doc.starts_with(b"<!doctype html>") && doc.ends_with(SUFFIX.as_bytes()));
            assert_eq!(doc, build_doc(3, size, &corpus), "deterministic");
            let text = String::from_utf8(doc).unwrap();
            let body = &text[PREFIX_HEAD.len()..text.len() - SUFFIX.len()];
            assert_eq!(
                body.matches('<').count(),
                body.matches('>').count(),
                "{body}"
            );
        }
        // Document 2 starts from the second part.
        let doc = String::from_utf8(build_doc(2, 200, &corpus)).unwrap();
        assert!(
            doc.contains("</title></head><body>\n<a href=x>gamma"),
            "{doc}"
        );
    }
}
