# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: bench kernels, optim and train --json.

# bench kernels --json: one JSON object with every figure, each a positive number.
bench_json() {
  "$descent" bench kernels --json --seconds 0.2 | python3 "$python_dir/bench_kernels_json.py"
}
check "bench kernels --json" bench_json

# bench optim --json: per optimizer, ms, GB/s and the copy bandwidth measured right before it —
# every catalog optimizer that gives the bytes its step moves, and the two extra chains.
optim_json() {
  local dir=$1
  "$descent" optimizers --json >"$dir/catalog.json" &&
    "$descent" bench optim --json --steps 1 | python3 "$python_dir/bench_optim_json.py" "$dir/catalog.json"
}
check "bench optim --json" with_temp_dir optim_json

# bench train --json: a short run of full training steps with every key the issue names.
expect_exit "unknown --arch is a usage error" 2 "$descent" bench train --arch vgg16
train_json() {
  "$descent" bench train --json --profile --arch resnet18 --size 32 --bs 8 --steps 1 |
    python3 "$python_dir/bench_train_json.py"
}
check "bench train --json" train_json
# bench study --json: one epoch of the study's setup, timed, beside peak sgemm.
bench_study_json() {
  local dir=$1
  tiny_folder "$dir/j" &&
    DESCENT_HOME="$dir/home" "$descent" bench study --data "$dir/j" --bs 8 --epochs 1 --json >"$dir/study.json" 2>/dev/null &&
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert r["train_images"] == 40 and r["valid_images"] == 4 and r["epoch_seconds"] > 0, r
assert 0 < r["achieved_gflops"] and r["peak_sgemm_gflops"] > 0 and abs(r["achieved_fraction_of_limit"] - r["achieved_gflops"] / r["peak_sgemm_gflops"]) < 1e-9, r' "$dir/study.json"
}
check "bench study --json: an epoch of the study's setup in seconds, beside peak sgemm" with_temp_dir bench_study_json
