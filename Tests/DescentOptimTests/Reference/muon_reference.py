# torch.optim.Muon (PyTorch >= 2.9) as the Muon tests use it: its Newton–Schulz iteration run in
# the parameter's own dtype, and Muon stepped together with AdamW the way Descent routes them.
# Shared by optimizer_precision.py and newton_schulz.py.
import torch
import torch.optim._muon

def newton_schulz_in_param_dtype(g, coefficients, steps, eps):
    """torch.optim.Muon's orthogonalization without its cast to bfloat16 (a GPU speed choice
    that would leave no exact float64 trajectory to measure against). The same float ops
    otherwise: scale to unit Frobenius norm (floored at eps), then per step A = X·Xᵀ,
    B = b·A + c·A·A, X = a·X + B·X, on the wide orientation of the matrix."""
    a, b, c = coefficients
    tall = g.size(0) > g.size(1)
    x = g.T if tall else g
    x = x / x.norm().clamp(min=eps)
    for _ in range(steps):
        gram = x @ x.T
        x = torch.addmm(x, torch.addmm(gram, gram, gram, beta=b, alpha=c), x, beta=a)
    return x.T if tall else x

# torch.optim.Muon looks its orthogonalization up at each step.
torch.optim._muon._zeropower_via_newtonschulz = newton_schulz_in_param_dtype

class MuonWithAdamW:
    """torch.optim.Muon on the 2-D tensors of each param group and torch.optim.AdamW on the
    others, stepped together: Descent's Muon with the rule "rank >= 2 -> Muon" and its AdamW
    defaults (betas (0.9, 0.95), eps 1e-8)."""
    def __init__(self, groups, **muon):
        def split(keep):
            return [dict(g, params=ps) for g in groups if (ps := [p for p in g['params'] if keep(p)])]
        self.optimizers = [torch.optim.Muon(split(lambda p: p.ndim >= 2), **muon),
                           torch.optim.AdamW(split(lambda p: p.ndim < 2), betas=(0.9, 0.95), eps=1e-8)]

    def step(self):
        for o in self.optimizers:
            o.step()
