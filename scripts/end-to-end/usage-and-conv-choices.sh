# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: usage errors of option values, and --conv auto's choices kept under
# $DESCENT_HOME (reruns, concurrent first runs).
expect_exit "train: --threads above 4 × the cores is a usage error" 2 "$descent" train --threads 1000
negative_values() {
  # A negative number is the option's value, judged by its own rule (not "Missing value").
  [ "$("$descent" train --lr -1 2>&1)" = "Error: --lr must be a positive number or 'valley', not '-1'" ] &&
    [ "$("$descent" train --seed -1 2>&1)" = "Error: --seed: '-1' is not a seed (a whole number ≥ 0)" ] &&
    [ "$("$descent" compare --epochs -3 2>&1)" = "Error: --epochs must be at least 1, not -3" ]
}
check "negative option values are judged, not mistaken for flags" negative_values
expect_exit "predict: --max-pixels 0 is a usage error" 2 "$descent" predict --model x --max-pixels 0 a.png
rerun_identical() {
  # --conv auto times each convolution once and keeps the choice under $DESCENT_HOME, so a
  # rerun of the same seed prints the same table; a corrupt choice file is named and ignored.
  local dir=$1
  local run=("$descent" train --data "$dir/j" "${tiny[@]}" --epochs 2 --opt sgd-custom)
  tiny_folder "$dir/j" &&
    DESCENT_HOME="$dir/home" "${run[@]}" >"$dir/first.txt" &&
    DESCENT_HOME="$dir/home" "${run[@]}" >"$dir/second.txt" &&
    [ "$(grep -c "^[01] " "$dir/first.txt")" -eq 2 ] &&
    diff <(cut -c1-44 "$dir/first.txt") <(cut -c1-44 "$dir/second.txt") &&
    grep -q "	forward@nChw16c	8,3,64,32,32,7,7,2,2,3,3,1,1,1	" "$dir/home/conv-algorithms.tsv" &&
    printf 'garbage\n' >>"$dir/home/conv-algorithms.tsv" &&
    DESCENT_HOME="$dir/home" "${run[@]}" 2>"$dir/err" >/dev/null &&
    grep -q "conv-algorithms.tsv:.*expected 4 tab-separated fields" "$dir/err" &&
    grep -q "^garbage" "$dir/home/conv-algorithms.tsv"
}
check "train --conv auto: the choices are kept, a rerun prints the same table" with_temp_dir rerun_identical
concurrent_choices() {
  # Two first runs at once on one DESCENT_HOME: each merges its choices into the file under its
  # lock, so the file ends with both models' convolutions (resnet18's 7×7 stem, xresnet18's 3×3).
  local dir=$1
  tiny_folder "$dir/j"
  local common=(train --data "$dir/j" --size 32 --presize 40 --bs 8 --epochs 1 --opt sgd-custom)
  DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --arch resnet18 >/dev/null 2>&1 &
  local first=$!
  DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --arch xresnet18 >/dev/null 2>&1
  local second=$?
  wait $first && [ $second -eq 0 ] &&
    grep -q "	forward@nChw16c	8,3,64,32,32,7,7,2,2,3,3,1,1,1	" "$dir/home/conv-algorithms.tsv" &&
    grep -q "	forward@nChw16c	8,3,32,32,32,3,3,2,2,1,1,1,1,1	" "$dir/home/conv-algorithms.tsv"
}
check "two first runs at once keep both runs' convolution choices" with_temp_dir concurrent_choices
expect_exit "predict: missing model is a usage error" 2 "$descent" predict --model no-such-model x.png
