//! Native throughput of the heavy work on the corpus (the benchmark's "native" row).
//!
//! Runs the real `lab::work::analyze` with the app's default query over every page of
//! `static/corpus` (concatenated, in file-name order), repeatedly for about 2 s after one
//! warm-up pass, and prints ONE line of JSON on stdout (MB = 10^6 bytes):
//!
//! ```text
//! {"bench":"native_throughput","corpus_files":8,"corpus_bytes":1042736,"rounds":25,"seconds":2.014,"mb_per_s":12.94}
//! ```
//!
//! Run with `cargo run --release --example throughput` (scripts/bench.sh does).
use event_loop_lab::lab::scenario::Scenario;
use event_loop_lab::lab::work::analyze;
use std::time::Instant;

/// How long to measure, seconds.
const MEASURE_S: f64 = 2.0;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static/corpus");
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "no .html pages in {dir}");
    let html: String = pages
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("page"))
        .collect();
    let query = Scenario::with_cores(1).query;

    // Warm-up: page faults, allocator, caches.
    std::hint::black_box(analyze(std::hint::black_box(&html), &query));

    let start = Instant::now();
    let mut rounds = 0u64;
    while start.elapsed().as_secs_f64() < MEASURE_S {
        std::hint::black_box(analyze(std::hint::black_box(&html), &query));
        rounds += 1;
    }
    let seconds = start.elapsed().as_secs_f64();
    let mb = html.len() as f64 * rounds as f64 / 1e6;
    println!(
        "{{\"bench\":\"native_throughput\",\"corpus_files\":{},\"corpus_bytes\":{},\"rounds\":{},\"seconds\":{:.3},\"mb_per_s\":{:.2}}}",
        pages.len(),
        html.len(),
        rounds,
        seconds,
        mb / seconds
    );
}
