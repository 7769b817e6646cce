# shellcheck shell=bash
# Sourced by end-to-end.sh: what every area's checks share. Needs $descent, the binary under test.

# The Python that checks outputs (each file says what it checks and its arguments).
# shellcheck disable=SC2034  # used by the area files
python_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/python"

check() {  # check NAME COMMAND... : the command must exit 0
  local name="$1"; shift
  if output=$("$@" 2>&1); then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; echo "$output" | tail -20 | sed 's/^/     /'
  fi
}

expect_exit() {  # expect_exit NAME CODE COMMAND... : the command must exit with CODE
  local name="$1" code="$2"; shift 2
  "$@" >/dev/null 2>&1
  local got=$?
  if [ "$got" -eq "$code" ]; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name (exit $got, expected $code)"
  fi
}

show_on_failure() {  # show_on_failure STATUS FILE: returns STATUS, printing FILE when it is not 0
  [ "$1" -eq 0 ] || cat "$2"
  return "$1"
}

with_temp_dir() {  # with_temp_dir FUNC ARGS... : runs FUNC DIR ARGS... with DIR a new empty folder,
  # removed afterwards; FUNC's exit status
  local dir rc
  dir=$(mktemp -d)
  "$1" "$dir" "${@:2}"
  rc=$?
  rm -rf "$dir"
  return $rc
}

# The short runs' data: 44 generated 160 px JPEGs in two classes, split into train/ and val/.
# shellcheck disable=SC2154  # $descent comes from end-to-end.sh
tiny_folder() { "$descent" data bench --images 44 --bs 8 --folder "$1" >/dev/null; }
# The short runs' model and pipeline.
# shellcheck disable=SC2034  # used by the area files
tiny=(--arch resnet18 --size 32 --presize 40 --bs 8)
