#!/usr/bin/env bash
# Installs (only when missing or at the wrong version) everything the build needs,
# without downloading anything from GitHub: only crates.io, npm and Debian are used.
#
#   scripts/setup.sh          # rust targets/components, trunk, wasm-bindgen, wasm-opt
#   scripts/setup.sh --book   # ... plus mdBook (the project's book, scripts/book.sh)
#   scripts/setup.sh --test   # ... plus mdBook, Chromium + chromedriver, Firefox ESR +
#                             #     geckodriver, and the e2e node deps
#   source scripts/setup.sh [--test]
#       same, and the caller's PATH then has the tools on it (serve.sh and test.sh do this).
#
# Idempotent: a second run only asks each tool for its version (a few seconds).
#
# Environment:
#   EVENT_LOOP_LAB_TOOLS  where wasm-opt (npm `binaryen`) is installed
#                         (default: ${XDG_CACHE_HOME:-$HOME/.cache}/event-loop-lab/tools)

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  _ell_sourced=0
else
  _ell_sourced=1
fi

_ell_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ELL_TOOLS="${EVENT_LOOP_LAB_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/event-loop-lab/tools}"

_ell_path_prepend() {
  case ":$PATH:" in
    *":$1:"*) ;;
    *) PATH="$1:$PATH" ;;
  esac
}
# cargo's bin dir (where `cargo install` puts trunk and wasm-bindgen), then wasm-opt from npm.
_ell_path_prepend "${CARGO_HOME:-$HOME/.cargo}/bin"
_ell_path_prepend "$ELL_TOOLS/node_modules/.bin"
export PATH ELL_TOOLS

