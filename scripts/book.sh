#!/usr/bin/env bash
# Builds the project's book (book/, mdBook) with the lab inside it: one folder a static
# host can serve, target/book/ (the chapters, and the app's release build in lab/).
#
#   scripts/book.sh            # build
#   scripts/book.sh --serve    # build, then serve it gzipped on http://127.0.0.1:${PORT:-8090}/guide/
#
# Environment: LAB_DIST, a release build of the app to put in lab/ instead of building
# one (scripts/test.sh passes the one it has just built); BOOK_OUT, where to build
# (default target/book; the benchmark builds its own).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

serve=0
for arg in "$@"; do
  case "$arg" in
    --serve) serve=1 ;;
    *) echo "book.sh: unknown argument: $arg (usage: book.sh [--serve])" >&2; exit 2 ;;
  esac
done

# shellcheck source=scripts/setup.sh
source scripts/setup.sh --book

# The preprocessor, from this workspace: mdBook finds it on PATH by the command in
# book.toml. A broken preprocessor fails the build here.
cargo build --release --quiet -p mdbook-event-loop-lab
PATH="$PWD/target/release:$PATH"

lab_dist="${LAB_DIST:-target/book-lab}"
if [[ -z "${LAB_DIST:-}" ]]; then
  trunk --skip-version-check build --offline=true --release --public-url ./ --dist "$lab_dist"
fi

out="${BOOK_OUT:-target/book}"
rm -rf "$out"
mdbook build book -d "$PWD/$out"
cp -r "$lab_dist" "$out/lab"
echo "book.sh: built $out/ (the lab in $out/lab/)"

if ((serve)); then
  port="${PORT:-8090}"
  echo "book.sh: http://127.0.0.1:$port/guide/"
  E2E_PORT="$port" E2E_BOOK="$out" E2E_DIST="$out/lab" E2E_GZIP=1 exec node tests/e2e/server.mjs
fi
