#!/usr/bin/env bash
# The README's test command: install what is needed, run the unit tests (debug build), one of
# them again under mpirun with two processes, then the end-to-end checks through the
# release-built `descent` binary, a user's package with its own optimizers in the study, then
# the unit tests under AddressSanitizer, the suites whose code runs on worker threads under
# ThreadSanitizer, and a minute of fuzzing for each parser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product descent
swift test
# Data-parallel training against one process, for a model without batch norm, then every process
# taking rank 0's convolution choices: the same test binary, one process per rank under Open MPI
# (as root in CI, hence --allow-run-as-root); one suite a run, as their collectives must not mix.
for suite in DataParallelTests ConvolutionProbeTests; do
  mpirun --allow-run-as-root --oversubscribe -np 2 .build/debug/DescentPackageTests.xctest \
    --testing-library swift-testing --filter "$suite"
done
bash scripts/end-to-end.sh .build/release/descent
# A package of one's own with its optimizers in the study (Examples/CustomOptimizer).
bash scripts/custom-optimizer.sh
# The whole unit suite under AddressSanitizer and its leak check (a build of its own; XCTest's
# runner's own leaks suppressed).
LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt" \
  swift test --scratch-path .build/asan --sanitize=address
# Loader workers, parallel kernels, the optimizer's fused stages and storage conversions under
# ThreadSanitizer (a build of its own, so the plain debug build above stays as it is).
swift test --scratch-path .build/tsan --sanitize=thread \
  --filter "DataLoaderTests|ParallelTests|FusedChainTests|OptimizerConformanceTests|BlockedLayoutTests"
for target in FuzzSafetensors FuzzImages FuzzModelMetadata FuzzChoiceFile; do
  bash scripts/fuzz.sh "$target" 60
done
