# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: the optimizer catalog (every optimizer trains; docs/optimizers.md's table).

newer_optimizers() {
  # Every optimizer of the catalog beyond the seed's study (sgd, sgd-custom, momentum, rmsprop,
  # adam: checked in training.sh) trains a real model at its default lr (schedule-free ones at a
  # constant lr, validated at x).
  local dir=$1 opts
  "$descent" optimizers --json >"$dir/catalog.json" &&
    opts=$(python3 -c 'import json, sys
seed = {"sgd", "sgd-custom", "momentum", "rmsprop", "adam"}
print(",".join(o["name"] for o in json.load(open(sys.argv[1]))["optimizers"] if o["name"] not in seed))' "$dir/catalog.json") &&
    "$descent" data bench --images 44 --batch-size 8 --folder "$dir/j" >/dev/null &&
    "$descent" compare --data "$dir/j" "${tiny[@]}" --epochs 1 --opts "$opts" --json "$dir/runs.json" \
      --plot "$dir/c.png" >"$dir/out.txt" &&
    python3 "$python_dir/catalog_optimizers_runs.py" "$dir/runs.json" "$dir/catalog.json"
  show_on_failure $? "$dir/out.txt"
}
check "compare: every catalog optimizer beyond the study trains at its default lr" with_temp_dir newer_optimizers

# docs/optimizers.md's optimizer table is `descent optimizers`, verbatim.
readme_table() {
  diff <("$descent" optimizers) \
    <(sed -n '/^<!-- descent optimizers -->$/,/^<!-- end descent optimizers -->$/p' "$(dirname "$0")/../docs/optimizers.md" | sed '1d;$d')
}
check "docs/optimizers.md: the optimizer table is descent optimizers' output" readme_table
