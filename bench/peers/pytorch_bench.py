"""PyTorch timings for `npm run bench` (called by bench/peers/pytorch.ts).

Usage: python3 pytorch_bench.py '<JSON>' where JSON is
  {"threads": 1, "budget_ms": 3000, "workloads": [{"id", "kind", "cell", "inputSize", "hiddenSize",
   "batch", "seq", "numLayers", "bidirectional", "headOut", "minReps", "maxReps"}]}
"threads" is torch.set_num_threads; the caller sets OPENBLAS_NUM_THREADS (and OMP_NUM_THREADS)
in the environment, since OpenBLAS reads them when it loads.
First prints {"threads": {"torch": n, "blas": n or null}}, then one JSON object per workload and
mode: {"id", "grad": bool, "samples": [ms, ...]} or {"id", "grad", "error"}. The gradient
workloads (kinds "backward", "steps-grad") are also run under torch.no_grad() ("grad": false),
as a reference.
Forward workloads may carry "weightsDir", "params" and "digestIndices": recur's weights and input
as raw float32 files, loaded so that the output (sampled at digestIndices) can be compared.
Training uses PyTorch's default initialisation and random data (timing only).
"""
import ctypes
import json
import sys
import time

import torch


WARMUP_MS = 250  # as bench/harness.ts: warm-up calls for this long (at least one, at most 500)
WARMUP_MAX_CALLS = 500


def timed(fn, min_reps, max_reps, budget_ms):
    started = time.perf_counter()
    calls = 0
    warmup_ms = min(WARMUP_MS, budget_ms)  # no longer than the timed budget (quick runs stay quick)
    while calls < 1 or (calls < WARMUP_MAX_CALLS and (time.perf_counter() - started) * 1000 < warmup_ms):
        t0 = time.perf_counter()
        fn()  # warm-up
        calls += 1
        if (time.perf_counter() - t0) * 1000 > 1000:
            min_reps = min(min_reps, 3)  # slow calls: the median of 3 keeps the run short
    samples = []
    spent = 0.0
    while len(samples) < max_reps and (len(samples) < min_reps or spent < budget_ms):
        t0 = time.perf_counter()
        fn()
        dt = (time.perf_counter() - t0) * 1000
        samples.append(dt)
        spent += dt
    return samples


def module_for(w):
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[w["cell"]]
    return cls(w["inputSize"], w["hiddenSize"], num_layers=w["numLayers"], bidirectional=w["bidirectional"])


def run(w, budget_ms, grad=True):
    torch.manual_seed(0)
    layer = module_for(w)
    x = torch.rand(w["seq"], w["batch"], w["inputSize"]) * 2 - 1
    digest = None
    if "weightsDir" in w:
        # recur's weights and input (raw float32 files), so the outputs can be compared.
        def load(name, shape):
            with open(f"{w['weightsDir']}/{name}.f32", "rb") as f:
                return torch.frombuffer(bytearray(f.read()), dtype=torch.float32).view(*shape).clone()

        with torch.no_grad():
            for p in w["params"]:
                getattr(layer, p["name"]).copy_(load(p["name"], p["shape"]))
        x = load("input", [w["seq"], w["batch"], w["inputSize"]])
    if w["kind"] in ("steps-grad", "steps"):
        xs = [x[t : t + 1] for t in range(w["seq"])]

        def loop():
            zeros = torch.zeros(w["numLayers"], w["batch"], w["hiddenSize"])
            state = (zeros, zeros.clone()) if w["cell"] == "lstm" else zeros
            out = None
            for xt in xs:
                out, state = layer(xt, state)
            return out

        def loop_no_grad():
            with torch.no_grad():
                return loop()

        fn = loop if grad else loop_no_grad
        samples = timed(fn, w["minReps"], w["maxReps"], budget_ms)
        if "digestIndices" in w:
            flat = fn().detach().reshape(-1)
            digest = [float(flat[i]) for i in w["digestIndices"]]
        return samples, digest
    if w["kind"] == "backward":
        target = torch.rand(w["seq"], w["batch"], w["hiddenSize"]) * 2 - 1

        def call():
            layer.zero_grad()
            out, _ = layer(x)
            torch.nn.functional.mse_loss(out, target).backward()

        def forward_no_grad():
            with torch.no_grad():
                return layer(x)[0]

        return timed(call if grad else forward_no_grad, w["minReps"], w["maxReps"], budget_ms), None
    if w["kind"] == "forward":
        layer.eval()

        def fwd():
            with torch.no_grad():
                return layer(x)[0]

        samples = timed(fwd, w["minReps"], w["maxReps"], budget_ms)
        if "digestIndices" in w:
            flat = fwd().reshape(-1)
            digest = [float(flat[i]) for i in w["digestIndices"]]
        return samples, digest
    if w["kind"] == "train":
        head = torch.nn.Linear(w["hiddenSize"], w["headOut"])
        target = torch.rand(w["seq"], w["batch"], w["headOut"]) * 2 - 1
        opt = torch.optim.Adam(list(layer.parameters()) + list(head.parameters()), lr=1e-3)

        def step():
            opt.zero_grad()
            out, _ = layer(x)
            loss = torch.nn.functional.mse_loss(head(out), target)
            loss.backward()
            opt.step()

        return timed(step, w["minReps"], w["maxReps"], budget_ms), None
    raise ValueError("unsupported kind " + w["kind"])


def blas_threads():
    """OpenBLAS's own thread count as loaded in this process, or None for another BLAS."""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "libopenblas" in line}
    for path in sorted(paths):
        try:
            return int(ctypes.CDLL(path).openblas_get_num_threads())
        except (OSError, AttributeError):
            continue
    return None


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(int(cfg["threads"]))
    print(json.dumps({"threads": {"torch": torch.get_num_threads(), "blas": blas_threads()}}), flush=True)
    for w in cfg["workloads"]:
        modes = [True, False] if w["kind"] in ("backward", "steps-grad") else [True]
        for grad in modes:
            try:
                samples, digest = run(w, cfg["budget_ms"], grad)
                line = {"id": w["id"], "grad": grad, "samples": samples, "torch": torch.__version__}
                if digest is not None:
                    line["digest"] = digest
                print(json.dumps(line), flush=True)
            except Exception as e:  # noqa: BLE001 - reported per workload
                print(json.dumps({"id": w["id"], "grad": grad, "error": repr(e)}), flush=True)


if __name__ == "__main__":
    main()
