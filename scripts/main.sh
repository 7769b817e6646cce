#!/usr/bin/env bash
# The README's main command: install what is needed, build in release, then the optimizer
# study on the built-in mnist5k dataset (fetched once into $DESCENT_HOME, by default ~/.descent/data): ResNet-34 from
# scratch with SGD at lr_find's valley, SGD, momentum and RMSProp written as custom steppers,
# and Adam, three epochs of one cycle each, at 28 px; the plot goes to runs/compare.png. Extra
# arguments go to `descent compare`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --fetch-tools
swift build -c release --product descent
.build/release/descent compare --data mnist5k --arch resnet34 --size 28 --presize 32 --epochs 3 \
  --plot runs/compare.png "$@"
