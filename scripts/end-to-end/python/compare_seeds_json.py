# compare --seeds 42,7,3: every optimizer at every seed, seed 7 alone repeats seed 7, the summary's means, sds and paired differences. Arguments: RUNS_JSON ONE_SEED_JSON.
import json, statistics, sys
r, one = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert [(x["optimizer"], x["seed"]) for x in r["runs"]] == [
    ("sgd-custom", 42), ("sgd-custom", 7), ("sgd-custom", 3), ("adam", 42), ("adam", 7), ("adam", 3)], r["runs"]
final = {(x["optimizer"], x["seed"]): x["epochs"][-1] for x in r["runs"]}
same = lambda e: {k: v for k, v in e.items() if k != "seconds"}
assert same(final[("adam", 7)]) == same(one["runs"][0]["epochs"][-1]), "seed 7 alone must repeat seed 7 of --seeds"
s = r["summary"]
assert s["seeds"] == [42, 7, 3]
for o in s["optimizers"]:
    acc = [final[(o["optimizer"], seed)]["accuracy"] for seed in (42, 7, 3)]
    assert o["accuracy"]["values"] == acc
    assert abs(o["accuracy"]["mean"] - statistics.mean(acc)) < 1e-12
    assert abs(o["accuracy"]["std"] - statistics.stdev(acc)) < 1e-12
    if o["optimizer"] != s["best"]:
        best = [final[(s["best"], seed)]["accuracy"] for seed in (42, 7, 3)]
        d = [a - b for a, b in zip(acc, best)]
        v = o["accuracy_vs_best"]
        assert abs(v["mean"] - statistics.mean(d)) < 1e-12
        assert abs(v["standard_error"] - statistics.stdev(d) / 3 ** 0.5) < 1e-12
        assert v["beyond_two_standard_errors"] == (abs(v["mean"]) > 2 * v["standard_error"])
