#!/usr/bin/env bash
# Serves the app for development: builds into dist/ (release profile) and rebuilds on change.
#
#   scripts/serve.sh [extra trunk serve args]      PORT=9000 scripts/serve.sh
#
# Then open http://127.0.0.1:${PORT:-8080}/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/setup.sh
source scripts/setup.sh --

# --offline: trunk must never try to download wasm-bindgen/wasm-opt (setup.sh put them on PATH).
exec trunk --skip-version-check serve --offline=true --release \
  --address 127.0.0.1 --port "${PORT:-8080}" "$@"
