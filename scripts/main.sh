#!/usr/bin/env bash
# The README's main command: install what is needed, build in release, run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product descent
.build/release/descent bench kernels "$@"
