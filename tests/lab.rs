//! Native tests of the pure core on real inputs: the scenario's URL codec and the
//! heavy work on the shipped corpus.
#![cfg(not(target_arch = "wasm32"))]

use event_loop_lab::lab::scenario::{FetchStrategy, ParamNotice, ParseStrategy, Scenario};
use event_loop_lab::lab::work::{analyze, Analyzer, WorkSummary};

fn defaults() -> Scenario {
    Scenario::with_cores(2)
}

fn corpus() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static/corpus");
    let index = std::fs::read_to_string(format!("{dir}/index.json")).expect("corpus index");
    let files: serde_json::Value = serde_json::from_str(&index).expect("index is JSON");
    files["files"]
        .as_array()
        .expect("files array")
        .iter()
        .map(|f| {
            let name = f.as_str().expect("file name").to_string();
            let html = std::fs::read_to_string(format!("{dir}/{name}")).expect("corpus page");
            (name, html)
        })
        .collect()
}

#[test]
fn query_sets_every_field() {
    let (s, notices) = Scenario::from_query(
        "?docs=6&latency=600&size=64&fetch=sequential&parse=worker&workers=3&fail=2,5&query=spawn+a%20thread",
        &defaults(),
    );
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        (s.docs, s.latency_ms, s.size_kib, s.workers),
        (6, 600, 64, 3)
    );
    assert_eq!(
        (s.fetch, s.parse),
        (FetchStrategy::Sequential, ParseStrategy::Worker)
    );
    assert_eq!(s.fail.iter().map(|f| f.doc).collect::<Vec<_>>(), vec![2, 5]);
    assert_eq!(s.query, "spawn a thread");
    let (again, notices) = Scenario::from_query(&s.to_query(), &defaults());
    assert!(notices.is_empty());
    assert_eq!(again, s);
}

#[test]
fn bad_values_fall_back_with_a_notice_each() {
    let (s, notices) = Scenario::from_query(
        "docs=abc&fetch=sideways&latency=-5&size=1e3&parse=",
        &defaults(),
    );
    let d = defaults();
    assert_eq!(
        (s.docs, s.fetch, s.latency_ms, s.size_kib, s.parse),
        (d.docs, d.fetch, 0, d.size_kib, d.parse)
    );
    assert_eq!(notices.len(), 5, "{notices:?}");
    assert_eq!(
        notices[0].to_string(),
        "docs=\"abc\" is not a whole number; using 6"
    );
    assert_eq!(
        notices[2].to_string(),
        "latency=-5 is outside 0–5000; using 0"
    );
    assert!(matches!(notices[1], ParamNotice::UnknownChoice { .. }));
}

#[test]
fn out_of_range_takes_the_nearest_limit() {
    let (s, notices) = Scenario::from_query("docs=100000&workers=0&size=99999999", &defaults());
    // The nearest limits, 64 × 8192 KiB, are then over the memory budget: the size
    // that fits, with a fourth notice.
    assert_eq!((s.docs, s.workers, s.size_kib), (64, 1, 4096));
    assert_eq!(notices.len(), 4);
    assert!(matches!(
        notices[3],
        ParamNotice::OverMemoryBudget {
            size_kib: 8192,
            used_kib: 4096,
            ..
        }
    ));
}

#[test]
fn unknown_keys_are_ignored_and_junk_never_panics() {
    for q in [
        "",
        "?",
        "&&",
        "=",
        "x=1",
        "docs",
        "docs=%",
        "docs=%zz",
        "fail=0",
        "fail=a,b",
        "query=%F0%9F",
    ] {
        let _ = Scenario::from_query(q, &defaults());
    }
    let (_, notices) = Scenario::from_query("embed=1&theme=dark", &defaults());
    assert!(notices.is_empty());
}

#[test]
fn every_corpus_page_has_links_words_and_the_same_result_however_sliced() {
    for (name, html) in corpus() {
        let whole = analyze(&html, "thread spawn");
        assert!(whole.links > 10, "{name}: {whole:?}");
        assert!(whole.words > 500, "{name}: {whole:?}");
        for budget in [512, 4096, 65_536] {
            let mut a = Analyzer::new(&html, "thread spawn");
            while !a.step(budget) {}
            assert_eq!(a.finish(), whole, "{name} in steps of {budget} bytes");
        }
    }
}

#[test]
fn script_text_is_not_indexed_on_real_pages() {
    // rustdoc pages carry inline scripts; none of their identifiers may count as words.
    for (name, html) in corpus() {
        let s = analyze(&html, "getelementbyid");
        assert_eq!(s.hits, 0, "{name}");
    }
}

