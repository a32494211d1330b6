#!/usr/bin/env bash
# Browser tests of `marsad serve`: headless Debian Chromium driven by playwright-core.
# Builds the binary, ingests the seeds into a temporary store, serves it on loopback, opens the
# page and checks the document view, the events table (server-side sorting across pages), views
# reopened from their URL, the map (layers, zoom, pan, clusters), the timeline (empty days), the
# stories (paging, filters), search and the upload form.
# Screenshots go to target/screenshots/. Ends with "N passed, M failed"; exits non-zero on failure.
#
#   bash scripts/browser-test.sh            # seeds from ../shared/seeds (SEEDS=... to override)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SEEDS="${SEEDS:-$ROOT/../shared/seeds}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
RUNNER="$ROOT/crates/serve/tests/browser"

if [ ! -x "$CHROMIUM" ]; then
  echo "installing chromium" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
command -v node >/dev/null || { echo "node is required" >&2; exit 2; }
# Third-party packages are never committed: installed from the lockfile when missing.
if [ ! -d "$RUNNER/node_modules/playwright-core" ]; then
  (cd "$RUNNER" && npm ci --no-audit --no-fund --silent)
fi
[ -d "$SEEDS" ] || { echo "no seeds at $SEEDS (set SEEDS)" >&2; exit 2; }
cargo build --release -p marsad --quiet

MARSAD_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/marsad" SEEDS="$SEEDS" CHROMIUM="$CHROMIUM" \
SCREENSHOTS="$ROOT/target/screenshots" MARSAD_LOG=warn \
  node "$RUNNER/run.mjs"
