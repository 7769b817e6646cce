# fastai's optimizers (fastai 2.8) and the seed's own callbacks run in fastai's Optimizer, by the
# case names the Swift tests use; shared by optimizer_reference.py and optimizer_precision.py.
from fastai.optimizer import (Optimizer, SGD, RMSProp, Adam, RAdam, QHAdam, Larc, Lamb, Lookahead, ranger)
from seed_steppers import sgd_cb, momentum_step, average_square_grad, rms_prop_step
import seed_steppers

def rmsprop_eps(ps, lr, **kw):
    opt = RMSProp(ps, lr, **kw)
    opt.set_hyper('eps', 1e-3)  # fastai's RMSProp drops its eps argument; Descent's takes it
    return opt

def fastai_cases(lrs):
    """Each case's factory over parameter groups, at the per-group learning rates `lrs`."""
    return {
        "sgd": lambda ps: SGD(ps, lrs),
        "sgdWD": lambda ps: SGD(ps, lrs, wd=0.1),
        "sgdL2": lambda ps: SGD(ps, lrs, wd=0.1, decouple_wd=False),
        "momentum": lambda ps: SGD(ps, lrs, mom=0.9, wd=0.1),
        "rmsprop": lambda ps: RMSProp(ps, lrs),
        "rmspropMomEps": lambda ps: rmsprop_eps(ps, lrs, mom=0.9, wd=0.1),
        "adam": lambda ps: Adam(ps, lrs),
        "adamNoWD": lambda ps: Adam(ps, lrs, wd=0.),
        "adamL2": lambda ps: Adam(ps, lrs, wd=0.1, decouple_wd=False),
        "radam": lambda ps: RAdam(ps, lrs, wd=0.1),
        "sadam": lambda ps: RAdam(ps, lrs, beta=2.0),
        "qhadam": lambda ps: QHAdam(ps, lrs, wd=0.1),
        "larc": lambda ps: Larc(ps, lrs, wd=0.1),
        "lars": lambda ps: Larc(ps, lrs, clip=False, mom=0.),
        "lamb": lambda ps: Lamb(ps, lrs, wd=0.1),
        "lookahead": lambda ps: Lookahead(SGD(ps, lrs, mom=0.9), k=6, alpha=0.5),
        "ranger": lambda ps: ranger(ps, lrs),
        # The seed's own callbacks, with the hyper-parameters the seed passes to Optimizer.
        "customSGD": lambda ps: Optimizer(ps, [sgd_cb], lr=lrs),
        "customMomentum": lambda ps: Optimizer(ps, [seed_steppers.average_grad, momentum_step], lr=lrs, mom=0.9),
        "customRMSProp": lambda ps: Optimizer(ps, [average_square_grad, rms_prop_step], lr=lrs, square_mom=0.99, eps=1e-8),
    }
