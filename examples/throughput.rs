//! Native parse throughput on the corpus (the benchmark's native column).
use event_loop_lab::lab::work::analyze;
use std::time::Instant;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static/corpus");
    let mut html = String::new();
    for e in std::fs::read_dir(dir).expect("corpus") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "html") {
            html.push_str(&std::fs::read_to_string(p).expect("page"));
        }
    }
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed().as_secs_f64() < 2.0 {
        std::hint::black_box(analyze(&html, &event_loop_lab::lab::scenario::Scenario::with_cores(1).query));
        rounds += 1;
    }
    let mb = html.len() as f64 * rounds as f64 / 1e6;
    println!("native: {:.1} MB/s", mb / start.elapsed().as_secs_f64());
}
