"""Why ResNetReferenceTests uses 48×48 input for resnet18 and 64×64 for resnet34.

A deep ReLU + train-mode batch-norm network's first-layer gradient is discontinuous: a
pre-activation within rounding distance of zero, or a batch-norm channel of nearly constant
values, lets a 1e-7 difference in the forward pass move conv1's gradient by percents. This
script measures it with PyTorch alone: conv1's gradient with oneDNN (mkldnn) convolutions and
with PyTorch's native ones, each against float64 (relative L2 error). Where PyTorch disagrees
with itself no implementation can be checked; the test uses sizes where both agree to 1e-5.
Measured (PyTorch 2.15):
    resnet18 8 48 0.3 mkldnn 2.7e-06  native 2.9e-06
    resnet18 16 48 0.3 mkldnn 2.3e-06  native 2.6e-02
    resnet34 8 48 0.3 mkldnn 5.6e-06  native 4.1e-03
    resnet34 8 48 0.7 mkldnn 2.2e-02  native 6.1e-06
    resnet34 8 64 0.3 mkldnn 5.6e-06  native 6.1e-06
Run with /work/torchenv/bin/python from the test folder.
"""
import torch, torchvision, torch.nn.functional as F
exec(open('Reference/resnet_reference.py').read().split('here = os.path')[0])  # values, fill
def grads(arch, bs, size, phase, mkldnn, dt=torch.float32):
    torch.backends.mkldnn.enabled = mkldnn
    x = values(bs * 3 * size * size, phase).reshape(bs, 3, size, size).to(dt)
    labels = torch.arange(bs) % 10
    model = getattr(torchvision.models, arch)(num_classes=10); fill(model); model = model.to(dt); model.train()
    F.cross_entropy(model(x), labels).backward()
    return model.conv1.weight.grad.double()
for arch in ("resnet18", "resnet34"):
  for bs, size, phase in [(8, 48, 0.3), (8, 48, 0.7), (16, 48, 0.3), (8, 64, 0.3), (8, 40, 0.3)]:
    a = grads(arch, bs, size, phase, True); b = grads(arch, bs, size, phase, False); c = grads(arch, bs, size, phase, True, torch.float64)
    r = lambda u: ((u - c).norm() / c.norm()).item()
    print(arch, bs, size, phase, "mkldnn %.1e  native %.1e" % (r(a), r(b)))
