# The seed's custom steppers, as a fastai user writes them: shared by optimizer_reference.py
# and scripts/reference/fastai_compare.py.
import torch

def sgd_cb(p, lr, **kwargs): p.data.add_(p.grad.data, alpha=-lr)
def average_grad_cb(p, mom, grad_avg=None, **kwargs):
    if grad_avg is None: grad_avg = torch.zeros_like(p.grad.data)
    return {'grad_avg': grad_avg.mul_(mom).add_(p.grad.data)}
def momentum_step_cb(p, lr, grad_avg, **kwargs): p.data.add_(grad_avg, alpha=-lr)
def average_sqr_grad_cb(p, sqr_mom, sqr_avg=None, **kwargs):
    if sqr_avg is None: sqr_avg = torch.zeros_like(p.grad.data)
    return {'sqr_avg': sqr_avg.mul_(sqr_mom).addcmul_(p.grad.data, p.grad.data, value=1 - sqr_mom)}
def rms_prop_step_cb(p, lr, sqr_avg, eps, grad_avg=None, **kwargs):
    denom = sqr_avg.sqrt().add_(eps)
    p.data.addcdiv_(grad_avg if grad_avg is not None else p.grad.data, denom, value=-lr)
