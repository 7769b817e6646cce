"""Prints PyTorch conv2d values as Swift literals for ConvolutionKernelTests.swift.

Inputs come from closed-form formulas (no random numbers), which the Swift test recomputes:
  input[i]      = sin(0.37 i)
  weight[i]     = 0.5 cos(0.23 i)
  bias[i]       = 0.1 i - 0.2
  gradOutput[i] = sin(0.11 i + 1)
with i the flat index in NCHW / OIHW order. The loss is sum(output * gradOutput), so the
gradients printed are those of conv2d for that upstream gradient.

Run: /work/torchenv/bin/python Tests/DescentTensorTests/Reference/conv2d_reference.py
"""
import math
import textwrap

import torch

torch.set_default_dtype(torch.float64)  # reference values in double, compared at 1e-4


def formula(shape, f):
    n = math.prod(shape)
    return torch.tensor([f(i) for i in range(n)]).reshape(shape)


def literal(name, t):
    values = [f"{v:.8g}," for v in t.flatten().tolist()]
    lines = textwrap.wrap(" ".join(values), width=96)
    body = "\n".join("    " + line for line in lines)
    return f"  static let {name}: [Float] = [\n{body}\n  ]"


def case(name, n, cin, cout, h, w, kh, kw, stride, padding, dilation, groups, bias):
    x = formula((n, cin, h, w), lambda i: math.sin(0.37 * i)).requires_grad_()
    wt = formula((cout, cin // groups, kh, kw), lambda i: 0.5 * math.cos(0.23 * i)).requires_grad_()
    b = formula((cout,), lambda i: 0.1 * i - 0.2).requires_grad_() if bias else None
    y = torch.nn.functional.conv2d(x, wt, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    gy = formula(tuple(y.shape), lambda i: math.sin(0.11 * i + 1))
    (y * gy).sum().backward()
    print(f"enum {name} {{")
    print(literal("output", y.detach()))
    print(literal("gradInput", x.grad))
    print(literal("gradWeight", wt.grad))
    if bias:
        print(literal("gradBias", b.grad))
    print("}")


# Stride 2, padding 1, bias.
case("TorchStride2Pad1Bias", n=2, cin=3, cout=4, h=7, w=6, kh=3, kw=3,
     stride=2, padding=1, dilation=1, groups=1, bias=True)
# Groups 2, dilation 2, padding 2, no bias, non-square input.
case("TorchGroups2Dilation2", n=1, cin=4, cout=6, h=7, w=8, kh=3, kw=3,
     stride=1, padding=2, dilation=2, groups=2, bias=False)
