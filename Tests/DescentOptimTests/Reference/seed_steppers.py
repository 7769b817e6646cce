# The seed's five custom steppers, copied from the seed (the fastai blog post on optimizers) as its
# author wrote them: shared by optimizer_reference.py and scripts/reference/fastai_compare.py.
# Note the damped average_grad, the square_mom/square_avg names, and rms_prop_step dividing the
# raw gradient (its grad_avg argument is unused). The seed passes the hyper-parameters to the
# Optimizer: mom=0.9 for momentum, square_mom=0.99 and eps=1e-8 for RMSProp.
import torch

def sgd_cb(p, lr, **kwargs): 
    p.data.add_(p.grad.data, alpha=-lr)

def average_grad(p, mom, grad_avg=None, **kwargs):
    # mom is short for momentum
    if grad_avg is None:
        grad_avg = torch.zeros_like(p.grad.data)
    return {'grad_avg': mom * grad_avg + (1 - mom) * p.grad.data}
def momentum_step(p, lr, grad_avg, **kwargs):
    p.data.add_(grad_avg, alpha=-lr)

def average_square_grad(p, square_mom, square_avg=None, **kwargs):
    if square_avg is None: 
        square_avg = torch.zeros_like(p.grad.data)
    return {'square_avg': square_mom * square_avg + (1 - square_mom) * p.grad.data ** 2}

def rms_prop_step(p, lr, square_avg, eps, grad_avg=None, **kwargs):
    denom = square_avg.sqrt().add_(eps)
    p.data.addcdiv_(p.grad, denom, value=-lr)
