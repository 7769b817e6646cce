# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: data bench and data show.

# data: bench over generated JPEGs (JSON figures positive), show a batch of them into a PNG,
# usage errors for a missing folder and a bad --out.
data_json() {
  "$descent" data bench --images 200 --json | python3 "$python_dir/data_bench_json.py"
}
check "data bench --json" data_json
data_show() {
  local dir=$1
  "$descent" data bench --images 80 --batch-size 16 --folder "$dir/jpegs" >/dev/null &&
    "$descent" data show --data "$dir/jpegs" --augment --count 9 --out "$dir/batch.png" &&
    python3 -c 'import sys; b = open(sys.argv[1], "rb").read(8); assert b == b"\x89PNG\r\n\x1a\n", b' "$dir/batch.png"
}
check "data show --augment writes a PNG" with_temp_dir data_show
expect_exit "data show: missing folder is a usage error" 2 "$descent" data show --data /no/such/folder --out x.png
expect_exit "data show: --out must be .png" 2 "$descent" data show --data . --out x.jpg
