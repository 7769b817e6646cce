# Two saved models' weights and buffers differ by at most TOLERANCE x the largest magnitude among B's. Arguments: A B TOLERANCE.
import json, struct, sys
def load(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__": continue
        a, b = info["data_offsets"]
        out[name] = struct.unpack("<%df" % ((b - a) // 4), raw[8 + n + a:8 + n + b])
    return out
a, b, tol = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
assert a.keys() == b.keys() and len(a) > 50, (len(a), len(b))
scale = max(max(abs(v) for v in t) for t in b.values())
worst = max((max(abs(x - y) for x, y in zip(a[k], b[k])) / scale, k) for k in a)
assert worst[0] <= tol, worst
