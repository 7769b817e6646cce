# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: --checkpoint and --resume. A run killed during epoch 2 of 3 and
# resumed ends with the weights of the uninterrupted run, bit for bit.

# kill_after_checkpoint SIGNAL FILE COMMAND...: runs COMMAND, and once FILE (a checkpoint) exists,
# sends SIGNAL; waits for it to end.
kill_after_checkpoint() {
  local signal=$1 file=$2 pid; shift 2
  "$@" >/dev/null 2>&1 &
  pid=$!
  until [ -f "$file" ] || ! kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
  kill "-$signal" "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ -f "$file" ]
}
train_resumes_exactly() {  # DIR SIGNAL EXTRA...: kill with SIGNAL after epoch 1's checkpoint; the
  # machine's convolution choices are deleted before the resume (the checkpoint's are used)
  local dir=$1 signal=$2; shift 2
  local common=(train --data "$dir/j" "${tiny[@]}" --epochs 3 "$@")
  tiny_folder "$dir/j" &&
    DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --save "$dir/whole.safetensors" >/dev/null 2>&1 &&
    kill_after_checkpoint "$signal" "$dir/ck/adam-seed42.safetensors" \
      env DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --checkpoint "$dir/ck" &&
    rm -f "$dir/home/conv-algorithms.tsv" &&
    DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --resume "$dir/ck" --save "$dir/resumed.safetensors" >"$dir/out.txt" 2>&1 &&
    grep -q "resumed adam-seed42 from $dir/ck/adam-seed42.safetensors: [12] of 3 epoch(s) done" "$dir/out.txt" &&
    cmp "$dir/whole.safetensors" "$dir/resumed.safetensors"
}
check "train killed (-9) after an epoch and resumed: the weights are the uninterrupted run's, bit for bit" \
  with_temp_dir train_resumes_exactly KILL
check "train stopped (SIGTERM) after an epoch and resumed: bit for bit" with_temp_dir train_resumes_exactly TERM
check "train --mixed-precision killed and resumed: bit for bit" with_temp_dir train_resumes_exactly KILL --mixed-precision
compare_resumes_exactly() {
  # compare over three optimizers with state of their own (factored moments, d, the averaged
  # weights), killed during the second one's epochs: every run's final checkpoint equals the
  # uninterrupted command's.
  local dir=$1
  local common=(compare --data "$dir/j" "${tiny[@]}" --epochs 2 --opt adafactor,prodigy,sf-adamw)
  tiny_folder "$dir/j" &&
    DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --checkpoint "$dir/whole" --plot "$dir/w.png" >/dev/null 2>&1 &&
    kill_after_checkpoint KILL "$dir/ck/prodigy-seed42.safetensors" \
      env DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --checkpoint "$dir/ck" --plot "$dir/k.png" &&
    DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --resume "$dir/ck" --plot "$dir/r.png" --json "$dir/r.json" >"$dir/out.txt" 2>&1 &&
    grep -q "resumed adafactor-seed42 from .*: 2 of 2 epoch(s) done" "$dir/out.txt" &&
    for run in adafactor prodigy sf-adamw; do
      python3 "$python_dir/compare_safetensors_weights.py" "$dir/ck/$run-seed42.safetensors" "$dir/whole/$run-seed42.safetensors" 0 || return 1
    done &&
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert [len(x["epochs"]) for x in r["runs"]] == [2, 2, 2], r' "$dir/r.json"
}
check "compare --opt adafactor,prodigy,sf-adamw killed and resumed: every run's final weights and state, bit for bit" \
  with_temp_dir compare_resumes_exactly
resume_with_other_arguments() {
  local dir=$1
  tiny_folder "$dir/j" &&
    DESCENT_HOME="$dir/home" "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --checkpoint "$dir/ck" >/dev/null 2>&1 &&
    ! DESCENT_HOME="$dir/home" "$descent" train --data "$dir/j" --arch resnet18 --size 32 --presize 40 --bs 4 --epochs 1 \
      --resume "$dir/ck" >/dev/null 2>"$dir/err" &&
    grep -q "^Error: --resume: .*adam-seed42.safetensors was trained with --bs 8, not 4; resume with the same arguments" "$dir/err"
}
check "--resume with other arguments is refused, naming the flag" with_temp_dir resume_with_other_arguments
stopped_mid_epoch() {  # DIR EPOCH OPT: stop during epoch EPOCH (of EPOCH + 1) of a run with OPT
  # With --checkpoint, SIGTERM during an epoch stops the run after the batch it arrives in, with a
  # checkpoint there (exit 143, saying how to go on); the resume skips the batches done and ends
  # bit for bit as the uninterrupted run — with sgd, at the lr its lr_find chose before the stop.
  local dir=$1 epoch=$2 opt=$3 pid status
  local name="$opt-seed42" epochs=$((epoch + 1))
  local common=(train --data "$dir/j" --arch resnet18 --size 32 --presize 40 --bs 2 --epochs "$epochs" --opt "$opt")
  # 80 training images: 40 batches an epoch, so that the signal lands inside one.
  "$descent" data bench --images 84 --bs 8 --folder "$dir/j" >/dev/null &&
    DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --save "$dir/whole.safetensors" >/dev/null 2>&1 || return 1
  DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --checkpoint "$dir/ck" >"$dir/first.txt" 2>"$dir/err" &
  pid=$!
  # Epoch 1 starts once epoch 0's checkpoint is written; epoch 0 once lr_find has chosen.
  until { [ "$epoch" -eq 1 ] && [ -f "$dir/ck/$name.safetensors" ]; } || { [ "$epoch" -eq 0 ] && grep -q "^lr_find: valley" "$dir/first.txt"; } ||
    ! kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
  sleep 0.1
  kill -TERM "$pid"
  wait "$pid"
  status=$?
  [ $status -eq 143 ] && grep -q "^stopped by SIGTERM after batch [0-9]* of epoch $epoch: checkpoint $dir/ck/$name.safetensors; the same command with --resume $dir/ck goes on" "$dir/err" &&
    DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --resume "$dir/ck" --save "$dir/resumed.safetensors" >"$dir/out.txt" 2>&1 &&
    grep -q "$epoch of $epochs epoch(s) done and [0-9]* batch(es) of epoch $epoch" "$dir/out.txt" && ! grep -q "^lr_find" "$dir/out.txt" &&
    cmp "$dir/whole.safetensors" "$dir/resumed.safetensors"
  show_on_failure $? "$dir/err"
}
check "train --checkpoint stopped by SIGTERM mid-epoch: a checkpoint after the batch, resumed bit for bit" \
  with_temp_dir stopped_mid_epoch 1 adam
check "train --opt sgd (lr_find's valley) stopped during its first epoch: resumed at the same lr, bit for bit" \
  with_temp_dir stopped_mid_epoch 0 sgd
