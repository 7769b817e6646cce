#!/usr/bin/env bash
# A package of one's own in the study: builds Examples/CustomOptimizer (which depends on this
# repository by path, as a user's package would by URL) and runs its `study compare` with the
# built-in RMSProp, the same steppers written in the example (`my-rmsprop`) and AdaBelief, an
# optimizer Descent does not ship. The same steppers must train to the same numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --package-path Examples/CustomOptimizer --product study
study=Examples/CustomOptimizer/.build/release/study
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$study" optimizers --json | python3 -c '
import json, sys
names = [o["name"] for o in json.load(sys.stdin)["optimizers"]]
assert names[-2:] == ["my-rmsprop", "adabelief"] and "rmsprop" in names, names'
"$study" data bench --images 44 --batch-size 8 --folder "$dir/j" >/dev/null
"$study" compare --data "$dir/j" --arch resnet18 --size 32 --presize 40 --bs 8 --epochs 1 \
  --opts rmsprop,my-rmsprop,adabelief --seeds 42,1 --json "$dir/runs.json" --plot "$dir/compare.png" >"$dir/out.txt"
python3 - "$dir/runs.json" "$dir/out.txt" <<'PY'
import json, math, sys
r = json.load(open(sys.argv[1]))
runs = {(x["optimizer"], x["seed"]): x for x in r["runs"]}
assert sorted(runs) == sorted((o, s) for o in ("rmsprop", "my-rmsprop", "adabelief") for s in (42, 1)), sorted(runs)
for seed in (42, 1):
    built_in, mine = runs[("rmsprop", seed)]["epochs"], runs[("my-rmsprop", seed)]["epochs"]
    for a, b in zip(built_in, mine):
        assert (a["train_loss"], a["valid_loss"], a["accuracy"]) == (b["train_loss"], b["valid_loss"], b["accuracy"]), (a, b)
    e = runs[("adabelief", seed)]["epochs"][-1]
    assert math.isfinite(e["train_loss"]) and math.isfinite(e["valid_loss"]) and 0 <= e["accuracy"] <= 1, e
out = open(sys.argv[2]).read()
assert "RMSProp (my steppers)" in out and "AdaBelief" in out and "my-rmsprop" in out, out
print("ok   custom optimizers in the study: my-rmsprop trains as rmsprop, adabelief trains")
PY
# bench optim times a registered optimizer that gives its bytes, beside the built-in one.
"$study" bench optim --json --steps 1 --only rmsprop,my_rmsprop | python3 -c '
import json, sys
r = json.load(sys.stdin)
for k in ("rmsprop", "my_rmsprop"):
    assert r[k]["ms"] > 0 and r[k]["x_copy"] > 0, (k, r)
print("ok   bench optim times my_rmsprop beside rmsprop")'
