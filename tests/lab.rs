//! Native tests of the pure core on real inputs: the scenario's URL codec and the
//! heavy work on the shipped corpus.
#![cfg(not(target_arch = "wasm32"))]

use event_loop_lab::lab::scenario::{FetchStrategy, ParamNotice, ParseStrategy, Scenario};
use event_loop_lab::lab::work::{analyze, Analyzer};

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
    assert_eq!((s.docs, s.latency, s.size, s.workers), (6, 600, 64, 3));
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
        (s.docs, s.fetch, s.latency, s.size, s.parse),
        (d.docs, d.fetch, 0, d.size, d.parse)
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
    assert_eq!((s.docs, s.workers, s.size), (64, 1, 8192));
    assert_eq!(notices.len(), 3);
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