#[test]
fn the_not_utf8_document_is_latin1_and_refused_with_the_offset_of_its_first_bad_byte() {
    use event_loop_lab::lab::body::{check_length, decode_document, MAX_DOCUMENT_BYTES};
    use event_loop_lab::lab::corpus::{not_utf8_doc, PREFIX_HEAD, PREFIX_TAIL};
    use event_loop_lab::lab::error::LabError;
    let bytes = not_utf8_doc(3);
    let offset = format!("{PREFIX_HEAD}3{PREFIX_TAIL}<p>caf").len();
    assert_eq!(bytes[offset], 0xe9, "é in Latin-1");
    assert_eq!(
        decode_document(bytes, Some("text/html")),
        Err(LabError::NotUtf8 { offset })
    );
    assert!(check_length(Some(MAX_DOCUMENT_BYTES as u64)).is_ok());
    assert_eq!(
        check_length(Some(MAX_DOCUMENT_BYTES as u64 + 1))
            .unwrap_err()
            .to_string(),
        "the document is 16777217 bytes; the limit is 16777216"
    );
    assert!(check_length(None).is_ok());
}

#[test]
fn text_without_markup_is_cut_between_words_with_the_same_result() {
    // 550 kB of prose and no tag at all: before, one slice; now, cut between words.
    let prose = "spawn a thread, await the future; threads and futures. ".repeat(10_000);
    let whole = analyze(&prose, "thread spawn future");
    assert!(whole.words > 75_000 && whole.hits > 25_000, "{whole:?}");
    for budget in [1, 100, 4096, 65_536] {
        let mut a = Analyzer::new(&prose, "thread spawn future");
        let mut steps = 0;
        while !a.step(budget) {
            steps += 1;
        }
        assert_eq!(a.finish(), whole, "in steps of {budget} bytes");
        if budget == 65_536 {
            assert!(steps >= prose.len() / 65_536 - 1, "{steps} steps: not cut");
        }
    }
}

/// A small deterministic generator (xorshift64*), so the inputs are the same every run.
struct Inputs(u64);

