# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: one machine as two hosts (see scripts/two-hosts.sh: network namespaces
# over a veth pair, each host its own name, files and DESCENT_HOME, mpirun over TCP through an rsh
# agent). Needs root, ip, unshare and mpirun; skipped, saying so, without them.

# The namespaces, the agent and on_host1 (scripts/two-hosts.sh, which runs a command that way).
# shellcheck source=../two-hosts.sh
source "$(dirname "${BASH_SOURCE[0]}")/../two-hosts.sh"

two_hosts_launch() {
  # shellcheck disable=SC2016  # expanded by each rank's shell
  on_host1 "${two_hosts[@]}" sh -c 'echo $(hostname) $DESCENT_HOME' >"$two_hosts_dir/hosts.txt" 2>&1 &&
    grep -q "^descent-host1 $two_hosts_dir/host/home$" "$two_hosts_dir/hosts.txt" &&
    grep -q "^descent-host2 $two_hosts_dir/host/home$" "$two_hosts_dir/hosts.txt"
}
two_hosts_same_dataset() {
  # Each host its own copy of the folder; a copy that differs is refused, naming both hosts.
  local dir=$two_hosts_dir image
  tiny_folder "$dir/host1/j" && cp -r "$dir/host1/j" "$dir/host2/j" || return 1
  image=$(cd "$dir/host1" && find j/train/b -name '*.jpg' | sort | head -1)
  rm "$dir/host2/$image" &&
    ! on_host1 "${two_hosts[@]}" "$descent" train --data j "${tiny[@]}" --epochs 1 --threads 1 >"$dir/out.txt" 2>&1 &&
    grep -q "the hosts descent-host1 (rank 0) and descent-host2 (rank 1) see different datasets" "$dir/out.txt" &&
    cp "$dir/host1/$image" "$dir/host2/$image"
}
two_hosts_equal_one_process() {
  # 2 ranks on two hosts at batch 8 with --sync-bn end where 1 process at batch 16 ends.
  local dir=$two_hosts_dir
  local common=(train --data j --arch resnet18 --size 32 --presize 40 --epochs 1 --threads 1 --conv dnnl --opt sgd --lr 1e-2 --ps 0)
  on_host1 "$descent" "${common[@]}" --bs 16 --save one.safetensors >/dev/null 2>&1 &&
    on_host1 "${two_hosts[@]}" "$descent" "${common[@]}" --bs 8 --sync-bn --save two.safetensors >"$dir/two.txt" 2>&1 &&
    grep -q "2 processes × batch 8 = global batch 16" "$dir/two.txt" &&
    python3 "$python_dir/compare_safetensors_weights.py" "$dir/host1/two.safetensors" "$dir/host1/one.safetensors" 1e-4
}
two_hosts_stop_after() {  # FILE ARGS...: descent ARGS on both hosts, stopped once FILE exists
  # (SIGTERM to mpirun, which passes it on to every rank on both hosts)
  local file=$1 pid; shift
  on_host1 "${two_hosts[@]}" "$descent" "$@" >/dev/null 2>&1 &
  pid=$!
  until [ -f "$file" ] || ! kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
  pkill -TERM -x mpirun
  wait "$pid" 2>/dev/null
  [ -f "$file" ]
}
two_hosts_resume() {
  # Stopped after epoch 1's checkpoint (on the first host) and resumed across both: the
  # uninterrupted run's weights, bit for bit; the second host gets the checkpoint from the first.
  local dir=$two_hosts_dir
  local common=(train --data j "${tiny[@]}" --epochs 3 --threads 1)
  on_host1 "${two_hosts[@]}" "$descent" "${common[@]}" --save whole.safetensors >/dev/null 2>&1 &&
    two_hosts_stop_after "$dir/host1/ck/adam-seed42.safetensors" "${common[@]}" --checkpoint ck &&
    [ ! -e "$dir/host2/ck" ] &&
    on_host1 "${two_hosts[@]}" "$descent" "${common[@]}" --resume ck --save resumed.safetensors >"$dir/resume.txt" 2>&1 &&
    grep -q "resumed adam-seed42" "$dir/resume.txt" && [ -s "$dir/host2/ck/adam-seed42.safetensors" ] &&
    cmp "$dir/host1/whole.safetensors" "$dir/host1/resumed.safetensors"
}
two_hosts_mnist5k() {
  # mnist5k prepared per host: the first process of each host makes it from its own download
  # cache (the second host's seeded from the first's; neither reaches a network).
  local dir=$two_hosts_dir cache
  cache="${DESCENT_HOME:-$HOME/.descent/data}/downloads/mnist_5k.csv.gz"
  mkdir -p "$dir/host1/home/downloads" "$dir/host2/home/downloads" &&
    cp "$cache" "$dir/host1/home/downloads/" && cp "$dir/host1/home/downloads/mnist_5k.csv.gz" "$dir/host2/home/downloads/" &&
    on_host1 "${two_hosts[@]}" "$descent" lr-find --data mnist5k --arch resnet18 --size 28 --presize 32 --bs 16 --iterations 10 \
      --threads 1 --plot lr.png >"$dir/mnist.txt" 2>&1 &&
    [ -e "$dir/host1/home/mnist5k/.complete" ] && [ -e "$dir/host2/home/mnist5k/.complete" ] &&
    [ "$(find "$dir/host2/home/mnist5k" -name '*.png' | wc -l)" -eq 5000 ]
}
two_hosts_speed() {
  # The figures for docs/distributed.md: images/s over the veth link and over shared memory.
  local dir=$two_hosts_dir bench=(bench train --arch resnet18 --size 32 --bs 32 --steps 5 --threads 1 --json)
  on_host1 "${two_hosts[@]}" "$descent" "${bench[@]}" >"$dir/veth.json" 2>/dev/null &&
    mpirun --allow-run-as-root --oversubscribe -np 2 "$descent" "${bench[@]}" >"$dir/shm.json" 2>/dev/null &&
    python3 "$python_dir/two_hosts_speed.py" "$dir/veth.json" "$dir/shm.json"
}

if [ "$(id -u)" -eq 0 ] && command -v mpirun >/dev/null && command -v ip >/dev/null && command -v unshare >/dev/null &&
  ip netns add "descent-probe$$" 2>/dev/null; then
  ip netns delete "descent-probe$$"
  two_hosts_dir=$(mktemp -d)
  if two_hosts_setup "$two_hosts_dir"; then
    check "two hosts: mpirun starts a rank in each namespace, each with its own host name and DESCENT_HOME" two_hosts_launch
    check "two hosts: a dataset that differs between hosts is refused, naming both" two_hosts_same_dataset
    check "two hosts, 2 ranks at batch 8 --sync-bn: the weights of one process at batch 16" two_hosts_equal_one_process
    check "two hosts: stopped after an epoch and resumed across both, bit for bit" two_hosts_resume
    if [ -f "${DESCENT_HOME:-$HOME/.descent/data}/downloads/mnist_5k.csv.gz" ]; then
      check "two hosts: mnist5k prepared on each host from its own download cache" two_hosts_mnist5k
    else
      echo "skip two hosts with mnist5k: no cached download in ${DESCENT_HOME:-$HOME/.descent/data}/downloads (scripts/main.sh fetches it)"
    fi
    two_hosts_speed | sed 's/^/     /'
  else
    failed=$((failed + 1)); echo "FAIL two hosts: the namespaces and their link could not be set up"
  fi
  two_hosts_teardown
  rm -rf "$two_hosts_dir"
else
  echo "skip two hosts: they need root, ip, unshare, mpirun and network namespaces (CI has them)"
fi
