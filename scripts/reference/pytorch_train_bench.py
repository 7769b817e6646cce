# PyTorch reference for `descent bench train`: the same full training step (forward,
# cross-entropy, backward, Adam) on random images, median of 5 steps after 2 warm-ups, on all
# cores. Run with a Python that has torch and torchvision (not needed by Descent itself).
import time, torch, torchvision, sys
torch.manual_seed(0)
for arch, size, bs in [("resnet34", 64, 64), ("resnet18", 32, 128), ("resnet34", 128, 32)]:
    m = getattr(torchvision.models, arch)(num_classes=10)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    x = torch.randn(bs, 3, size, size); y = torch.arange(bs) % 10
    def step():
        opt.zero_grad(); loss = torch.nn.functional.cross_entropy(m(x), y); loss.backward(); opt.step()
    for _ in range(2): step()
    ts = []
    for _ in range(5):
        t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
    med = sorted(ts)[2]
    print(arch, size, bs, f"{bs/med:.1f} img/s", f"{med*1e3:.0f} ms", torch.get_num_threads(), "threads")
