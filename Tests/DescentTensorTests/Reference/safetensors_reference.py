"""Writes Resources/reference.safetensors with the real safetensors library.

SafetensorsTests decodes this file and checks that Descent encodes the same tensors to the same
bytes. Run with a Python that has torch and safetensors:

    python Tests/DescentTensorTests/Reference/safetensors_reference.py

Metadata has a single key: the reference writes metadata keys from a hash map, in an order that
changes from run to run, so only a one-key metadata has a fixed byte layout.
"""

import pathlib

import safetensors
import torch
from safetensors.torch import save_file

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "Resources" / "reference.safetensors"

# F32 values round from Python floats (doubles) to float32, as Swift Float literals do.
weight = torch.tensor([[0.5, -1.25, 3.0], [0.1, -0.0, 1e-8]], dtype=torch.float32)
step = torch.tensor(7.0, dtype=torch.float32)  # a scalar, shape []
# F16 from float32 (round to nearest, ties to even): 1+2^-11 ties down to 1, 1+3*2^-11 ties up
# to 1+2^-9, 0.1 and 1/3 round, 1e-5 is subnormal, 70000 overflows to inf.
half32 = torch.tensor(
    [1 + 2**-11, 1 + 3 * 2**-11, 0.1, 1 / 3, -2.5, 65504.0, 1e-5, 70000.0], dtype=torch.float32
)
half = half32.to(torch.float16).reshape(2, 4)

save_file({"weight": weight, "step": step, "half": half}, str(OUT), metadata={"format": "torch"})

print("safetensors", safetensors.__version__, "torch", torch.__version__)
print("wrote", OUT, OUT.stat().st_size, "bytes")
print("half bits:", [hex(b & 0xFFFF) for b in half.reshape(-1).view(torch.int16).tolist()])
print("half values:", half.reshape(-1).float().tolist())
