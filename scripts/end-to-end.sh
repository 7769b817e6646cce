#!/usr/bin/env bash
# End-to-end checks through the release-built binary: short runs with real assertions.
# Each check prints one line; the script fails if any check fails.
# The checks live in end-to-end/, one file per area, sourced in order below; end-to-end/helpers.sh
# has what they share and end-to-end/python/ the Python that checks their outputs.
# shellcheck source-path=SCRIPTDIR
set -uo pipefail
descent="${1:?usage: end-to-end.sh PATH_TO_DESCENT}"
# Absolute, so that checks may run it from other folders (the two hosts' own).
descent="$(cd "$(dirname "$descent")" && pwd)/$(basename "$descent")"
passed=0 failed=0
here="$(dirname "$0")/end-to-end"

# shellcheck source=end-to-end/helpers.sh
source "$here/helpers.sh"
# shellcheck source=end-to-end/cli.sh
source "$here/cli.sh"
# shellcheck source=end-to-end/bench.sh
source "$here/bench.sh"
# shellcheck source=end-to-end/data.sh
source "$here/data.sh"
# shellcheck source=end-to-end/training.sh
source "$here/training.sh"
# shellcheck source=end-to-end/optimizers.sh
source "$here/optimizers.sh"
# shellcheck source=end-to-end/tensorboard.sh
source "$here/tensorboard.sh"
# shellcheck source=end-to-end/predict-and-vocabulary.sh
source "$here/predict-and-vocabulary.sh"
# shellcheck source=end-to-end/bad-input-and-interrupts.sh
source "$here/bad-input-and-interrupts.sh"
# shellcheck source=end-to-end/usage-and-conv-choices.sh
source "$here/usage-and-conv-choices.sh"
# shellcheck source=end-to-end/resume.sh
source "$here/resume.sh"
# shellcheck source=end-to-end/distributed.sh
source "$here/distributed.sh"
# shellcheck source=end-to-end/two-hosts.sh
source "$here/two-hosts.sh"
# shellcheck source=end-to-end/network.sh
source "$here/network.sh"

echo "end-to-end: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
