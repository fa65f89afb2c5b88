"""The command-line options every fpk_client example shares (imported from the script's directory)."""
import argparse
import os


def parser(doc, run_id, hidden):
    """An ArgumentParser with the shared options: broker, run id, steps, publishing interval,
    hidden widths (default ``hidden``), SGD learning rate, batch size, seed, torch threads."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--bootstrap", default=os.environ.get("FPK_BOOTSTRAP", "127.0.0.1:9092"),
                    help="Kafka bootstrap servers (default: $FPK_BOOTSTRAP or 127.0.0.1:9092)")
    ap.add_argument("--run-id", default=run_id)
    ap.add_argument("--steps", type=int, default=300, help="optimiser steps (default 300)")
    ap.add_argument("--every", type=int, default=5, help="publish every N optimiser steps (default 5)")
    ap.add_argument("--hidden", default=hidden, help="hidden widths (default %s)" % hidden)
    ap.add_argument("--lr", type=float, default=0.1, help="SGD learning rate per step (default 0.1)")
    ap.add_argument("--batch", type=int, default=32, help="minibatch size B (default 32)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    return ap


def check(ap, args):
    """Refuses an interval, step count or batch size that makes no sense."""
    if args.every < 1 or args.steps < 0 or args.batch < 1:
        ap.error("need --every >= 1, --steps >= 0, --batch >= 1")
