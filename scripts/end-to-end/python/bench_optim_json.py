# bench optim --json on stdin: each catalog optimizer that moves bytes, and the extra chains, timed against the copy bandwidth. Argument: CATALOG (descent optimizers --json).
import json, sys
r = json.load(sys.stdin)
catalog = json.load(open(sys.argv[1]))["optimizers"]
assert r["copy_gbps"] > 0 and r["parameters"] == 21797672, r
keys = [o["name"].replace("-", "_") for o in catalog if o["step_bytes"]] + ["sgd_momentum", "adam_tensor_steppers"]
for k in ("adam", "sgd_momentum", "rmsprop", "lamb", "adam_tensor_steppers", "lion", "adopt", "ademamix",
          "cautious_adam", "sf_adamw", "prodigy", "adafactor"):
    assert k in keys, k
for k in keys:
    assert r[k]["ms"] > 0 and r[k]["gbps"] > 0 and r[k]["copy_gbps"] > 0, k
    assert abs(r[k]["x_copy"] - r[k]["gbps"] / r[k]["copy_gbps"]) < 1e-9, k
assert r["muon"]["ms"] > 0 and r["muon"]["newton_schulz_gflops"] > 0 and r["peak_sgemm_gflops"] > 0, r["muon"]
print(r)
