#!/usr/bin/python3
"""What fpk_client.watch costs a training step, and how many snapshots per second it sustains.

Trains a 64-1024-1024-10 MLP (ReLU, cross-entropy, plain SGD, batch 32, synthetic data) on the
CPU with one torch thread, timing ``--steps`` optimiser steps without ``watch`` and under
``watch`` at every=1 and every=10 (every 2-D weight: 1.12M floats, 4.5 MB, per snapshot step, the
1024 x 1024 matrix in 5 chunks). The modes take turns ``--repeats`` times; each mode's best (the
least disturbed by other work on the machine) is its figure, and overhead = best with / best
without, for the training loop alone and with watch()'s set-up (connecting, step 0) and close()
(the last snapshots delivered) spread over the pass's steps. Then it measures what the client sustains on its own: ``step()`` as fast as it goes with
no training between, every=1, until ``close()`` has everything delivered: snapshots/s (one
snapshot = one layer's matrix at one step) and MB/s.

    java -jar services/app/target/fpk.jar broker       # prints the bootstrap address
    /usr/bin/python3 protocol/python/bench/watch_overhead.py --bootstrap 127.0.0.1:PORT

Prints one JSON object. Targets (issue 15): at most 1.10x at every=1, 1.02x at every=10.
"""
import argparse
import json
import os
import platform
import time

import torch

import fpk_client

WIDTHS = [64, 1024, 1024, 10]


def mlp():
    layers = []
    for i in range(len(WIDTHS) - 1):
        layers.append(torch.nn.Linear(WIDTHS[i], WIDTHS[i + 1]))
        if i < len(WIDTHS) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def train(model, optimizer, data, labels, steps, batch, watcher=None):
    """Seconds for ``steps`` optimiser steps (with the watcher's step() when given)."""
    loss_fn = torch.nn.CrossEntropyLoss()
    n = data.shape[0]
    start = time.perf_counter()
    for s in range(steps):
        lo = (s * batch) % (n - batch)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(data[lo:lo + batch]), labels[lo:lo + batch])
        loss.backward()
        optimizer.step()
        if watcher is not None:
            watcher.step(loss)
    return time.perf_counter() - start


def timed(args, model, optimizer, data, labels, every, run_id):
    """(seconds per step of the training loop, seconds per step with watch()'s set-up and close()
    included, the watcher's statistics); without watch the two times are the same."""
    if every is None:
        s = train(model, optimizer, data, labels, args.steps, args.batch) / args.steps
        return s, s, None
    start = time.perf_counter()
    w = fpk_client.watch(model, bootstrap=args.bootstrap, run_id=run_id, every=every, optimizer=optimizer,
                         batch_size=args.batch)
    loop = train(model, optimizer, data, labels, args.steps, args.batch, w)
    w.close()
    return loop / args.steps, (time.perf_counter() - start) / args.steps, w.stats()


def sustained(args, model):
    """Snapshots/s and MB/s the client delivers with step() called back to back, every=1."""
    w = fpk_client.watch(model, bootstrap=args.bootstrap, run_id="bench-sustained-%d" % os.getpid(), every=1)
    start = time.perf_counter()
    for _ in range(args.sustain_steps):
        w.step()
    w.close()
    seconds = time.perf_counter() - start
    st = w.stats()
    return {"steps": st["published"], "snapshots": st["snapshots"], "records": st["records"],
            "seconds": round(seconds, 3), "snapshotsPerSecond": round(st["snapshots"] / seconds, 1),
            "stepsPerSecond": round(st["published"] / seconds, 1),
            "megabytesPerSecond": round(st["bytes"] / seconds / 1e6, 1),
            "senderBusySecondsPerSnapshot": round(st["sendSeconds"] / st["snapshots"], 6)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bootstrap", default=os.environ.get("FPK_BOOTSTRAP", "127.0.0.1:9092"))
    ap.add_argument("--steps", type=int, default=200, help="optimiser steps per timed pass (default 200)")
    ap.add_argument("--repeats", type=int, default=5, help="timed passes per mode, best counts (default 5)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--sustain-steps", type=int, default=300, help="steps of the sustained-rate pass (default 300)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    data = torch.randn(4096, WIDTHS[0])
    labels = torch.randint(0, WIDTHS[-1], (4096,))
    train(model, optimizer, data, labels, 50, args.batch)  # warm-up
    modes = {"none": None, "every1": 1, "every10": 10}
    loop = {m: [] for m in modes}
    whole = {m: [] for m in modes}
    stats = {}
    for r in range(args.repeats):
        for m, every in modes.items():
            a, b, st = timed(args, model, optimizer, data, labels, every, "bench-%s-%d-%d" % (m, os.getpid(), r))
            loop[m].append(a)
            whole[m].append(b)
            stats[m] = st
    best = {m: min(v) for m, v in loop.items()}
    best_whole = {m: min(v) for m, v in whole.items()}
    floats = sum(p.numel() for p in model.parameters() if p.dim() == 2)
    print(json.dumps({
        "model": "-".join(map(str, WIDTHS)), "batch": args.batch, "threads": torch.get_num_threads(),
        "watchedFloats": floats, "steps": args.steps, "repeats": args.repeats,
        "bestMillisPerStep": {m: round(1e3 * v, 3) for m, v in best.items()},
        "overhead": {m: round(best[m] / best["none"], 3) for m in ("every1", "every10")},
        "overheadWithSetupAndClose": {m: round(best_whole[m] / best_whole["none"], 3) for m in ("every1", "every10")},
        "targets": {"every1": 1.10, "every10": 1.02},
        "allMillisPerStep": {m: [round(1e3 * x, 3) for x in v] for m, v in loop.items()},
        "lastPassStats": {m: stats[m] for m in ("every1", "every10")},
        "sustained": sustained(args, model),
        "torch": torch.__version__, "fpkClient": fpk_client.__version__, "cpus": os.cpu_count(),
        "loadAverage": os.getloadavg()[0], "python": platform.python_version()}))


if __name__ == "__main__":
    main()
