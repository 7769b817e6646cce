# Reference values for SoftmaxLossTests.swift: log_softmax and cross_entropy, forward and
# backward, from PyTorch on fixed inputs. Run with a Python that has torch:
#   python Tests/DescentTensorTests/Reference/softmax_loss_reference.py
# and paste the printed literals into the test.
import math
import torch

def fixture(n, phase=0.0, scale=2.0):
    # Same formula as Fixture.values in the Swift tests.
    return [scale * math.sin(0.37 * i + phase) + 0.1 * math.cos(1.3 * i) for i in range(n)]

def lit(t):
    return "[" + ", ".join(f"{v:.8g}" for v in t.detach().flatten().tolist()) + "]"

x = torch.tensor(fixture(12), dtype=torch.float32).reshape(3, 4).requires_grad_()
g = torch.tensor(fixture(12, phase=1.0, scale=1.0), dtype=torch.float32).reshape(3, 4)
y = torch.log_softmax(x, dim=1)
y.backward(g)
print("logSoftmax forward:", lit(y))
print("logSoftmax grad:", lit(x.grad))

targets = torch.tensor([2, 0, 3])
for eps in (0.0, 0.1):
    x.grad = None
    loss = torch.nn.functional.cross_entropy(x, targets, label_smoothing=eps)
    loss.backward()
    print(f"crossEntropy eps={eps} loss:", f"{loss.item():.8g}")
    print(f"crossEntropy eps={eps} grad:", lit(x.grad))
