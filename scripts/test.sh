#!/usr/bin/env bash
# The README's test command: install what is needed, run the unit tests (debug build),
# then the end-to-end checks through the release-built `descent` binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product descent
swift test
bash scripts/end-to-end.sh .build/release/descent
