# bench train --json --profile on stdin (resnet18 at 32 px): every figure positive, the model's GFLOPs, the profile's conv passes. No arguments.
import json, sys
r = json.load(sys.stdin)
for k in ("images_per_sec", "step_ms", "model_gflops_per_image", "achieved_gflops", "peak_sgemm_gflops",
          "bf16_gemm_gflops", "achieved_fraction_of_limit", "peak_rss_mb"):
    assert r[k] > 0, k
# resnet18 at 32 px: 1.82 GFLOPs at 224 px scaled by (32/224)², times 3.
assert abs(r["model_gflops_per_image"] - 3 * 0.0740) < 0.01, r
# --profile: ms per kind of op, and GFLOP/s for the three convolution passes alone.
p = r["profile"]
convs = {"conv forward", "conv backward data", "conv backward weights"}
assert p["step_ms"] > 0 and all(p["ms_per_step"][k] > 0 for k in convs | {"batch norm", "optimizer"}), p
assert set(p["gflops"]) == convs and all(v > 0 for v in p["gflops"].values()), p
print(r)
