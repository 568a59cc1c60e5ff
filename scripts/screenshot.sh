#!/usr/bin/env bash
# Makes the README's and the book's picture, book/src/images/run.png, from a real run
# of step 4 in a release build of the app (headless Chromium). Commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh --test
dist=target/e2e-dist
trunk --skip-version-check build --offline=true --release --public-url ./ --dist "$dist"
mkdir -p book/src/images
(cd tests/e2e && E2E_DIST="../../$dist" node screenshot.mjs ../../book/src/images/run.png)
