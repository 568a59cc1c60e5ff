#!/usr/bin/env bash
# Benchmarks the heavy work and the three parse strategies, side by side, in one run,
# and prints ONE markdown table (stdout; progress goes to stderr):
#   1. work throughput, MB/s: native, wasm on the main thread, wasm in one worker
#   2. worker-pool speedup for k = 1, 2, 4 (default scenario, latency 0)
#   3. main-thread cost of handing a document to a worker, ms per MB
#   4. per strategy (and per yield kind of `sliced`) on the default scenario: share of
#      slow frames, longest long task, long-task count,
#      longest gap between animation frames, and the run's total time
#   5. a small worker run right after cancelling a heavy one mid-parse, against the
#      same run on a clean pool (the ratio shows whether cancel stopped the work)
#   6. a fresh page (cold cache, served gzipped): navigation -> "ready" and -> its first
#      worker run done, without and with CDP throttling (1.6 Mbit/s, 150 ms RTT, CPU 4x)
#   7. the hostile document's parse time per byte on the main thread, against corpus
#      documents of the same size (the parser should stay within its usual time per byte)
#   8. the lab's own main-thread time during worker runs (a Chrome trace through CDP), at
#      full speed and at CPU 4x, workers=1 and 2, default scenario and 32 documents
#   9. phone-class CPU (4x): a fresh page's first worker run and a later one, long tasks
#      and the longest frame gap by the page's own observers
#  10. the book's page of seven step embeds: the renderer's private memory and the
#      dedicated workers, against a chapter with none (scripts/book.sh builds the book)
#  11. the size check (scripts/size.sh): gzip size of every file a page downloads before
#      its first worker run, and twiggy's biggest items; exits 1 past the budget
#  12. Lighthouse 13, mobile defaults, for ./, ./?lesson=3 and ./?embed=1&lesson=4
#      (tests/e2e/lighthouse.mjs): performance, LCP, CLS, TBT, accessibility; exits 1 if
#      one misses the issue's target. Lighthouse is installed here, once, into
#      target/lighthouse (only this needs it).
# The same data, with every individual run, goes to target/bench.json.
#
#   scripts/bench.sh                  (about 6-8 minutes on a 2-core machine once built)
#   scripts/bench.sh > bench.md       (just the table)
#
# Steps: setup (tools, Chromium, e2e node modules), release build into target/bench-dist
# (cargo target dir target/bench, so it never shares a build or a lock with test.sh), the
# native example, then tests/e2e/bench.mjs, which serves the build itself on 127.0.0.1:4179
# and drives headless Chromium. Nothing is left running afterwards, also on error or Ctrl-C.
# Idempotent; non-interactive.
#
# Environment (all optional):
#   BENCH_PORT  port of the bench's static server (default 4179; the e2e tests use 4178)
#   BENCH_RUNS  measured runs per config, each after one warm-up run (default 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

BENCH_TARGET_DIR="target/bench"
BENCH_DIST_DIR="target/bench-dist"
NATIVE_JSON="target/bench-native.json"
BENCH_JSON="target/bench.json"
started=$SECONDS

say() { printf 'bench.sh: %s\n' "$*" >&2; }

node_pid=""
on_exit() {
  local rc=$?
  if [[ -n "$node_pid" ]] && kill -0 "$node_pid" 2>/dev/null; then
    # bench.mjs closes its browser and server on SIGTERM (Playwright kills Chromium).
    kill -TERM "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  if ((rc != 0)); then
    say "FAILED (exit $rc) after $((SECONDS - started)) s"
  fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p target
# One bench at a time: two would share the build dir, the port and the CPU.
if command -v flock >/dev/null; then
  exec 9>target/bench.lock
  flock -n 9 || { say "another scripts/bench.sh is running (target/bench.lock)"; exit 1; }
fi

say "setup (toolchain, Chromium, e2e node modules)"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh --test >&2

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ "$commit" != unknown && -n "$(git status --porcelain 2>/dev/null)" ]]; then
  commit="$commit + uncommitted changes"
fi

say "release build -> $BENCH_DIST_DIR"
rm -rf "$BENCH_DIST_DIR"
CARGO_TARGET_DIR="$BENCH_TARGET_DIR" \
  trunk --skip-version-check build --offline=true --release --public-url ./ --dist "$BENCH_DIST_DIR" >&2
[[ -f "$BENCH_DIST_DIR/index.html" ]] || { say "no $BENCH_DIST_DIR/index.html after the build"; exit 1; }

say "the book with that build inside -> target/bench-book"
BOOK_OUT=target/bench-book LAB_DIST="$BENCH_DIST_DIR" CARGO_TARGET_DIR="$BENCH_TARGET_DIR" scripts/book.sh >&2

say "native throughput (cargo run --release --example throughput)"
CARGO_TARGET_DIR="$BENCH_TARGET_DIR" cargo run --quiet --release --example throughput >"$NATIVE_JSON"
say "native: $(cat "$NATIVE_JSON")"

say "browser runs (tests/e2e/bench.mjs)"
(
  cd tests/e2e
  E2E_BOOK="$ROOT/target/bench-book" \
    BENCH_DIST="$ROOT/$BENCH_DIST_DIR" \
    BENCH_OUT="$ROOT/$BENCH_JSON" \
    BENCH_NATIVE_JSON="$ROOT/$NATIVE_JSON" \
    BENCH_NPROC="$(nproc)" \
    BENCH_COMMIT="$commit" \
    exec node bench.mjs
) &
node_pid=$!
wait "$node_pid"
node_pid=""

# 11. Size: every file a fresh page downloads before its first worker run, gzip -9, against
# the budget in book/src/benchmark.md, and the wasm's biggest items (twiggy). Past the budget the
# benchmark fails, after printing everything.
say "size check (scripts/size.sh)"
echo
size_rc=0
scripts/size.sh "$BENCH_DIST_DIR" || size_rc=$?

# 12. Lighthouse, from npm (pinned), installed only when missing.
LIGHTHOUSE_VERSION="13.5.0"
LIGHTHOUSE_DIR="target/lighthouse"
LIGHTHOUSE_BIN="$ROOT/$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse"
if [[ "$("$LIGHTHOUSE_BIN" --version 2>/dev/null)" != "$LIGHTHOUSE_VERSION" ]]; then
  say "installing lighthouse $LIGHTHOUSE_VERSION into $LIGHTHOUSE_DIR"
  mkdir -p "$LIGHTHOUSE_DIR"
  npm install --prefix "$LIGHTHOUSE_DIR" --no-save --no-audit --no-fund "lighthouse@$LIGHTHOUSE_VERSION" >&2
fi
say "Lighthouse (tests/e2e/lighthouse.mjs)"
echo
lighthouse_rc=0
(cd tests/e2e && LIGHTHOUSE_BIN="$LIGHTHOUSE_BIN" BENCH_DIST="$ROOT/$BENCH_DIST_DIR" \
  BENCH_LIGHTHOUSE_OUT="$ROOT/target/bench-lighthouse.json" node lighthouse.mjs) || lighthouse_rc=$?

say "done in $((SECONDS - started)) s; JSON in $BENCH_JSON and target/bench-lighthouse.json"
if ((lighthouse_rc != 0)); then
  say "FAILED: Lighthouse missed a target of the first-load issue (the table above)"
fi
if ((size_rc == 1)); then
  say "FAILED: the files a page downloads before its first worker run are over the size budget (book/src/benchmark.md)"
  exit 1
elif ((size_rc != 0)); then
  exit "$size_rc"
fi
exit "$lighthouse_rc"
