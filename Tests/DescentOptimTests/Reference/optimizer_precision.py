# The exact trajectories behind OptimizerPrecisionTests.swift: fastai's own optimizers (fastai
# 2.8), the seed's callbacks and newer optimizers from their own packages (lion-pytorch, pytorch-optimizer), run
# on the same float32 inputs twice — in float64 (the exact trajectory) and in float32 (the
# reference's own rounding error). Writes
# ../OptimizerPrecisionValues.swift:
#   python Tests/DescentOptimTests/Reference/optimizer_precision.py
# Setup (mirrored in the Swift test): four parameters in two groups (lr 1e-2 and 3e-3), one of
# them a single element; `do_wd` false on the second; 25 steps of fixed float32 gradients given
# by a formula, 30× larger every 7th step.
import math, pathlib, sys
import torch
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fastai_cases import fastai_cases
from lion_pytorch import Lion  # pip install lion-pytorch
from pytorch_optimizer import ADOPT, AdEMAMix  # pip install pytorch-optimizer (4.1)
from pytorch_optimizer import Lion as PackageLion
from schedulefree import AdamWScheduleFree, SGDScheduleFree  # pip install schedulefree (1.4)
from prodigyopt import Prodigy  # pip install prodigyopt (1.1)
from functools import partial
from fastai.optimizer import Optimizer, weight_decay, average_grad, average_sqr_grad, step_stat, debias
from muon_reference import MuonWithAdamW  # torch.optim.Muon, Newton–Schulz in the params' dtype

SHAPES = [[(1,), (3, 4)], [(7,), (2, 5)]]
LRS = [1e-2, 3e-3]
STEPS = 25

def initial(j, n):
    return [0.8 * math.sin(0.23 * i + j) + 0.1 for i in range(n)]

def gradient(j, t, n):
    scale = 30.0 if t % 7 == 6 else 1.0
    return [scale * (0.5 * math.sin(0.37 * i + 0.7 * j + 0.3 * t) + 0.05 * (t % 3)) for i in range(n)]

def float32s(values):
    return torch.tensor(values, dtype=torch.float32)

def make_params(dtype):
    groups, j = [], 0
    for shapes in SHAPES:
        group = []
        for s in shapes:
            n = math.prod(s)
            group.append(float32s(initial(j, n)).to(dtype).reshape(s).requires_grad_())
            j += 1
        groups.append(group)
    return groups

def cautious_adam_step(p, lr, mom, step, sqr_mom, grad_avg, sqr_avg, eps, **kwargs):
    "fastai's adam_step with the Cautious Optimizers paper's mask on its update"
    debias1, debias2 = debias(mom, 1 - mom, step), debias(sqr_mom, 1 - sqr_mom, step)
    update = grad_avg / ((sqr_avg / debias2).sqrt() + eps)
    mask = (update * p.grad > 0).to(update.dtype)
    mask.mul_(mask.numel() / (mask.sum() + 1))
    p.data.add_(update * mask, alpha=-lr / debias1)
    return p

CASES = fastai_cases(LRS)
# fastai's Adam chain with the cautious step: the composition Descent's CautiousAdam is.
CASES["cautiousAdam"] = lambda ps: Optimizer(
    ps, [weight_decay, partial(average_grad, dampening=True), average_sqr_grad, step_stat, cautious_adam_step],
    lr=LRS, mom=0.9, sqr_mom=0.99, eps=1e-5, wd=0.1)

def torch_groups(groups, wd):
    """PyTorch's param groups for the same setup: the second tensor in a group of its own with
    no weight decay (fastai's do_wd=False), at its group's lr."""
    (a, b), rest = groups[0], groups[1]
    return [{'params': [a], 'lr': LRS[0], 'weight_decay': wd}, {'params': [b], 'lr': LRS[0], 'weight_decay': 0.0},
            {'params': rest, 'lr': LRS[1], 'weight_decay': wd}]

def one_lr(groups, wd, lr=1.0):
    """torch_groups at one lr for every group (Prodigy refuses different ones)."""
    return [dict(g, lr=lr) for g in torch_groups(groups, wd)]

