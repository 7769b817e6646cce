# lr-find's curve (increasing lrs from 1e-7, positive smoothed losses) and a valley within it. Arguments: CSV OUTPUT (its printed suggestions).
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
lrs = [float(r["lr"]) for r in rows]
assert 10 <= len(rows) <= 30 and all(a < b for a, b in zip(lrs, lrs[1:])), lrs
assert abs(lrs[0] - 1e-7) < 1e-12 and all(float(r["smooth_loss"]) > 0 for r in rows), rows[:3]
found = dict(line.split() for line in open(sys.argv[2]) if line.split()[0] in ("valley", "slide", "minimum", "steep"))
assert "valley" in found and lrs[0] <= float(found["valley"]) <= lrs[-1], found
