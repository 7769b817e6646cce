# The two-host figures: bench train's images/s over the veth link against one host's shared memory. Arguments: VETH_JSON SHM_JSON.
import json, sys
veth, shm = (json.load(open(p)) for p in sys.argv[1:])
print(f"two hosts over veth: {veth['images_per_sec']:.1f} images/s (waiting on all-reduce {100 * veth['comm_fraction']:.0f}% of a step); "
      f"one host over shared memory: {shm['images_per_sec']:.1f} images/s ({100 * shm['comm_fraction']:.0f}%)")
