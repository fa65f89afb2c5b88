#!/usr/bin/python3
"""PyTorch peer of dev.fpk.trainer.bench.TrainerBench: the same ensemble, the same model, on this CPU.

R replicas of the autoencoder d -> 16 -> 2 -> 2 -> 16 -> d (tanh hidden, linear output, biases,
Xavier-uniform init, MSE mean over B x d per replica, plain SGD), batched over replicas with
torch.baddbmm / bmm on [R, B, width] tensors, minibatches drawn per replica from a fixed data set
in per-replica shuffled epochs (as the Java trainer does). Two variants:

  autograd - loss.backward() through the batched graph, then an in-place SGD update (foreach)
  manual   - a hand-written backward with the same bmm ops (no autograd tape)

Each variant runs with torch.set_num_threads(1) and (2): warm-up, then the median of repeats.
Prints one JSON object: {"name": "trainer-torch", "replicaStepsPerSecond": best, ..., "results": [...]}.

Run with Debian's interpreter: /usr/bin/python3 torch_ensemble_bench.py [--replicas 64] [--steps 300]
"""
import argparse
import json
import math
import statistics
import time

import torch


def make_data(n, d, seed):
    g = torch.Generator().manual_seed(seed)
    z = torch.rand(n, 2, generator=g) * 2 - 1
    omega = torch.randn(d, 2, generator=g) * 1.5
    phase = torch.rand(d, generator=g) * 2 * math.pi
    return (torch.sin(z @ omega.T + phase) + 0.05 * torch.randn(n, d, generator=g)).float()


class Ensemble:
    def __init__(self, replicas, widths, batch, lr, data, seed):
        g = torch.Generator().manual_seed(seed)
        self.R, self.B, self.lr, self.widths = replicas, batch, lr, widths
        self.data = data
        self.n = data.shape[0]
        self.W, self.b = [], []
        for i in range(len(widths) - 1):
            fan_in, fan_out = widths[i], widths[i + 1]
            a = math.sqrt(6.0 / (fan_in + fan_out))
            self.W.append(((torch.rand(replicas, fan_out, fan_in, generator=g) * 2 - 1) * a).requires_grad_())
            self.b.append(torch.zeros(replicas, 1, fan_out).requires_grad_())
        self.params = self.W + self.b
        self.gen = g
        self._new_epoch()

    def _new_epoch(self):
        self.perm = torch.argsort(torch.rand(self.R, self.n, generator=self.gen), dim=1)
        self.pos = 0

    def batch(self):
        if self.pos + self.B > self.n:
            self._new_epoch()
        idx = self.perm[:, self.pos:self.pos + self.B]
        self.pos += self.B
        return self.data[idx]  # [R, B, d]

    def step_autograd(self):
        x = self.batch()
        h = x
        L = len(self.W)
        for l in range(L):
            h = torch.baddbmm(self.b[l], h, self.W[l].transpose(1, 2))
            if l < L - 1:
                h = torch.tanh(h)
        per_replica = ((h - x) ** 2).mean(dim=(1, 2))
        per_replica.sum().backward()
        with torch.no_grad():
            grads = [p.grad for p in self.params]
            torch._foreach_add_(self.params, grads, alpha=-self.lr)
            for p in self.params:
                p.grad = None
        return per_replica

    @torch.no_grad()
    def step_manual(self):
        x = self.batch()
        L = len(self.W)
        acts = [x]
        h = x
        for l in range(L):
            h = torch.baddbmm(self.b[l], h, self.W[l].transpose(1, 2))
            if l < L - 1:
                torch.tanh_(h)
            acts.append(h)
        diff = h - x
        n = diff.shape[1] * diff.shape[2]
        loss = (diff * diff).sum(dim=(1, 2)) / n
        dz = diff.mul_(2.0 / n)
        for l in range(L - 1, -1, -1):
            a = acts[l]
            gw = torch.bmm(dz.transpose(1, 2), a)
            gb = dz.sum(dim=1, keepdim=True)
            if l > 0:
                da = torch.bmm(dz, self.W[l])
                dz = da.mul_(1 - a * a)
            self.W[l].sub_(gw, alpha=self.lr)
            self.b[l].sub_(gb, alpha=self.lr)
        return loss


def measure(variant, threads, replicas, widths, batch, steps, repeats, warmup):
    torch.set_num_threads(threads)
    data = make_data(4096, widths[0], 1)
    ens = Ensemble(replicas, widths, batch, 0.1, data, 1)
    if variant == "manual":
        for p in ens.params:
            p.requires_grad_(False)
    step = ens.step_autograd if variant == "autograd" else ens.step_manual
    first = step().mean().item()
    for _ in range(warmup):
        step()
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        dt = time.perf_counter() - t0
        rates.append(replicas * steps / dt)
    last = step().mean().item()
    return {"variant": variant, "threads": threads, "replicaStepsPerSecond": round(statistics.median(rates), 1),
            "msPerStep": round(1000 * replicas / statistics.median(rates), 4),
            "lossFirst": round(first, 5), "lossLast": round(last, 5)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicas", type=int, default=64)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--dim", type=int, default=32)
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()
    widths = [args.dim, 16, 2, 2, 16, args.dim]
    results = []
    for variant in ("autograd", "manual"):
        for threads in (1, 2):
            results.append(measure(variant, threads, args.replicas, widths, args.batch, args.steps,
                                   args.repeats, args.warmup))
    best = max(results, key=lambda r: r["replicaStepsPerSecond"])
    print(json.dumps({"name": "trainer-torch", "replicaStepsPerSecond": best["replicaStepsPerSecond"],
                      "replicas": args.replicas, "widths": widths, "batchSize": args.batch,
                      "steps": args.steps, "repeats": args.repeats, "optimizer": "sgd",
                      "torch": torch.__version__, "best": best["variant"] + "/threads=" + str(best["threads"]),
                      "results": results}))


if __name__ == "__main__":
    main()
