# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: compare's --seeds usage errors; train --save, predict and interpret; the
# CLI's shared vocabulary (--json everywhere, did you mean, --valid-pct, TensorBoard run folders).
expect_exit "compare: a bad --seeds is a usage error" 2 "$descent" compare --seeds 42,x
expect_exit "compare: a repeated seed is a usage error" 2 "$descent" compare --seeds 1,1
predict_run() {
  local dir=$1
  tiny_folder "$dir/jpegs" &&
    "$descent" train --data "$dir/jpegs" "${tiny[@]}" --epochs 1 \
      --save "$dir/tiny.safetensors" >/dev/null &&
    "$descent" predict --model "$dir/tiny.safetensors" --top 2 "$dir"/jpegs/val/a/* >"$dir/out.txt" &&
    python3 "$python_dir/predict_top2.py" "$dir/out.txt"
  [ $? -eq 0 ] &&
    "$descent" interpret --model "$dir/tiny.safetensors" --data "$dir/jpegs" --top 2 --out "$dir/interp" >"$dir/interp.txt" &&
    grep -q "confusion matrix" "$dir/interp.txt" && [ -s "$dir/interp/confusion.png" ] && [ -s "$dir/interp/top_losses.png" ]
}
check "train --save, then predict and interpret" with_temp_dir predict_run
json_everywhere() {
  # --json alone: one JSON document on standard output (the tables go to standard error), from
  # train, lr-find, predict and interpret; train --plot is one PNG or SVG file.
  local dir=$1
  tiny_folder "$dir/j" &&
    "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --save "$dir/m.safetensors" --plot "$dir/run.svg" \
      --json >"$dir/train.json" 2>"$dir/train.err" &&
    "$descent" lr-find --data "$dir/j" "${tiny[@]}" --iterations 10 --plot "$dir/lr.png" --json >"$dir/lr.json" 2>/dev/null &&
    "$descent" predict --model "$dir/m.safetensors" --json "$dir"/j/val/a/* >"$dir/predict.json" 2>/dev/null &&
    "$descent" interpret --model "$dir/m.safetensors" --data "$dir/j" --count 2 --out "$dir/interp" --json >"$dir/interp.json" 2>/dev/null &&
    grep -q "<svg" "$dir/run.svg" && grep -q "train_loss" "$dir/train.err" &&
    python3 "$python_dir/json_documents.py" "$dir"
}
check "train, lr-find, predict and interpret --json print one JSON document; train --plot is a file" with_temp_dir json_everywhere
mistyped_command() {
  local err code other
  err=$("$descent" trian --data mnist5k 2>&1 >/dev/null); code=$?
  other=$("$descent" lr_find 2>&1)
  [ $code -eq 2 ] && echo "$err" | grep -q "Did you mean 'train'?" && echo "$other" | grep -q "Did you mean 'lr-find'?"
}
check "a mistyped command gets 'did you mean'" mistyped_command
flat_folder() {
  # A folder of class subfolders alone trains with --valid-pct (fastai's RandomSplitter).
  local dir=$1 rc
  tiny_folder "$dir/j" && mv "$dir/j/train" "$dir/flat" &&
    "$descent" train --data "$dir/flat" --valid-pct 0.25 "${tiny[@]}" --epochs 1 >"$dir/out.txt" 2>&1 &&
    grep -q "30 training images" "$dir/out.txt" && grep -q "^0 " "$dir/out.txt" &&
    ! "$descent" train --data "$dir/flat" "${tiny[@]}" 2>"$dir/err" && grep -q "valid-pct" "$dir/err"
  rc=$?
  [ $rc -eq 0 ] || cat "$dir/out.txt" "$dir/err"
  return $rc
}
check "train --valid-pct: a flat folder of class subfolders" with_temp_dir flat_folder
tensorboard_versions() {
  # A second run of the same optimizer and seed into the same folder gets its own run folder.
  local dir=$1 rc
  tiny_folder "$dir/j" &&
    "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --tensorboard "$dir/tb" >/dev/null 2>&1 &&
    "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --tensorboard "$dir/tb" >/dev/null 2>&1 &&
    [ "$(ls "$dir/tb" | tr '\n' ' ')" = "adam-seed42 adam-seed42-2 " ] &&
    [ "$(ls "$dir/tb/adam-seed42" | wc -l)" -eq 1 ] && [ "$(ls "$dir/tb/adam-seed42-2" | wc -l)" -eq 1 ]
  rc=$?
  [ $rc -eq 0 ] || ls -R "$dir/tb"
  return $rc
}
check "train --tensorboard: two runs of the same optimizer and seed leave two run folders" with_temp_dir tensorboard_versions
