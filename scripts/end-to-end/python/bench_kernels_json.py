# bench kernels --json on stdin: every figure present and positive. No arguments.
import json, sys
r = json.load(sys.stdin)
for k in ("peak_sgemm_gflops", "bf16_gemm_gflops", "sgemm_gflops", "copy_gbps", "matmul_gflops"):
    assert isinstance(r[k], (int, float)) and r[k] > 0, k
conv = r["conv_gflops"]
for k in ("64x32x32", "128x16x16", "256x8x8", "stem7x7s2", "mean"):
    assert conv[k] > 0, k
for k in ("batchnorm_gbps", "add_relu_gbps", "bn_add_relu_gbps"):
    assert r[k]["float32"] > 0 and r[k]["bfloat16"] > 0, k
print(r)
