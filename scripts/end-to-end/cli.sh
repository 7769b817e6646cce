# shellcheck shell=bash disable=SC2154  # $descent, $tiny and $python_dir come from end-to-end.sh and helpers.sh
# Sourced by end-to-end.sh: help, and usage errors for an unknown flag and bad values.
check "help" "$descent" --help
expect_exit "unknown flag is a usage error" 2 "$descent" bench kernels --no-such-flag
expect_exit "bad --seconds is a usage error" 2 "$descent" bench kernels --seconds -1
expect_exit "unknown --conv is a usage error" 2 "$descent" bench kernels --conv fft
