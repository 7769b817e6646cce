# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: data-parallel training under mpirun (skipped, saying so, without it).

# Data-parallel training under Open MPI (as root, as CI runs: --allow-run-as-root).
mpi=(mpirun --allow-run-as-root --oversubscribe -np 2)
compare_weights() {  # compare_weights A B TOLERANCE: two saved models' weights and buffers
  # differ by at most TOLERANCE × the largest magnitude among B's.
  python3 "$python_dir/compare_safetensors_weights.py" "$@"
}
data_parallel_equivalence() {
  # 2 processes at batch 8 with --sync-bn end where 1 process at batch 16 ends, and report the
  # validation loss and accuracy it reports on the whole (odd-sized) validation set. Without
  # dropout (--ps 0), whose masks depend on the batch's shape. Two steps: this ResNet on these
  # random-label images is chaotic — after 20 steps two single-process runs that differ only in
  # convolution algorithm (rounding) differ by 9% (max |Δw| / max |w|); after 2 steps by 1e-6.
  local dir=$1 rc
  "$descent" data bench --images 37 --batch-size 8 --folder "$dir/j" >/dev/null &&
    mv "$(find "$dir/j/train/a" -name '*.jpg' | head -1)" "$dir/j/val/a/" || return 1
  local common=(train --data "$dir/j" --arch resnet18 --size 32 --presize 40 --epochs 1 --threads 1 --conv dnnl
    --opt sgd --lr 1e-2 --ps 0)
  DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --bs 16 --save "$dir/one.safetensors" >"$dir/one.txt" 2>&1 &&
    DESCENT_HOME="$dir/home" "${mpi[@]}" "$descent" "${common[@]}" --bs 8 --sync-bn --save "$dir/two.safetensors" \
      --tensorboard "$dir/tb" >"$dir/two.txt" 2>&1 &&
    grep -q "2 processes × batch 8 = global batch 16" "$dir/two.txt" &&
    # Rank 0 alone writes TensorBoard's events: one file, whole records, the run's scalars.
    python3 "$python_dir/tensorboard_events_one_file.py" "$dir/tb" &&
    compare_weights "$dir/two.safetensors" "$dir/one.safetensors" 1e-4 &&
    # Without --sync-bn each process normalizes by its own half batch: far apart.
    DESCENT_HOME="$dir/home" "${mpi[@]}" "$descent" "${common[@]}" --bs 8 --save "$dir/local.safetensors" \
      >/dev/null 2>&1 &&
    ! compare_weights "$dir/local.safetensors" "$dir/one.safetensors" 1e-2 2>/dev/null &&
    python3 "$python_dir/final_epoch_rows_match.py" "$dir/one.txt" "$dir/two.txt"
  rc=$?
  [ $rc -eq 0 ] || tail -n 5 "$dir/one.txt" "$dir/two.txt"
  return $rc
}
killed_rank() {
  # A rank killed mid-training ends the whole run, with a message, within 10 s.
  local dir=$1 rc
  tiny_folder "$dir/j"
  "${mpi[@]}" bash -c 'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then (sleep 3; kill -9 $$) & fi; exec "$0" "$@"' \
    "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 100 --threads 1 >"$dir/out.txt" 2>&1 &
  local job=$! waited=0
  while kill -0 $job 2>/dev/null && [ $waited -lt 130 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 $job 2>/dev/null; then kill -9 $job; rc=1; else
    wait $job; [ $? -ne 0 ] && grep -qi "signal 9\|killed" "$dir/out.txt"; rc=$?
  fi
  [ $rc -eq 0 ] || tail -n 5 "$dir/out.txt"
  return $rc
}
failing_rank() {
  # An error in one process (a corrupt image only rank 1 reads) stops every process with that
  # process's message; mismatched arguments are one clear line.
  local dir=$1 rc
  tiny_folder "$dir/j"
  local out
  out=$("${mpi[@]}" bash -c 'exec "$0" "$@" --seed "$OMPI_COMM_WORLD_RANK"' "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 1 --threads 1 2>&1)
  [ $? -ne 0 ] && [ "$(echo "$out" | grep -c "different arguments")" -eq 1 ] &&
    printf 'not a jpeg' >"$dir/j/train/a/$(ls "$dir/j/train/a" | head -1)" &&
    out=$("${mpi[@]}" "$descent" train --data "$dir/j" "${tiny[@]}" --epochs 2 --threads 1 2>&1)
  rc=$?
  [ $rc -ne 0 ] && echo "$out" | grep -q "Error (rank [01] of 2): .*$dir/j/train/a/"
  rc=$?
  [ $rc -eq 0 ] || echo "$out" | tail -5
  return $rc
}
mpirun_resumes_exactly() {
  # 2 processes, stopped (SIGTERM, which mpirun passes on) after epoch 1's checkpoint and resumed
  # under 2 again: the uninterrupted run's weights, bit for bit; under 1 process: refused.
  local dir=$1
  local common=(train --data "$dir/j" "${tiny[@]}" --epochs 3 --threads 1)
  tiny_folder "$dir/j" &&
    DESCENT_HOME="$dir/home" "${mpi[@]}" "$descent" "${common[@]}" --save "$dir/whole.safetensors" >/dev/null 2>&1 &&
    kill_after_checkpoint TERM "$dir/ck/adam-seed42.safetensors" \
      env DESCENT_HOME="$dir/home" "${mpi[@]}" "$descent" "${common[@]}" --checkpoint "$dir/ck" &&
    ! DESCENT_HOME="$dir/home" "$descent" "${common[@]}" --resume "$dir/ck" >/dev/null 2>"$dir/err" &&
    grep -q "trained by 2 process(es) and this run has 1" "$dir/err" &&
    DESCENT_HOME="$dir/home" "${mpi[@]}" "$descent" "${common[@]}" --resume "$dir/ck" --save "$dir/resumed.safetensors" \
      >"$dir/out.txt" 2>&1 &&
    grep -q "resumed adam-seed42" "$dir/out.txt" && cmp "$dir/whole.safetensors" "$dir/resumed.safetensors"
}
rank_zero_chooses() {
  # Each rank its own DESCENT_HOME: rank 0 alone writes the convolution choices (the others take
  # its choices before the first step), so rank 1's home gets no choice file.
  local dir=$1
  tiny_folder "$dir/j" &&
    "${mpi[@]}" bash -c 'DESCENT_HOME="$0/home$OMPI_COMM_WORLD_RANK" exec "$1" train --data "$0/j" "${@:2}"' \
      "$dir" "$descent" "${tiny[@]}" --epochs 1 --threads 1 >"$dir/out.txt" 2>&1 &&
    grep -q "forward" "$dir/home0/conv-algorithms.tsv" && [ ! -e "$dir/home1/conv-algorithms.tsv" ]
}
if command -v mpirun >/dev/null; then
  check "mpirun -np 2 --sync-bn: the weights and validation of one process at twice the batch" with_temp_dir data_parallel_equivalence
  check "mpirun: a killed rank ends the run within 10 s" with_temp_dir killed_rank
  check "mpirun: a failing rank stops all with its message; different arguments are one line" with_temp_dir failing_rank
  check "mpirun -np 2 stopped after an epoch and resumed under 2: bit for bit; under 1: refused" with_temp_dir mpirun_resumes_exactly
  check "mpirun -np 2, each rank its own home: rank 0 alone writes the convolution choices" with_temp_dir rank_zero_chooses
else
  echo "skip mpirun checks: no mpirun (scripts/install-deps.sh installs openmpi-bin)"
fi
