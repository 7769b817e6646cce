# data bench --json on stdin: every throughput positive. No arguments.
import json, sys
r = json.load(sys.stdin)
for k in ("images_per_s", "decode_resize_images_per_s_1thread", "augment_images_per_s_1thread", "copy_gbps"):
    assert r[k] > 0, k
print(r)