impl Inputs {
    /// Input number `i` of a generated set, in turn: random bytes (up to `max`), tag
    /// soup (up to 2 × `max`), and a piece of a corpus page damaged in a few places.
    fn input(&mut self, i: usize, pages: &[String], max: usize) -> String {
        match i % 3 {
            0 => {
                let len = self.below(max);
                self.random_bytes(len)
            }
            1 => {
                let len = self.below(2 * max);
                self.tag_soup(len)
            }
            _ => {
                let page = &pages[self.below(pages.len())];
                let mut start = self.below(page.len() / 2);
                while !page.is_char_boundary(start) {
                    start -= 1;
                }
                let piece: String = page[start..].chars().take(max + max / 2).collect();
                let edits = 1 + self.below(8);
                self.mutate(&piece, edits)
            }
        }
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn random_bytes(&mut self, len: usize) -> String {
        let bytes: Vec<u8> = (0..len).map(|_| self.next() as u8).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn tag_soup(&mut self, len: usize) -> String {
        const PIECES: [&str; 40] = [
            "<a href=",
            "<a href='x'>",
            "</a>",
            "<script>",
            "</script>",
            "<style>",
            "</style",
            "<!--",
            "-->",
            "<",
            ">",
            "&amp",
            "&#x",
            ";",
            "\"",
            "'",
            " ",
            "word",
            "thread",
            "<div",
            "<p>",
            "</",
            "\0",
            "<!doctype",
            "<!doctype html",
            "<!-->",
            "--->",
            "<SCRIPT>",
            "</Script >",
            "<style/>",
            "<script/>",
            "<textarea>",
            "=",
            "\n",
            "\t",
            "/",
            "< ",
            "<!x ",
            "caf\u{e9} \u{1f980}",
            "<a href=x/y>",
        ];
        let mut out = String::new();
        while out.len() < len {
            out.push_str(PIECES[self.below(PIECES.len())]);
        }
        out
    }

    fn mutate(&mut self, page: &str, edits: usize) -> String {
        let mut bytes = page.as_bytes().to_vec();
        for _ in 0..edits {
            let at = self.below(bytes.len().max(1));
            match self.below(3) {
                0 => bytes.truncate(at),
                1 => bytes.insert(at.min(bytes.len()), b"<>\"'&/"[self.below(6)]),
                _ => {
                    if at < bytes.len() {
                        bytes.remove(at);
                    }
                }
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[test]
fn the_parser_survives_ten_thousand_generated_inputs_whole_and_sliced() {
    // On the main thread a panic in the work would take the page down (in a worker it
    // only kills the worker): no input may make it panic.
    let pages: Vec<String> = corpus().into_iter().map(|(_, html)| html).collect();
    let mut gen = Inputs(0x5eed_1234_abcd_ef01);
    for i in 0..10_000 {
        let input = gen.input(i, &pages, 2048);
        let whole = analyze(&input, "thread word");
        // Run to completion, sliced too: no input may panic either way, and the
        // result is the whole one (see `a_cut_anywhere_gives_the_same_result`).
        let mut a = Analyzer::new(&input, "thread word");
        while !a.step(1 + gen.below(512)) {}
        let sliced = a.finish();
        assert_eq!(sliced, whole, "input {i}: {input:?}");
        assert!(whole.words <= input.len() as u32 && sliced.words <= input.len() as u32);
    }
}

#[test]
fn deep_nesting_and_huge_attributes_do_not_break_the_parser() {
    let mut html = String::from("<p>thread</p>");
    html.push_str(&"<div><span>".repeat(10_000));
    html.push_str("deep thread");
    html.push_str(&"</span></div>".repeat(10_000));
    html.push_str(&format!(
        "<a href=\"x\" title=\"{}\">link</a>",
        "a".repeat(1 << 20)
    ));
    html.push_str("&amp &lt &#x41 &#65 \0 <a href=javascript:alert(1)>j</a>");
    let s = analyze(&html, "thread");
    assert_eq!(s.links, 2);
    assert_eq!(s.hits, 2);
}

#[test]
fn the_hostile_document_is_parsed_like_any_other() {
    use event_loop_lab::lab::body::decode_document;
    use event_loop_lab::lab::corpus::hostile_doc;
    let html = decode_document(hostile_doc(2), Some("text/html")).expect("it is UTF-8 HTML");
    let s = analyze(&html, "thread");
    // The javascript: link, the page link and the one inside <svg>.
    assert_eq!(s.links, 3, "{s:?}");
    // "thread" in two links and deep inside the nesting, never in the script.
    assert_eq!(s.hits, 3, "{s:?}");
    let mut a = Analyzer::new(&html, "thread");
    while !a.step(4096) {}
    assert_eq!(a.finish(), s);
}

/// Runs the work in steps whose budgets `budget` chooses, step by step.
fn sliced(
    html: &str,
    query: &str,
    long_token: usize,
    mut budget: impl FnMut() -> usize,
) -> WorkSummary {
    let mut a = Analyzer::new(html, query).with_long_token_limit(long_token);
    while !a.step(budget()) {}
    a.finish()
}

#[test]
fn a_cut_anywhere_gives_the_same_result() {
    // A step of 1 byte cuts at every place the cutter allows; random steps cut at
    // random ones of them. Either way the parser must see the tokens it sees in the
    // whole document: on damaged input too, where its idea of a tag is not HTML's.
    use event_loop_lab::lab::body::decode_document;
    use event_loop_lab::lab::corpus::hostile_doc;
    let pages: Vec<String> = corpus().into_iter().map(|(_, html)| html).collect();
    let hostile = decode_document(hostile_doc(4), Some("text/html")).expect("UTF-8 HTML");
    let mut gen = Inputs(0x0c07_a11e_5eed_0009);
    let mut inputs: Vec<String> = pages.clone();
    inputs.push(hostile);
    for i in 0..3_000 {
        inputs.push(gen.input(i, &pages, 1024));
    }
    for (i, input) in inputs.iter().enumerate() {
        let whole = analyze(input, "thread word");
        let every = sliced(input, "thread word", usize::MAX, || 1);
        assert_eq!(
            every,
            whole,
            "input {i}, cut everywhere: {:?}",
            short(input)
        );
        let mut rng = Inputs(gen.next() | 1);
        let random = sliced(input, "thread word", usize::MAX, || 1 + rng.below(300));
        assert_eq!(
            random,
            whole,
            "input {i}, cut at random: {:?}",
            short(input)
        );
        // Tags and comments past a tiny long-token limit are read by the cutter's
        // mirror of the parser instead of the parser: it must count the same links.
        let limit = 1 + rng.below(16);
        let mirrored = sliced(input, "thread word", limit, || 1 + rng.below(300));
        assert_eq!(
            mirrored,
            whole,
            "input {i}, long tokens over {limit}: {:?}",
            short(input)
        );
    }
}

/// The input's first 400 bytes or so, for a failure message.
fn short(s: &str) -> &str {
    let mut end = s.len().min(400);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[test]
fn one_enormous_tag_is_read_in_steps_with_the_same_result() {
    // One `tl` token of 8 MiB: `tl` reads it in one piece in about 100 ms (native,
    // release), so the work reads it in steps with its mirror, one budget at a time.
    for html in [
        format!("<p>thread</p><a href=x {}>thread</a>", "y ".repeat(4 << 20)),
        format!(
            "<p>thread</p><a href=x title=\"{}\">thread</a>",
            "y".repeat(8 << 20)
        ),
        format!("<p>thread</p>a < b {}", "thread ".repeat(1 << 20)),
        format!("<p>thread</p><!--{}--><a href=x>", "- >".repeat(2 << 20)),
    ] {
        let mut a = Analyzer::new(&html, "thread");
        let mut steps = 0;
        while !a.step(64 * 1024) {
            steps += 1;
        }
        let expected = html.len() / (64 * 1024) - 2;
        assert!(
            steps >= expected,
            "{steps} steps: read in one piece: {}",
            short(&html[12..])
        );
        let whole = tl_only(&html, "thread");
        assert_eq!(a.finish(), whole, "{}", short(&html));
    }
}

/// The work with no long-token reading at all: every token goes to `tl`.
fn tl_only(html: &str, query: &str) -> WorkSummary {
    let mut a = Analyzer::new(html, query).with_long_token_limit(usize::MAX);
    while !a.step(usize::MAX) {}
    a.finish()
}
