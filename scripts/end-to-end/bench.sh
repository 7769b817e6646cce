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
