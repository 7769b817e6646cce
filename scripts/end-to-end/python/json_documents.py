# train, lr-find, predict and interpret --json: one JSON document each with the expected fields. Argument: FOLDER (train.json, lr.json, predict.json, interp.json).
import json, sys
d = sys.argv[1]
train = json.load(open(d + "/train.json"))
assert train["optimizer"] == "adam" and train["arch"] == "resnet18" and len(train["epochs"]) == 1, train
assert 0 <= train["epochs"][0]["accuracy"] <= 1 and train["saved"].endswith("m.safetensors"), train
lr = json.load(open(d + "/lr.json"))
assert set(lr["suggestions"]) == {"valley", "slide", "minimum", "steep"} and lr["suggestions"]["valley"] > 0 and lr["curve"], lr
predict = json.load(open(d + "/predict.json"))
assert len(predict["images"]) == 2 and all(abs(sum(t["probability"] for t in i["top"]) - 1) < 2e-3 for i in predict["images"]), predict
interp = json.load(open(d + "/interp.json"))
assert interp["classes"] == ["a", "b"] and sum(map(sum, interp["confusion_matrix"])) == interp["images"] == 4, interp
assert len(interp["top_losses"]) == 2, interp
