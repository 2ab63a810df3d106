"""PyTorch beside scripts/small-calls.ts (issue #25, W7/W8): the same four medians in ms.

Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/small-calls.py [seconds] [threads] [measures]
"""
import json
import sys
import time

import torch

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
only = (sys.argv[3] if len(sys.argv) > 3 else "w7,w7NoGrad,w8,w8NoGrad").split(",")
torch.set_num_threads(threads)
torch.manual_seed(0)
I, H, STEPS = 64, 256, 100
layer = torch.nn.LSTM(I, H)
x = torch.rand(1, 1, I) * 2 - 1
target = torch.rand(1, 1, H) * 2 - 1
xs = [torch.rand(1, 1, I) * 2 - 1 for _ in range(STEPS)]


def w7():
    layer.zero_grad()
    out, _ = layer(x)
    torch.nn.functional.mse_loss(out, target).backward()


def w7_no_grad():
    with torch.no_grad():
        layer(x)


def loop():
    zeros = torch.zeros(1, 1, H)
    state = (zeros, zeros.clone())
    out = None
    for xt in xs:
        out, state = layer(xt, state)
    return out


def w8_no_grad():
    with torch.no_grad():
        loop()


fns = {k: f for k, f in {"w7": w7, "w7NoGrad": w7_no_grad, "w8": loop, "w8NoGrad": w8_no_grad}.items() if k in only}
samples = {k: [] for k in fns}
for f in fns.values():
    for _ in range(20):
        f()
end = time.perf_counter() + seconds
while time.perf_counter() < end:
    for k, f in fns.items():
        reps = 10 if k.startswith("w7") else 1
        t0 = time.perf_counter()
        for _ in range(reps):
            f()
        samples[k].append((time.perf_counter() - t0) * 1000 / reps)
med = {k: round(sorted(v)[len(v) // 2], 4) for k, v in samples.items()}
print(json.dumps({"peer": "pytorch", "threads": threads, **med}))