# Optimizers from their own packages (torch.optim.Optimizer), on the same setup.
TORCH_CASES = {
    "lion": lambda gs: Lion(torch_groups(gs, 0.0)),
    "lionWD": lambda gs: Lion(torch_groups(gs, 0.1)),
    "adopt": lambda gs: ADOPT(torch_groups(gs, 0.0)),
    "adoptL2": lambda gs: ADOPT(torch_groups(gs, 0.1)),
    "ademamix": lambda gs: AdEMAMix(torch_groups(gs, 0.0)),
    "ademamixWarmupL2": lambda gs: AdEMAMix(torch_groups(gs, 0.1), t_alpha_beta3=10.0),
    "cautiousLionWD": lambda gs: PackageLion(torch_groups(gs, 0.1), cautious=True),
    "cautiousAdoptL2": lambda gs: ADOPT(torch_groups(gs, 0.1), cautious=True),
    # Schedule-free: "…Eval" cases end with optimizer.eval(), the parameters at x.
    "sfAdamW": lambda gs: AdamWScheduleFree(torch_groups(gs, 0.0)),
    "sfAdamWWarmupWDEval": lambda gs: AdamWScheduleFree(torch_groups(gs, 0.1), warmup_steps=5),
    "sfSGDWarmupWD": lambda gs: SGDScheduleFree(torch_groups(gs, 0.1), warmup_steps=5),
    "sfSGDEval": lambda gs: SGDScheduleFree(torch_groups(gs, 0.0), weight_lr_power=0.0, r=1.0),
    # eps1 given: its default, the dtype's epsilon, would differ between the two runs.
    "adafactor": lambda gs: torch.optim.Adafactor(torch_groups(gs, 0.0), eps=(1.1920928955078125e-07, 1e-3)),
    "adafactorWDClip": lambda gs: torch.optim.Adafactor(torch_groups(gs, 0.1), eps=(1.1920928955078125e-07, 1e-3), d=1.5),
    "prodigy": lambda gs: Prodigy(one_lr(gs, 0.0)),
    "prodigyWD": lambda gs: Prodigy(one_lr(gs, 0.1)),
    "prodigyWDGrowth": lambda gs: Prodigy(one_lr(gs, 0.1), d_coef=2.0, growth_rate=1.2),
    # With L2 decay d stays at d0 over 25 steps; a larger d0 makes the step visible.
    "prodigyL2BiasCorrectionSafeguard": lambda gs: Prodigy(one_lr(gs, 0.1, lr=0.5), decouple=False, d0=1e-3,
                                                           use_bias_correction=True, safeguard_warmup=True),
    "muon": lambda gs: MuonWithAdamW(torch_groups(gs, 0.1), adjust_lr_fn="match_rms_adamw"),
    "muonNoNesterov": lambda gs: MuonWithAdamW(torch_groups(gs, 0.1), nesterov=False, adjust_lr_fn="match_rms_adamw"),
    "muonOriginalLR": lambda gs: MuonWithAdamW(torch_groups(gs, 0.1), adjust_lr_fn="original"),
}

def run(name, make, dtype, torch_optimizer=False):
    groups = make_params(dtype)
    opt = make(groups)
    params = [p for g in groups for p in g]
    if not torch_optimizer:
        opt.state[params[1]]['do_wd'] = False
    if hasattr(opt, 'train'):
        opt.train()  # schedule-free optimizers step only in train mode
    for t in range(STEPS):
        for j, p in enumerate(params):
            p.grad = float32s(gradient(j, t, p.numel())).to(dtype).reshape(p.shape)
        opt.step()
    if name.endswith("Eval"):
        opt.eval()
    return [p.detach().double().flatten().tolist() for p in params]

lines = ["// Generated by Reference/optimizer_precision.py (fastai 2.8, PyTorch "
         + torch.__version__.split("+")[0] + ") — do not edit.",
         "enum OptimizerPrecisionReference {",
         "  /// Every parameter, flattened in order, after 25 steps computed in float64: the exact",
         "  /// trajectory from the float32 inputs.",
         "  static let exact: [String: [Double]] = ["]
errors = []
for name, make, is_torch in [(n, m, False) for n, m in CASES.items()] + [(n, m, True) for n, m in TORCH_CASES.items()]:
    exact, single = run(name, make, torch.float64, is_torch), run(name, make, torch.float32, is_torch)
    flat = ", ".join(f"{v!r}" for p in exact for v in p)
    lines.append(f'    "{name}": [{flat}],')
    errors.append((name, [max(abs(a - b) for a, b in zip(p64, p32)) for p64, p32 in zip(exact, single)]))
lines += ["  ]",
          "  /// fastai's own float32 error on each parameter tensor: max |p32 − p64|.",
          "  static let float32Error: [String: [Double]] = ["]
for name, errs in errors:
    lines.append(f'    "{name}": [{", ".join(f"{e!r}" for e in errs)}],')
lines += ["  ]", "}", ""]
out = pathlib.Path(__file__).resolve().parent.parent / "OptimizerPrecisionValues.swift"
out.write_text("\n".join(lines))
print("wrote", out)
