# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: train's usage errors, lr-find, and compare (one seed and several).

# train / lr-find / compare: usage errors exit 2 with one line; a short comparison on a
# generated two-class folder prints both tables and the summary and writes parseable JSON.
expect_exit "train: unknown --opt is a usage error" 2 "$descent" train --opt adamw
expect_exit "train: unknown --arch is a usage error" 2 "$descent" train --arch vgg16
expect_exit "train: unknown --conv is a usage error" 2 "$descent" train --conv fft
expect_exit "train: missing folder is a usage error" 2 "$descent" train --data /no/such/folder
single_class() {
  local dir=$1 rc
  "$descent" data bench --images 12 --batch-size 4 --folder "$dir/two" >/dev/null
  mkdir -p "$dir/one/train" "$dir/one/val"
  mv "$dir/two/train/a" "$dir/one/train/a"; mv "$dir/two/val/a" "$dir/one/val/a"
  "$descent" train --data "$dir/one" --arch resnet18 --size 32 --presize 40 --bs 4 --epochs 1 2>"$dir/err"
  rc=$?
  grep -q "one class" "$dir/err" || rc=99
  return $rc
}
expect_exit "train: a single-class folder is a usage error" 2 with_temp_dir single_class
lr_find_run() {
  local dir=$1
  tiny_folder "$dir/j" &&
    "$descent" lr-find --data "$dir/j" "${tiny[@]}" --opt sgd --iterations 30 \
      --csv "$dir/curve.csv" --plot "$dir/curve.svg" >"$dir/out.txt" && grep -q "<svg" "$dir/curve.svg" &&
    python3 "$python_dir/lr_find_curve.py" "$dir/curve.csv" "$dir/out.txt"
  show_on_failure $? "$dir/out.txt"
}
check "lr-find: suggestions and the curve as CSV and PNG" with_temp_dir lr_find_run
compare_run() {
  local dir=$1
  "$descent" data bench --images 84 --batch-size 16 --folder "$dir/jpegs" >/dev/null &&
    "$descent" compare --data "$dir/jpegs" --arch resnet18 --size 32 --presize 40 --bs 16 --epochs 2 \
      --opts sgd,adam --json "$dir/runs.json" --plot "$dir/compare.png" >"$dir/out.txt" &&
    grep -q "## Summary" "$dir/out.txt" && [ "$(grep -c "^epoch" "$dir/out.txt")" -eq 2 ] &&
    python3 "$python_dir/compare_runs_json.py" "$dir/runs.json"
  show_on_failure $? "$dir/out.txt"
}
check "compare: two optimizers, tables, summary and JSON" with_temp_dir compare_run
compare_seeds() {
  # --seeds: every optimizer at every seed; the summary's means, standard deviations and paired
  # differences are those of the runs' final values; the same seed gives the same run.
  local dir=$1
  "$descent" data bench --images 84 --batch-size 16 --folder "$dir/jpegs" >/dev/null &&
    "$descent" compare --data "$dir/jpegs" --arch resnet18 --size 32 --presize 40 --bs 16 --epochs 1 \
      --opts sgd-custom,adam --seeds 42,7,3 --json "$dir/runs.json" --plot "$dir/compare.png" >"$dir/out.txt" &&
    "$descent" compare --data "$dir/jpegs" --arch resnet18 --size 32 --presize 40 --bs 16 --epochs 1 \
      --opts adam --seed 7 --json "$dir/one.json" --plot "$dir/one.png" >/dev/null &&
    grep -q "## Summary over seeds 42, 7, 3" "$dir/out.txt" && grep -q "a real difference\|noise could explain it" "$dir/out.txt" &&
    python3 "$python_dir/compare_seeds_json.py" "$dir/runs.json" "$dir/one.json"
  show_on_failure $? "$dir/out.txt"
}
check "compare --seeds: every optimizer at every seed; mean ± sd and paired differences" with_temp_dir compare_seeds
mixed_precision_choice() {
  # --mixed-precision: each convolution pass is timed in bfloat16 and in float32 and the faster
  # kept in conv-algorithms.tsv (lines marked @mixed); the first line counts the passes that took
  # bfloat16 among a training step's 59 (resnet18: 20 convolutions, the stem's input needs no
  # gradient). A rerun reads the choices back and trains to the same numbers.
  local dir=$1
  local common=(train --data "$dir/j" "${tiny[@]}" --epochs 1 --mixed-precision)
  tiny_folder "$dir/j" &&
    DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --csv "$dir/first.csv" >"$dir/out.txt" 2>/dev/null &&
    head -1 "$dir/out.txt" | grep -Eq " · bf16 in [0-9]+ of 59 convolution passes" &&
    grep -q "@mixed	" "$dir/home/conv-algorithms.tsv" &&
    DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --csv "$dir/again.csv" >"$dir/again.txt" 2>/dev/null &&
    [ "$(head -1 "$dir/out.txt")" = "$(head -1 "$dir/again.txt")" ] &&
    [ "$(cut -d, -f1-4 "$dir/first.csv")" = "$(cut -d, -f1-4 "$dir/again.csv")" ]  # all but the time
  show_on_failure $? "$dir/out.txt"
}
check "train --mixed-precision: bfloat16 per pass where it times faster, kept and counted in the first line" \
  with_temp_dir mixed_precision_choice