_ell_setup() {
  local want_test=0 want_book=0 arg
  for arg in "$@"; do
    case "$arg" in
      --test) want_test=1 want_book=1 ;;
      --book) want_book=1 ;;
      --) ;;
      *) echo "setup: unknown argument: $arg (usage: setup.sh [--book] [--test])" >&2; return 2 ;;
    esac
  done
  cd "$_ell_root"

  local BINARYEN_VERSION=132 ESBUILD_VERSION=0.28.2 TRUNK_VERSION=0.21.14 WASM_TARGET=wasm32-unknown-unknown
  # The preprocessor's mdbook-preprocessor crate is pinned to the same version.
  local MDBOOK_VERSION=0.5.4
  # Test-only: geckodriver drives Firefox ESR for the wasm tests and the Firefox smoke test.
  local GECKODRIVER_VERSION=0.37.1

  # --- Rust: wasm target, rustfmt, clippy -------------------------------------------------
  command -v rustup >/dev/null || { echo "setup: rustup not found (install Rust via rustup first)" >&2; return 1; }
  if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
    rustup target add "$WASM_TARGET"
  fi
  echo "setup: $(rustc --version | awk '{print "rustc " $2}') + $WASM_TARGET ok"
  local comp
  for comp in rustfmt clippy; do
    if ! cargo "${comp/rustfmt/fmt}" --version >/dev/null 2>&1; then
      rustup component add "$comp"
    fi
    echo "setup: $comp ok"
  done

  # --- trunk ------------------------------------------------------------------------------
  if [[ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]]; then
    echo "setup: installing trunk $TRUNK_VERSION (takes several minutes)"
    cargo install --locked trunk --version "$TRUNK_VERSION" --force
  fi
  echo "setup: trunk $(trunk --version | awk '{print $2}') ok"

  # --- wasm-bindgen CLI (+ wasm-bindgen-test-runner), same version as in Cargo.lock -------
  [[ -f Cargo.lock ]] || { echo "setup: Cargo.lock is missing (run: cargo generate-lockfile)" >&2; return 1; }
  local wbg_version
  wbg_version="$(awk '
    /^\[\[package\]\]/ { in_wbg = 0 }
    /^name = "wasm-bindgen"$/ { in_wbg = 1 }
    in_wbg && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock)"
  [[ -n "$wbg_version" ]] || { echo "setup: no wasm-bindgen package in Cargo.lock" >&2; return 1; }
  if [[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg_version" ||
        "$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')" != "$wbg_version" ]]; then
    echo "setup: installing wasm-bindgen-cli $wbg_version (takes several minutes)"
    if ! cargo install --locked wasm-bindgen-cli --version "$wbg_version" --force; then
      # The crate's own lock file can name a version that the registry no longer serves
      # (seen: webpki-roots 1.0.11 for wasm-bindgen-cli 0.2.130). Resolve afresh then,
      # preferring dependency versions that support this rustc.
      echo "setup: --locked install failed; retrying with a fresh resolution" >&2
      CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback \
        cargo install wasm-bindgen-cli --version "$wbg_version" --force
    fi
  fi
  echo "setup: wasm-bindgen $(wasm-bindgen --version | awk '{print $2}') ok (matches Cargo.lock)"

  # --- wasm-opt: npm `binaryen` (binaryen compiled to wasm; Debian's 108 is too old) ------
  local wasm_opt="$ELL_TOOLS/node_modules/.bin/wasm-opt"
  command -v node >/dev/null || { echo "setup: node (>= 20) not found" >&2; return 1; }
  if ! "$wasm_opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b"; then
    mkdir -p "$ELL_TOOLS"
    # Its own package.json, so npm installs here and does not walk up to a parent project.
    [[ -f "$ELL_TOOLS/package.json" ]] ||
      printf '{\n  "name": "event-loop-lab-tools",\n  "private": true\n}\n' >"$ELL_TOOLS/package.json"
    (cd "$ELL_TOOLS" && npm install --no-audit --no-fund --save-exact "binaryen@$BINARYEN_VERSION")
  fi
  echo "setup: wasm-opt $("$wasm_opt" --version | awk '{print $3}') ok"

  # --- esbuild: minifies a release build's scripts and stylesheet (scripts/minify.mjs) ---
  local esbuild="$ELL_TOOLS/node_modules/.bin/esbuild"
  if [[ "$("$esbuild" --version 2>/dev/null)" != "$ESBUILD_VERSION" ]]; then
    (cd "$ELL_TOOLS" && npm install --no-audit --no-fund --save-exact "esbuild@$ESBUILD_VERSION")
  fi
  echo "setup: esbuild $("$esbuild" --version) ok"

  # --- mdBook (the book; its preprocessor is built from this workspace by book.sh) -------
  if ((want_book)); then
    if [[ "$(mdbook --version 2>/dev/null | awk '{print $2}')" != "v$MDBOOK_VERSION" ]]; then
      echo "setup: installing mdbook $MDBOOK_VERSION (takes a few minutes)"
      cargo install --locked mdbook --version "$MDBOOK_VERSION" --force
    fi
    echo "setup: mdbook $(mdbook --version | awk '{print $2}') ok"
  fi

  ((want_test)) || return 0

  # --- node ------------------------------------------------------------------------------
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  ((node_major >= 20)) || { echo "setup: node >= 20 needed for Playwright, found $(node --version)" >&2; return 1; }
  echo "setup: node $(node --version) ok"

  # --- Chromium + chromedriver, Firefox ESR from Debian (one apt run for what is missing) -
  local apt_missing=()
  [[ -x /usr/bin/chromium ]] || apt_missing+=(chromium)
  [[ -x /usr/bin/chromedriver ]] || apt_missing+=(chromium-driver)
  [[ -x /usr/bin/firefox-esr ]] || apt_missing+=(firefox-esr)
  if ((${#apt_missing[@]})); then
    local sudo=()
    if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null; then sudo=(sudo); fi
    echo "setup: installing ${apt_missing[*]} (apt)"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_missing[@]}"
  fi
  echo "setup: $(/usr/bin/chromium --version 2>/dev/null | awk '{print tolower($1) " " $2}') ok"
  echo "setup: chromedriver $(/usr/bin/chromedriver --version | awk '{print $2}') ok"
  echo "setup: firefox-esr $(/usr/bin/firefox-esr --version 2>/dev/null | awk '{print $3}') ok"

  # --- geckodriver (WebDriver for Firefox): Debian has none, crates.io has its source ----
  if [[ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 {print $2}')" != "$GECKODRIVER_VERSION" ]]; then
    echo "setup: installing geckodriver $GECKODRIVER_VERSION (takes a few minutes)"
    cargo install --locked geckodriver --version "$GECKODRIVER_VERSION" --force
  fi
  echo "setup: geckodriver $(geckodriver --version | awk 'NR == 1 {print $2}') ok"

  # --- Playwright (tests/e2e); never `npx playwright install`: it downloads a browser ----
  local e2e="$_ell_root/tests/e2e"
  if [[ ! -f "$e2e/node_modules/.package-lock.json" ||
        "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]]; then
    (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
  echo "setup: playwright $("$e2e/node_modules/.bin/playwright" --version | awk '{print $2}') ok"
}

if ((_ell_sourced)); then
  # A subshell with strict mode, so sourcing doesn't change the caller's shell options.
  # (Not in an `||` list: bash would then ignore `set -e` inside it.)
  ( set -euo pipefail; _ell_setup "$@" )
  _ell_rc=$?
  unset -f _ell_setup _ell_path_prepend
  return "$_ell_rc"
else
  _ell_setup "$@"
fi
