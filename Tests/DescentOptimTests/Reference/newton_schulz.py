# The values NewtonSchulzTests.swift checks Descent's orthogonalization against: torch.optim.Muon's
# Newton–Schulz iteration (default coefficients and eps) in float64 on float32 inputs, for a wide, a
# tall, a square and a conv-shaped matrix (viewed as out × in·kh·kw), with torch's own float32 error
# on each (max |x32 − x64|). Prints the Swift literals:
#   python Tests/DescentOptimTests/Reference/newton_schulz.py
import math, pathlib, sys
import torch
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from muon_reference import newton_schulz_in_param_dtype
from torch.optim._muon import DEFAULT_A, DEFAULT_B, DEFAULT_C, EPS

CASES = [("wide", (3, 5), 5), ("tall", (6, 4), 5), ("square", (5, 5), 5), ("conv", (4, 2, 2, 2), 5), ("twoSteps", (3, 7), 2)]

def matrix(shape, k):
    n = math.prod(shape)
    values = torch.tensor([math.sin(0.7 * i + 1.3 * k) + 0.2 * math.cos(2.1 * i) for i in range(n)], dtype=torch.float32)
    return values.reshape(shape[0], -1)

for k, (name, shape, steps) in enumerate(CASES):
    g = matrix(shape, k)
    exact = newton_schulz_in_param_dtype(g.double(), (DEFAULT_A, DEFAULT_B, DEFAULT_C), steps, EPS)
    single = newton_schulz_in_param_dtype(g, (DEFAULT_A, DEFAULT_B, DEFAULT_C), steps, EPS)
    error = (single.double() - exact).abs().max().item()
    values = ", ".join(repr(v) for v in exact.flatten().tolist())
    print(f'    ("{name}", {list(shape)}, {steps}, {error!r}, [{values}]),')
