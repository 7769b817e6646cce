#!/usr/bin/env bash
# Installs the C libraries Descent links against (Debian packages), skipping those already there.
# With --fetch-tools, also pip (python3-pip), which fetching the built-in mnist5k dataset uses.
set -euo pipefail
packages=(libdnnl-dev libturbojpeg0-dev libpng-dev libcairo2-dev fonts-dejavu-core libopenmpi-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${1:-}" = "--fetch-tools" ] && ! python3 -m pip --version >/dev/null 2>&1; then
  missing+=(python3-pip)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
