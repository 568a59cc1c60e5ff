#!/usr/bin/env bash
# The size check: prints, for a release build, the gzip -9 and brotli (quality 11) size of
# every file a fresh page
# downloads before its first worker run (tests/e2e/first-load.spec.mjs lists them; the
# corpus aside, which the simulator loads), their total against the budget in book/src/benchmark.md
# ("Size budget: **N KiB**"), and the biggest items of the wasm module as twiggy sees them
# in a profiling copy that keeps its function names. Exits 1 past the budget.
#
#   scripts/size.sh               builds the release app into target/bench-dist first
#   scripts/size.sh DIST          checks an existing build (scripts/bench.sh passes its own)
#
# Environment (optional): SIZE_TWIGGY=0 skips the twiggy profile; SIZE_TOP=N items (15).
# twiggy is installed here (cargo install, once) and not by setup.sh: only this needs it.
# Idempotent; non-interactive; prints markdown on stdout, progress on stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TWIGGY_VERSION="0.8.0"
BENCH_TARGET_DIR="target/bench"
PROFILE_DIR="target/size-profile"
FILES=(index.html style.css first-screen.js boot.js app.js app_bg.wasm sw.js)

say() { printf 'size.sh: %s\n' "$*" >&2; }

dist="${1:-}"
set -- # setup.sh reads the arguments of whoever sources it
# shellcheck source=scripts/setup.sh
source scripts/setup.sh >&2

if [[ -z "$dist" ]]; then
  dist="target/bench-dist"
  say "release build -> $dist"
  rm -rf "$dist"
  CARGO_TARGET_DIR="$BENCH_TARGET_DIR" \
    trunk --skip-version-check build --offline=true --release --public-url ./ --dist "$dist" >&2
fi

budget_kib="$(grep -oE 'Size budget: \*\*[0-9]+ KiB\*\*' book/src/benchmark.md | grep -oE '[0-9]+' | head -1 || true)"
[[ -n "$budget_kib" ]] || { say "book/src/benchmark.md has no 'Size budget: **N KiB**'"; exit 2; }

# Brotli as static hosts serve it (quality 11), by node's zlib.
brotli_bytes() { node -e 'process.stdout.write(String(require("zlib").brotliCompressSync(require("fs").readFileSync(process.argv[1]), { params: { [require("zlib").constants.BROTLI_PARAM_QUALITY]: 11 } }).length))' "$1"; }

echo "| file | bytes | gzip -9 | brotli 11 |"
echo "|---|---:|---:|---:|"
total=0
total_gz=0
total_br=0
for f in "${FILES[@]}"; do
  [[ -f "$dist/$f" ]] || { say "$dist/$f is missing"; exit 2; }
  bytes=$(wc -c <"$dist/$f")
  gz=$(gzip -9c "$dist/$f" | wc -c)
  br=$(brotli_bytes "$dist/$f")
  total=$((total + bytes))
  total_gz=$((total_gz + gz))
  total_br=$((total_br + br))
  echo "| $f | $bytes | $gz | $br |"
done
total_kib=$(awk -v b="$total_gz" 'BEGIN { printf "%.1f", b / 1024 }')
total_br_kib=$(awk -v b="$total_br" 'BEGIN { printf "%.1f", b / 1024 }')
echo "| **total before the first worker run** | $total | **$total_gz ($total_kib KiB)** | **$total_br ($total_br_kib KiB)** |"
echo
over=$(awk -v b="$total_gz" -v k="$budget_kib" 'BEGIN { print (b > k * 1024) ? 1 : 0 }')
if ((over)); then
  verdict="OVER the budget of $budget_kib KiB by $(awk -v b="$total_gz" -v k="$budget_kib" 'BEGIN { printf "%.1f", b / 1024 - k }') KiB"
else
  verdict="within the budget of $budget_kib KiB"
fi
echo "Total gzip: $total_kib KiB, $verdict."

if [[ "${SIZE_TWIGGY:-1}" != 0 ]]; then
  if ! command -v twiggy >/dev/null || [[ "$(twiggy --version 2>/dev/null)" != *" $TWIGGY_VERSION" ]]; then
    say "installing twiggy $TWIGGY_VERSION (cargo install, once)"
    cargo install --locked --quiet twiggy --version "$TWIGGY_VERSION" >&2
  fi
  # The same module as the build's, with its function names: wasm-bindgen as trunk calls
  # it, then wasm-opt -Oz and index.html's own wasm-opt params, with -g (keep names).
  # Only when the cargo artifact is there.
  artifact="$BENCH_TARGET_DIR/wasm32-unknown-unknown/release/app.wasm"
  if [[ -f "$artifact" ]]; then
    rm -rf "$PROFILE_DIR" && mkdir -p "$PROFILE_DIR/bindgen"
    wasm-bindgen --target=web --no-typescript --out-dir "$PROFILE_DIR/bindgen" --out-name app "$artifact" >&2
    read -ra opt_params < <(grep -oE 'data-wasm-opt-params="[^"]*"' index.html | cut -d'"' -f2)
    wasm-opt -Oz "${opt_params[@]}" -g "$PROFILE_DIR/bindgen/app_bg.wasm" --output="$PROFILE_DIR/app_bg.wasm" >&2
    echo
    top="${SIZE_TOP:-15}"
    shipped=$(wc -c <"$dist/app_bg.wasm")
    echo "Top $top items of app_bg.wasm (twiggy top: shallow bytes before gzip, in a copy that keeps its names; % of the shipped $shipped bytes):"
    echo
    echo "| bytes | % | item |"
    echo "|---:|---:|---|"
    twiggy top -n "$((top + 5))" -f csv "$PROFILE_DIR/app_bg.wasm" | tail -n +2 |
      awk -F, -v top="$top" -v shipped="$shipped" '
        { name = $1; for (i = 2; i <= NF - 4; i++) name = name "," $i; gsub(/"/, "", name)
          if (name ~ /names subsection/ || shown >= top) next
          gsub(/\|/, "\\|", name); if (length(name) > 110) name = substr(name, 1, 107) "..."
          printf "| %d | %.1f | `%s` |\n", $(NF - 3), 100 * $(NF - 3) / shipped, name; shown++ }'
  else
    say "no $artifact: run without DIST (or scripts/bench.sh) for the twiggy profile"
  fi
fi

((over == 0)) || exit 1
