# predict --top 2 output: two lines, each two class probabilities summing to 1 in decreasing order. Argument: OUTPUT.
import re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for line in lines:
    probs = [float(p) for p in re.findall(r" ([ab]) ([0-9.]+)", line) for p in [p[1]]]
    assert len(probs) == 2 and abs(sum(probs) - 1) < 2e-3 and probs[0] >= probs[1], line
