#!/usr/bin/env bash
# Fuzzes one of Descent's parsers with libFuzzer and AddressSanitizer for SECONDS seconds:
#   bash scripts/fuzz.sh FuzzSafetensors|FuzzImages|FuzzChoiceFile SECONDS
# The targets live in Fuzz/ (a package of their own, so a plain build never needs the fuzzer
# runtime); each starts from its committed seed corpus in Fuzz/Corpus/TARGET and grows a copy of
# it in a temporary folder. A crash stops the run with a non-zero exit, the input that caused it
# saved as Fuzz/crashes/TARGET-crash-…, which `Fuzz/.build/debug/TARGET FILE` replays.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh FuzzSafetensors|FuzzImages|FuzzChoiceFile SECONDS}"
seconds="${2:-60}"
[ -d "Fuzz/Corpus/$target" ] || { echo "no fuzz target $target (see Fuzz/Sources)" >&2; exit 2; }
log=$(mktemp)
if ! (cd Fuzz && swift build -c debug --product "$target" \
      -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address) >"$log" 2>&1; then
  grep -v "Cannot export local symbol" "$log" | tail -30 >&2
  exit 1
fi
corpus=$(mktemp -d)
trap 'rm -rf "$corpus" "$log"' EXIT
cp "Fuzz/Corpus/$target"/* "$corpus"/
mkdir -p Fuzz/crashes
status=0
"Fuzz/.build/debug/$target" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=4096 \
  -artifact_prefix="Fuzz/crashes/$target-" "$corpus" >"$log" 2>&1 || status=$?
runs=$(grep -o "stat::number_of_executed_units: *[0-9]*" "$log" | grep -o "[0-9]*$" || echo 0)
if [ $status -ne 0 ]; then
  tail -40 "$log" >&2
  echo "fuzz $target: FAILED after $runs runs (input saved under Fuzz/crashes/)" >&2
  exit 1
fi
echo "fuzz $target: $runs runs in $seconds s, no crash; corpus $(ls "$corpus" | wc -l) inputs"
