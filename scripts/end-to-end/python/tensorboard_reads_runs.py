# TensorBoard's EventAccumulator and HParams plugin read compare's and lr-find's --tensorboard events as their JSON and CSV have them (run with the tensorboard venv's python). Arguments: RUNS_JSON TB_FOLDER LR_FIND_CSV.
import csv, json, math, os, sys
from werkzeug.test import Client
from werkzeug.wrappers import Response
from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins import base_plugin
from tensorboard.plugins.hparams import api_pb2, hparams_plugin, plugin_data_pb2

r, root = json.load(open(sys.argv[1])), sys.argv[2]
close = lambda a, b: math.isclose(a, b, rel_tol=1e-6)  # float32 scalars against the JSON's doubles
runs = {f"{x['optimizer']}-seed{x['seed']}": x for x in r["runs"]}
assert sorted(os.listdir(root)) == sorted(list(runs) + ["lr_find-sgd-seed42"]), os.listdir(root)
for name, x in runs.items():
    ea = EventAccumulator(os.path.join(root, name), size_guidance={"scalars": 0})
    ea.Reload()
    # 40 training images in batches of 8: 5 batches an epoch. Epoch scalars sit at the batches
    # done by the epoch's end, as fastai's TensorBoardCallback puts them.
    for k in ("valid_loss", "accuracy"):
        got = [(s.step, s.value) for s in ea.Scalars(k)]
        want = [(5 * (e["epoch"] + 1), e[k]) for e in x["epochs"]]
        assert [s for s, _ in got] == [s for s, _ in want] and all(close(a, b) for (_, a), (_, b) in zip(got, want)), (name, k, got, want)
    for k in ("train_loss", "batch_loss", "lr_0", "mom_0"):
        assert [s.step for s in ea.Scalars(k)] == list(range(1, 6)), (name, k)
    assert all(s.value > 0 for s in ea.Scalars("images_per_second")), name
    hp = {tag: plugin_data_pb2.HParamsPluginData.FromString(c) for tag, c in ea.PluginTagToContent("hparams").items()}
    start = hp["_hparams_/session_start_info"].session_start_info.hparams
    assert start["optimizer"].string_value == x["optimizer"] and start["seed"].number_value == x["seed"], start
    assert close(start["lr"].number_value, x["lr"]) and start["arch"].string_value == "resnet18", start
    assert hp["_hparams_/session_end_info"].session_end_info.status == api_pb2.STATUS_SUCCESS, name

# The HParams plugin's own answers, as its tab asks for them: the experiment, and one row per run
# with its hyper-parameters and final valid_loss and accuracy.
mux = plugin_event_multiplexer.EventMultiplexer(tensor_size_guidance={"scalars": 0})
mux.AddRunsFromDirectory(root)
mux.Reload()
provider = data_provider.MultiplexerDataProvider(mux, root)
apps = hparams_plugin.HParamsPlugin(base_plugin.TBContext(logdir=root, multiplexer=mux, data_provider=provider)).get_plugin_apps()
def post(route, body):
    response = Client(apps[route], Response).post(route, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, (route, response.get_data())
    return json.loads(response.get_data())
experiment = post("/experiment", {"experimentName": ""})
assert [m["name"]["tag"] for m in experiment["metricInfos"]] == ["valid_loss", "accuracy"], experiment
assert {h["name"] for h in experiment["hparamInfos"] if h.get("differs")} == {"optimizer", "seed", "lr"}, experiment
groups = post("/session_groups", {"experimentName": "", "startIndex": 0, "sliceSize": 100,
                                  "allowedStatuses": ["STATUS_SUCCESS"]})["sessionGroups"]
assert sorted(g["name"] for g in groups) == sorted(runs), groups
for g in groups:
    x = runs[g["name"]]
    assert g["hparams"]["optimizer"] == x["optimizer"] and g["hparams"]["seed"] == x["seed"], g
    final = {m["name"]["tag"]: m["value"] for m in g["metricValues"]}
    assert close(final["valid_loss"], x["epochs"][-1]["valid_loss"]) and close(final["accuracy"], x["epochs"][-1]["accuracy"]), (g, x)

# lr-find's curve: lr_find/lr and lr_find/loss at the same steps, as its CSV has them.
ea = EventAccumulator(os.path.join(root, "lr_find-sgd-seed42"), size_guidance={"scalars": 0})
ea.Reload()
rows = list(csv.DictReader(open(sys.argv[3])))
for tag, column in (("lr_find/lr", "lr"), ("lr_find/loss", "smooth_loss")):
    got = ea.Scalars(tag)
    assert [s.step for s in got] == list(range(1, len(rows) + 1)), tag
    assert all(close(s.value, float(row[column])) for s, row in zip(got, rows)), tag
