# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: bad input (corrupt images, decompression bombs, lying model metadata,
# 16-bit PNGs, integer weights), unwritable outputs, link loops, and Ctrl-C during saves and training.
bad_files() {
  local dir=$1
  tiny_folder "$dir/j"
  printf 'garbage' >"$dir/j/train/a/zz_broken.jpg"
  # fail (the default): a non-zero exit with the file named; skip: trains and reports it.
  ! "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 >/dev/null 2>"$dir/err" &&
    grep -q "zz_broken.jpg" "$dir/err" &&
    "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --bad-files skip \
      | grep -q "skipped 1 unreadable image"
}
check "a corrupt image stops training naming it, or is skipped and reported" with_temp_dir bad_files
decompression_bomb() {
  # A 65-byte PNG claiming 1,000,000 × 1,000,000 pixels: refused from its header (no 4 TB
  # allocation), named in one line by predict, skipped by train --bad-files skip.
  local dir=$1
  tiny_folder "$dir/j"
  python3 "$python_dir/write_png_bomb.py" "$dir/j/train/a/zz_bomb.png"
  "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --save "$dir/m.safetensors" \
      --bad-files skip >"$dir/out" && grep -q "skipped 1 unreadable image" "$dir/out" &&
    ! "$descent" predict --model "$dir/m.safetensors" "$dir/j/train/a/zz_bomb.png" >/dev/null 2>"$dir/err" &&
    grep -q "zz_bomb.png claims 1000000 × 1000000" "$dir/err" && [ "$(wc -l <"$dir/err")" -eq 1 ] &&
    ! "$descent" predict --model "$dir/m.safetensors" --max-pixels 100 "$dir"/j/val/a/* 2>"$dir/err" >/dev/null &&
    grep -q "above the limit of 100" "$dir/err"
}
check "an image whose header claims 10^12 pixels is refused before decoding" with_temp_dir decompression_bomb
edit_header() {  # edit_header SOURCE DESTINATION PYTHON [ARG]: writes SOURCE's safetensors
  # file to DESTINATION with its JSON header changed by PYTHON, which edits `header` (and may
  # read `arg`); the tensors' bytes are copied as they are.
  python3 "$python_dir/edit_safetensors_header.py" "$@"
}
model_metadata() {
  # A saved model whose metadata lies (presize -1, 100000 or 0; one class) is refused in one
  # line naming the file and the field, never a crash.
  local dir=$1 rc=0
  tiny_folder "$dir/j" &&
    "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --save "$dir/m.safetensors" >/dev/null || rc=1
  for edit in "descent.presize=-1" "descent.presize=100000" "descent.size=0" 'descent.classes=["a"]'; do
    edit_header "$dir/m.safetensors" "$dir/bad.safetensors" \
      "key, value = arg.split('=', 1); header['__metadata__'][key] = value" "$edit"
    "$descent" predict --model "$dir/bad.safetensors" "$dir"/j/val/a/* >/dev/null 2>"$dir/err"
    local code=$?
    key=${edit%%=*}
    if [ $code -ne 1 ] || [ "$(wc -l <"$dir/err")" -ne 1 ] || ! grep -q "bad.safetensors: its metadata $key" "$dir/err"; then
      echo "$edit: exit $code: $(cat "$dir/err")"; rc=1
    fi
  done
  return $rc
}
check "predict: a model whose metadata lies is refused naming the field" with_temp_dir model_metadata
png16_and_integer_weights() {
  # A 16-bit PNG predicts exactly as the 8-bit PNG of its high bytes (what Pillow gives fastai),
  # and weights stored as integers are refused naming the tensor, in one line naming the file once.
  local dir=$1 rc
  tiny_folder "$dir/j"
  python3 "$python_dir/write_png8_and_png16.py" "$dir"
  "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --save "$dir/m.safetensors" >/dev/null &&
    "$descent" predict --model "$dir/m.safetensors" "$dir/eight.png" | sed 's/eight.png//' >"$dir/8.txt" &&
    "$descent" predict --model "$dir/m.safetensors" "$dir/sixteen.png" | sed 's/sixteen.png//' >"$dir/16.txt" &&
    [ -s "$dir/8.txt" ] && cmp -s "$dir/8.txt" "$dir/16.txt" &&
    # I32 has F32's width, so the data offsets still hold.
    edit_header "$dir/m.safetensors" "$dir/int.safetensors" \
      "name = sorted(k for k in header if k.endswith('.bias'))[-1]; header[name]['dtype'] = 'I32'; print(name)" \
      >"$dir/name" &&
    ! "$descent" predict --model "$dir/int.safetensors" "$dir/eight.png" >/dev/null 2>"$dir/err" &&
    [ "$(wc -l <"$dir/err")" -eq 1 ] && grep -qF "$(cat "$dir/name")" "$dir/err" &&
    [ "$(grep -o "int.safetensors" "$dir/err" | wc -l)" -eq 1 ]
  rc=$?
  [ $rc -eq 0 ] || { cat "$dir/8.txt" "$dir/16.txt" "$dir/err" 2>/dev/null; }
  return $rc
}
check "predict: a 16-bit PNG reads as Pillow reads it; integer weights are refused naming the tensor" with_temp_dir png16_and_integer_weights
unwritable_outputs() {
  # An output that cannot be written stops the command before any work, naming the flag and
  # the path (a file stands where its folder should be).
  local dir=$1 rc=0
  tiny_folder "$dir/j"
  printf 'x' >"$dir/file"
  local common=(--data "$dir/j" "${tiny[@]}")
  for args in "train --epochs 1 --save $dir/m.safetensors --plot $dir/file/plot.png|--plot" \
              "train --epochs 1 --save $dir/file/m.safetensors|--save" \
              "train --epochs 1 --csv $dir/file/rows.csv|--csv" \
              "compare --epochs 1 --opts adam --json $dir/file/runs.json|--json" \
              "compare --epochs 1 --opts adam --tensorboard $dir/file/tb|--tensorboard" \
              "lr-find --plot $dir/file/curve.png|--plot"; do
    local flag=${args##*|}
    # shellcheck disable=SC2086
    "$descent" ${args%%|*} "${common[@]}" >"$dir/out" 2>"$dir/err"
    local code=$?
    if [ $code -ne 2 ] || ! grep -q "^Error: $flag: cannot write $dir/file" "$dir/err" || grep -q "epoch" "$dir/out" \
       || [ -e "$dir/m.safetensors" ]; then
      echo "${args%%|*}: exit $code: $(cat "$dir/err")"; rc=1
    fi
  done
  return $rc
}
check "outputs that cannot be written stop a command before any work" with_temp_dir unwritable_outputs
links_and_leftovers() {
  # A folder that links back to its root is walked once (no hang, no image counted twice), and
  # a temporary file a killed save left beside the model is removed by the next save.
  local dir=$1
  tiny_folder "$dir/j"
  ln -s .. "$dir/j/train/loop" && ln -s "$dir/j" "$dir/j/val/a/again"
  printf 'half' >"$dir/.m.safetensors.99999999.dead.tmp"
  timeout 120 "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 \
      --save "$dir/m.safetensors" >"$dir/out" &&
    grep -q "· 2 classes · 40 training images" "$dir/out" && [ -s "$dir/m.safetensors" ] &&
    [ ! -e "$dir/.m.safetensors.99999999.dead.tmp" ]
}
check "link loops end without double counting; a killed save's temporary is cleaned up" with_temp_dir links_and_leftovers
interrupted_save() {
  # Ctrl-C while the model is being written: the process ends as SIGINT ends it (130), and
  # neither a half-written model nor its hidden temporary file is left. The check waits for the
  # save's temporary file to appear, then interrupts.
  local dir=$1 pid status rc=1 hit=0
  tiny_folder "$dir/j"
  "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --save "$dir/m.safetensors" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 60000); do
    if compgen -G "$dir/.m.safetensors.*.tmp" >/dev/null; then kill -INT "$pid"; hit=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.002
  done
  wait "$pid"
  status=$?
  [ $hit -eq 1 ] && [ $status -eq 130 ] && ! compgen -G "$dir/.m.safetensors.*" >/dev/null &&
    [ ! -e "$dir/m.safetensors" ]
  rc=$?
  [ $rc -eq 0 ] || echo "     interrupted: $hit, exit status $status; left: $(ls -A "$dir")"
  return $rc
}
check "Ctrl-C during a model save leaves no model and no temporary file" with_temp_dir interrupted_save
interrupted_training() {
  # One Ctrl-C stops a run at once (exit 130), not after its epochs.
  local dir=$1 pid status
  tiny_folder "$dir/j"
  DESCENT_HOME="$dir/home" "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 200 >"$dir/out" 2>&1 &
  pid=$!
  until grep -q "^1 " "$dir/out" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  kill -INT "$pid"
  wait "$pid"
  status=$?
  [ $status -eq 130 ] && [ "$(grep -c "^[0-9]" "$dir/out")" -lt 200 ]
}
check "one Ctrl-C stops training at once" with_temp_dir interrupted_training
concurrent_outputs() {
  # A second run writing the same --csv while the first trains is refused before training,
  # naming the flag; the first is untouched.
  local dir=$1 pid rc
  tiny_folder "$dir/j"
  DESCENT_HOME="$dir/home" "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 50 --csv "$dir/rows.csv" >"$dir/first" 2>&1 &
  pid=$!
  until grep -q "^0 " "$dir/first" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  ! DESCENT_HOME="$dir/home" "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --csv "$dir/rows.csv" >"$dir/second" 2>&1
  rc=$?
  kill -INT "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ $rc -eq 0 ] && grep -q "^Error: --csv: $dir/rows.csv is being written by another descent run" "$dir/second" &&
    ! grep -q "^0 " "$dir/second"
}
check "two runs writing the same --csv at once: the second is refused before training" with_temp_dir concurrent_outputs
batch_above_images() {
  local dir=$1
  tiny_folder "$dir/j"
  ! "$descent" train --data "$dir/j" --arch resnet18 --size 32 --presize 40 --bs 64 --epochs 1 2>"$dir/err" >/dev/null &&
    grep -q "^Error: --bs 64 is more than the 40 training images of $dir/j" "$dir/err"
}
check "--bs above the training images names --bs and the image count" with_temp_dir batch_above_images
