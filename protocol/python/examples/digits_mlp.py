#!/usr/bin/python3
"""Train an MLP classifier on scikit-learn's handwritten digits and let fpk watch every layer.

Real data, one run, the user's own loop: 8 x 8 digit images (1,797 of them, shipped with
scikit-learn, no download) scaled to [0, 1], a 64-128-64-10 MLP (ReLU, cross-entropy), plain SGD
on minibatches; a quarter of the images is held out for the test accuracy. The two lines that
matter are ``fpk_client.watch(...)`` and ``watcher.step(loss)``: every ``--every`` steps (and at
step 0) each weight matrix goes to fpk with the learning rate (read from the optimiser), the batch
size and the loss. One run is analysed in pooled mode: the entries of a matrix are the samples.

    java -jar services/app/target/fpk.jar broker       # prints the bootstrap address
    java -jar services/app/target/fpk.jar node --bootstrap $FPK_BOOTSTRAP
    python protocol/python/examples/digits_mlp.py --bootstrap $FPK_BOOTSTRAP --run-id digits-1
    java -jar services/app/target/fpk.jar report --bootstrap $FPK_BOOTSTRAP --out r.json --run digits-1

Needs fpk_client installed (or PYTHONPATH=protocol/python) and Debian's python3-torch,
python3-sklearn, python3-protobuf, python3-confluent-kafka. The last line printed is one JSON
object: what was published, the last step published, the losses and the accuracies.
"""
import collections
import json
import sys
import time

import torch
from sklearn.datasets import load_digits

import fpk_client
import training_args


def digits(seed):
    """(train x, train y, test x, test y): pixels scaled to [0, 1], a quarter held out at random."""
    data = load_digits()
    x = torch.tensor(data.data, dtype=torch.float32) / 16.0
    y = torch.tensor(data.target, dtype=torch.long)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    test = order[:len(y) // 4]
    train = order[len(y) // 4:]
    return x[train], y[train], x[test], y[test]


def mlp(widths):
    """Linear layers fc1, fc2, ... (the names fpk shows) with ReLU between them."""
    layers = collections.OrderedDict()
    for i in range(len(widths) - 1):
        layers["fc%d" % (i + 1)] = torch.nn.Linear(widths[i], widths[i + 1])
        if i < len(widths) - 2:
            layers["relu%d" % (i + 1)] = torch.nn.ReLU()
    return torch.nn.Sequential(layers)


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(dim=1) == y).float().mean())


def parse_args(argv):
    ap = training_args.parser(__doc__, run_id="digits", hidden="128,64")
    args = ap.parse_args(argv)
    training_args.check(ap, args)
    return args


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y, x_test, y_test = digits(args.seed)
    model = mlp([x.shape[1]] + [int(w) for w in args.hidden.split(",")] + [10])
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.Generator().manual_seed(args.seed + 1)
    start = time.perf_counter()
    try:
        watcher = fpk_client.watch(model, bootstrap=args.bootstrap, run_id=args.run_id, every=args.every,
                                   optimizer=optimizer, batch_size=args.batch, seed=args.seed)
    except fpk_client.BrokerUnreachable as e:
        sys.exit(str(e))
    losses = []
    with watcher:
        step = 0
        while step < args.steps:
            for batch in torch.randperm(len(y), generator=order).split(args.batch):
                if step == args.steps or len(batch) < args.batch:
                    break
                optimizer.zero_grad()
                loss = loss_fn(model(x[batch]), y[batch])
                loss.backward()
                optimizer.step()
                watcher.step(loss)
                losses.append(float(loss))
                step += 1
    seconds = time.perf_counter() - start
    print(json.dumps({
        "runId": args.run_id, "layers": watcher.layers, "steps": args.steps,
        "every": args.every, "lastPublishedStep": args.steps - args.steps % args.every,
        "snapshots": watcher.snapshots, "dropped": watcher.dropped, "seconds": round(seconds, 3),
        "lossFirst": losses[0] if losses else None, "lossLast": sum(losses[-20:]) / max(1, len(losses[-20:])),
        "trainAccuracy": accuracy(model, x, y), "testAccuracy": accuracy(model, x_test, y_test),
        "torch": torch.__version__, "fpkClient": fpk_client.__version__}))


if __name__ == "__main__":
    main()
