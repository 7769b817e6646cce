# compare of every catalog optimizer beyond the study: the newer ones ran, each at its default lr, finite losses. Arguments: RUNS_JSON CATALOG_JSON.
import json, math, sys
r = json.load(open(sys.argv[1]))
catalog = {o["name"]: o["lr"] for o in json.load(open(sys.argv[2]))["optimizers"]}
names = [x["optimizer"] for x in r["runs"]]
for needed in ("lion", "adopt", "ademamix", "muon", "sf-adamw", "sf-sgd", "prodigy", "adafactor", "cautious-adam",
               "cautious-lion", "radam", "qhadam", "lamb", "larc", "ranger"):
    assert needed in names, (needed, names)
for x in r["runs"]:
    assert x["lr"] == catalog[x["optimizer"]], x
    e = x["epochs"][-1]
    assert math.isfinite(e["train_loss"]) and math.isfinite(e["valid_loss"]) and 0 <= e["accuracy"] <= 1, x
