# Values behind AdafactorTests.swift: torch.optim.Adafactor factors the last two dimensions of
# a conv-shaped weight — [3, 4, 3, 3] (twelve 3×3 kernels) and [4, 5, 1, 1] (a 1×1 convolution:
# twenty 1×1 matrices) — in float64, 6 steps, wd 0.1.
#   python Tests/DescentOptimTests/Reference/adafactor_conv.py
import math, torch

def run(shape, name):
    n = math.prod(shape)
    p = torch.tensor([0.7 * math.sin(0.41 * i) + 0.05 for i in range(n)], dtype=torch.float32).double().reshape(shape).requires_grad_()
    opt = torch.optim.Adafactor([p], lr=3e-2, weight_decay=0.1, eps=(1.1920928955078125e-07, 1e-3))
    for t in range(6):
        p.grad = torch.tensor([math.cos(0.29 * i + 0.8 * t) * (1 + i % 5) for i in range(n)], dtype=torch.float32).double().reshape(shape)
        opt.step()
    state = opt.state[p]
    fmt = lambda t: ", ".join(repr(v) for v in t.flatten().tolist())
    print(f"  static let {name}: Expected = (")
    print(f"    parameter: [{fmt(p.detach())}],")
    print(f"    rowVar: [{fmt(state['row_var'])}],  // shape {list(state['row_var'].shape)}")
    print(f"    colVar: [{fmt(state['col_var'])}])  // shape {list(state['col_var'].shape)}")

run((3, 4, 3, 3), "kernels3x3")
run((4, 5, 1, 1), "kernels1x1")
