# compare --opts sgd,adam --epochs 2 --json: both runs, their lrs (lr-find for sgd only) and sane epochs. Argument: RUNS_JSON.
import json, sys
r = json.load(open(sys.argv[1]))
assert [run["optimizer"] for run in r["runs"]] == ["sgd", "adam"], r
for run in r["runs"]:
    assert run["lr"] > 0 and len(run["epochs"]) == 2, run
    assert (run["lr_find_seconds"] > 0) == (run["optimizer"] == "sgd"), run
    for e in run["epochs"]:
        assert e["train_loss"] > 0 and e["valid_loss"] > 0 and 0 <= e["accuracy"] <= 1 and e["seconds"] > 0, e
