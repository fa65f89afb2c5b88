#!/usr/bin/python3
"""Train the 2-bottleneck autoencoder in PyTorch and let fpk watch it: an external trainer.

The same model and experiment as fpk's built-in trainer (services/trainer), written the way a
PyTorch user would: R replicas of the autoencoder d -> 16 -> 2 -> 2 -> 16 -> d (tanh on hidden
layers, linear output, biases starting at 0, Xavier-uniform weights), MSE loss (mean over the
B x d entries of a minibatch), plain SGD, trained together as one batched program on
[R, B, width] tensors. The data are a 2-D latent pushed through a fixed random nonlinear map
into d dimensions plus Gaussian noise, generated from the seed (no download); replica r starts
from its own initialisation (seed + r) and draws its own minibatch order.

The stacked weights are watched with ``fpk_client.watch_ensemble``: every ``--every`` optimiser
steps (and at step 0) it publishes, for every replica and watched layer, the weight matrix with
the learning rate, batch size, the replica's minibatch loss, the optimiser, the replica's seed,
ensemble_size = R and the layer's inputs on a fixed probe batch. fpk's estimators and solvers
analyse the ensemble while it trains.

Run it with Debian's interpreter (python3-torch, python3-protobuf, python3-confluent-kafka) and
the fpk_client package installed (pip install --no-build-isolation --no-deps ./protocol/python in a
venv made with --system-site-packages, or PYTHONPATH=protocol/python):

    python protocol/python/examples/torch_autoencoder.py --bootstrap 127.0.0.1:9092 \\
        --run-id torch-1 --replicas 16 --steps 300 --every 5

The last line printed is one JSON object with what was published and how fast (snapshots/s).
The data and minibatch order come from torch's generator, so the numbers are not bit-identical
to the Java trainer's for the same seed; the model, initialisation law and optimiser are the same.
"""
import json
import math
import sys
import time

import torch

import fpk_client
import training_args


def layer_names(hidden_count):
    """fpk's layer names (services/trainer Architecture): enc1.., bottleneck, dec1.. ."""
    half = hidden_count // 2
    if hidden_count % 2 == 0:
        return ["enc%d" % (i + 1) for i in range(half)] + ["bottleneck"] + ["dec%d" % (i + 1) for i in range(half)]
    half = (hidden_count + 1) // 2
    return ["enc%d" % (i + 1) for i in range(half)] + ["dec%d" % (i + 1) for i in range(half)]


def manifold_data(n, dim, noise, generator):
    """x_k = sin(omega_k . z + phi_k) + noise * eps, z ~ U[-1, 1]^2, omega ~ N(0, 1.5^2 I), phi ~ U[0, 2 pi)."""
    z = torch.rand(n, 2, generator=generator) * 2 - 1
    omega = torch.randn(dim, 2, generator=generator) * 1.5
    phase = torch.rand(dim, generator=generator) * 2 * math.pi
    return torch.sin(z @ omega.T + phase) + noise * torch.randn(n, dim, generator=generator)


