# PyTorch reference for `descent bench train`: the same full training step (forward,
# cross-entropy, backward, Adam) on random images, median of 5 steps after the same warm-up as
# Descent's (two steps, then more up to 10 while a step still faults in over 4 MB of new pages), on all
# cores, in PyTorch's three CPU settings: plain NCHW float32, channels_last float32, and
# channels_last with bfloat16 autocast (its fastest, the counterpart of `--mixed-precision`).
# Run with a Python that has torch and torchvision (Descent itself never runs Python):
#   python pytorch_train_bench.py                       # docs/benchmarks.md's table
#   python pytorch_train_bench.py resnet34 128 32 cl-bf16
import sys, time, contextlib, resource, torch, torchvision

def bench(arch, size, bs, mode):
    torch.manual_seed(0)
    m = getattr(torchvision.models, arch)(num_classes=10)
    x = torch.randn(bs, 3, size, size); y = torch.arange(bs) % 10
    if mode != "nchw":
        m = m.to(memory_format=torch.channels_last); x = x.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if mode == "cl-bf16" else contextlib.nullcontext
    def step():
        opt.zero_grad()
        with autocast():
            loss = torch.nn.functional.cross_entropy(m(x), y)
        loss.backward(); opt.step()
    warmup = 0
    while True:
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        step(); warmup += 1
        if warmup >= 10 or (warmup >= 2 and resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults <= 1024): break
    ts = []
    for _ in range(5):
        t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
    med = sorted(ts)[2]
    print(arch, size, bs, mode, f"{bs/med:.1f} img/s", f"{med*1e3:.0f} ms", torch.get_num_threads(), "threads", warmup, "warm-up", flush=True)

if len(sys.argv) == 5:
    bench(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
else:
    for arch in ("resnet34", "resnet50"):
        for mode in ("nchw", "cl", "cl-bf16"):
            bench(arch, 128, 32, mode)
