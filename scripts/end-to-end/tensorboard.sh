# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: compare and lr-find --tensorboard, read by TensorBoard itself.

# --tensorboard: TensorBoard's own reader (EventAccumulator) and its HParams plugin load what
# compare and lr-find wrote. The tensorboard package comes from pip, into a virtualenv kept
# under /tmp so that reruns start at once; where pip cannot install it (no network), the check
# is skipped, saying so.
tensorboard_venv="${DESCENT_TENSORBOARD_VENV:-/tmp/descent-tb-venv}"
tensorboard_python() {
  "$tensorboard_venv/bin/python" -c 'import tensorboard, werkzeug' 2>/dev/null && return 0
  rm -rf "$tensorboard_venv"
  python3 -m venv "$tensorboard_venv" >/dev/null 2>&1 &&
    timeout 600 "$tensorboard_venv/bin/pip" install --quiet --disable-pip-version-check --retries 1 --timeout 30 \
      tensorboard==2.21.0 >/dev/null 2>&1 &&
    "$tensorboard_venv/bin/python" -c 'import tensorboard, werkzeug' 2>/dev/null && return 0
  rm -rf "$tensorboard_venv"
  return 1
}
compare_tensorboard() {
  local dir=$1
  tiny_folder "$dir/j" &&
    "$descent" compare --data "$dir/j" "${tiny[@]}" --epochs 1 --opts adam,sgd-custom --seeds 42,1 \
      --tensorboard "$dir/tb" --json "$dir/runs.json" --plot "$dir/c.png" >"$dir/out.txt" &&
    "$descent" lr-find --data "$dir/j" "${tiny[@]}" --opt sgd --iterations 12 --tensorboard "$dir/tb" \
      --csv "$dir/curve.csv" --plot "$dir/curve.png" >>"$dir/out.txt" &&
    "$tensorboard_venv/bin/python" "$python_dir/tensorboard_reads_runs.py" "$dir/runs.json" "$dir/tb" "$dir/curve.csv"
  show_on_failure $? "$dir/out.txt"
}
if tensorboard_python; then
  check "compare and lr-find --tensorboard: TensorBoard reads every run's scalars and HParams sessions" with_temp_dir compare_tensorboard
else
  echo "skip compare and lr-find --tensorboard: pip could not install tensorboard into $tensorboard_venv (no network?)"
fi