class AutoencoderEnsemble:
    """R replicas as batched tensors: W[l] is [R, out, in] (y = W h + b), b[l] is [R, 1, out]."""

    def __init__(self, widths, replicas, batch_size, learning_rate, seed, data, probe):
        self.widths, self.R, self.B, self.lr = widths, replicas, batch_size, learning_rate
        self.data, self.probe = data, probe
        self.names = layer_names(len(widths) - 2)
        self.W, self.b = [], []
        for l in range(len(widths) - 1):
            n_in, n_out = widths[l], widths[l + 1]
            bound = math.sqrt(6.0 / (n_in + n_out))  # Xavier (Glorot) uniform, gain 1
            per_replica = []
            for r in range(replicas):
                g = torch.Generator().manual_seed(seed + r + 7919 * l)
                per_replica.append((torch.rand(n_out, n_in, generator=g) * 2 - 1) * bound)
            self.W.append(torch.stack(per_replica).requires_grad_())
            self.b.append(torch.zeros(replicas, 1, n_out, requires_grad=True))
        self.order = torch.Generator().manual_seed(seed + 1_000_003)
        self.losses = torch.zeros(replicas)
        self.step_count = 0
        self._new_epoch()

    def _new_epoch(self):
        n = self.data.shape[0]
        self.perm = torch.argsort(torch.rand(self.R, n, generator=self.order), dim=1)  # one order per replica
        self.pos = 0

    def _minibatch(self):
        if self.pos + self.B > self.data.shape[0]:
            self._new_epoch()
        idx = self.perm[:, self.pos:self.pos + self.B]
        self.pos += self.B
        return self.data[idx]  # [R, B, d]

    def _forward(self, x, upto=None):
        """Activations entering layer ``upto`` (or the output when None) for inputs x [R, n, d]."""
        h = x
        last = len(self.W) if upto is None else upto
        for l in range(last):
            h = torch.baddbmm(self.b[l], h, self.W[l].transpose(1, 2))
            if l < len(self.W) - 1:
                h = torch.tanh(h)
        return h

    def step(self):
        """One SGD step for every replica; per-replica minibatch MSE in self.losses."""
        x = self._minibatch()
        per_replica = ((self._forward(x) - x) ** 2).mean(dim=(1, 2))
        per_replica.sum().backward()  # replicas are independent: each gets its own gradient
        with torch.no_grad():
            for p in self.W + self.b:
                p.sub_(p.grad, alpha=self.lr)
                p.grad = None
        self.losses = per_replica.detach()
        self.step_count += 1

    def stacked_weights(self):
        """{layer: W [R, out, in]}, the tensors the SGD step updates in place."""
        return dict(zip(self.names, self.W))

    @torch.no_grad()
    def probe_inputs(self, layer):
        """Inputs h of the layer on the fixed probe batch, [R, probe, in]."""
        x = self.probe.unsqueeze(0).expand(self.R, -1, -1)
        return self._forward(x, upto=self.names.index(layer))


def parse_args(argv):
    ap = training_args.parser(__doc__, run_id="torch", hidden="16,2,2,16")
    ap.add_argument("--replicas", type=int, default=16, help="R, replicas trained together (default 16)")
    ap.add_argument("--layers", default="bottleneck", help="comma-separated layers to publish (default bottleneck)")
    ap.add_argument("--dim", type=int, default=32, help="data dimension d (default 32)")
    ap.add_argument("--data-size", type=int, default=4096, help="generated training samples (default 4096)")
    ap.add_argument("--noise", type=float, default=0.05, help="noise on the manifold (default 0.05)")
    ap.add_argument("--probe", type=int, default=64, help="rows of the fixed probe batch (default 64)")
    args = ap.parse_args(argv)
    args.layers = [s for s in args.layers.split(",") if s]
    training_args.check(ap, args)
    if args.replicas < 1:
        ap.error("need --replicas >= 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    widths = [args.dim] + [int(w) for w in args.hidden.split(",")] + [args.dim]
    data_gen = torch.Generator().manual_seed(args.seed)
    data = manifold_data(args.data_size, args.dim, args.noise, data_gen)
    probe = manifold_data(args.probe, args.dim, args.noise, data_gen)
    ensemble = AutoencoderEnsemble(widths, args.replicas, args.batch, args.lr, args.seed, data, probe)
    start = time.perf_counter()
    try:
        watcher = fpk_client.watch_ensemble(
            ensemble.stacked_weights(), bootstrap=args.bootstrap, run_id=args.run_id, every=args.every,
            layers=args.layers, learning_rate=args.lr, batch_size=args.batch, optimizer="sgd",
            seed=[args.seed + r for r in range(args.replicas)], probes=ensemble.probe_inputs)
    except (ValueError, fpk_client.BrokerUnreachable) as e:
        sys.exit(str(e))
    first_loss = None
    with watcher:
        while ensemble.step_count < args.steps:
            ensemble.step()
            watcher.step(ensemble.losses)  # one loss per replica
            if first_loss is None:
                first_loss = float(ensemble.losses.mean())
    sent = watcher.snapshots
    seconds = time.perf_counter() - start
    print(json.dumps({
        "runId": args.run_id, "replicas": args.replicas, "widths": widths, "layers": args.layers,
        "steps": args.steps, "every": args.every, "snapshots": sent, "seconds": round(seconds, 3),
        "snapshotsPerSecond": round(sent / seconds, 1), "replicaStepsPerSecond": round(args.replicas * args.steps / seconds, 1),
        "lossFirst": first_loss, "lossLast": float(ensemble.losses.mean()), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
