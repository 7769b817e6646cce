# The last epoch row (epoch 0) of two train outputs: the same accuracy, train and valid loss within 1e-4. Arguments: ONE_PROCESS_OUTPUT TWO_PROCESS_OUTPUT.
import sys
rows = [[l.split() for l in open(p) if l.startswith("0 ")][-1] for p in sys.argv[1:]]
(_, t1, v1, a1, _), (_, t2, v2, a2, _) = rows
assert abs(float(v1) - float(v2)) <= 1e-4 * abs(float(v1)), rows
assert a1 == a2 and abs(float(t1) - float(t2)) <= 1e-4 * abs(float(t1)), rows
