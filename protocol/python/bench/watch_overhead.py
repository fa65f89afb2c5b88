#!/usr/bin/python3
"""What fpk_client.watch costs a training step, and how many snapshots per second it sustains.

Trains a 64-1024-1024-10 MLP (ReLU, cross-entropy, plain SGD, batch 32, synthetic data) on the
CPU with one thread, timing ``--steps`` optimiser steps without ``watch`` and under ``watch`` at
every=1 and every=10 (every 2-D weight: 1.12M floats, 4.5 MB, per snapshot step, the 1024 x 1024
matrix in 5 chunks), at every=1 with ``drop_when_full=True`` (steps whose snapshot finds the queue
full are skipped and counted), and at every=1 and every=10 with a producer that copies each
record and drops it (the client's cost alone, no broker).

One thread means one: ``torch.set_num_threads(1)`` does not bound the BLAS library's own thread
pool (Debian's torch calls OpenBLAS, whose pthreads build otherwise runs a worker on the second
core beside the training thread), so OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS
are 1 unless set. A watched pass (discarding producer) before the timed ones brings the memory
allocator to the state it keeps through them (glibc's mmap threshold rises once a large buffer is
freed; before that, each step's 4 MB gradient is a fresh mapping, some 400 page faults a step).

The modes take turns ``--repeats`` times, in an order rotated at each round, each pass after the
broker has gone idle and the kernel has written back what it wrote (a pass after every=1's 900 MB
was otherwise charged for them); each mode's best (the least disturbed by other work on
the machine) is its figure, and overhead = best with / best without, for the training loop alone
and with watch()'s set-up (connecting, step 0) and close() (the last snapshots delivered) spread
over the pass's steps. Beside wall clock it reports CPU time per step of the training thread (what
watch adds to it) and of the whole process (the sender and librdkafka's threads too): on a busy
machine, where the sender and the broker compete with training for the cores, wall clock mixes
in their CPU. Given the broker's process id (``--broker-pid``), it also reports the broker's CPU
(user + system, from /proc) per step of each mode and per MB in the sustained pass.

Then it measures what the client sustains: ``step()`` as fast as it goes with no training
between, every=1, until ``close()`` has everything delivered: snapshots/s (one snapshot = one
layer's matrix at one step), MB/s and the process's CPU per MB (the copies, the sender thread,
librdkafka's threads), to the broker and, to tell the client's own limit from the broker's, to a
producer that copies each record and drops it.

    java -jar services/app/target/fpk.jar broker       # prints the bootstrap address
    PYTHONPATH=protocol/python /usr/bin/python3 protocol/python/bench/watch_overhead.py \
        --bootstrap 127.0.0.1:PORT --broker-pid PID

Prints one JSON object. Targets (issue 15): at most 1.10x at every=1, 1.02x at every=10.
"""
import argparse
import json
import os
import platform
import time

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before torch (and numpy) load their BLAS

import torch  # noqa: E402

import fpk_client  # noqa: E402

WIDTHS = [64, 1024, 1024, 10]
# mode: (every, drop_when_full, discarding producer); every1Dropping keeps training at full speed
# when the broker cannot take a snapshot per step, and counts the steps it skipped; the
# discarding modes are the client's own cost, without the broker's
MODES = {"none": (None, False, False), "every1": (1, False, False), "every10": (10, False, False),
         "every1Dropping": (1, True, False), "every1Discarding": (1, False, True),
         "every10Discarding": (10, False, True)}


def mlp():
    layers = []
    for i in range(len(WIDTHS) - 1):
        layers.append(torch.nn.Linear(WIDTHS[i], WIDTHS[i + 1]))
        if i < len(WIDTHS) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def train(model, optimizer, data, labels, steps, batch, watcher=None):
    """Seconds for ``steps`` optimiser steps (with the watcher's step() when given): wall clock,
    CPU of the training thread, CPU of the whole process (the sender thread too)."""
    loss_fn = torch.nn.CrossEntropyLoss()
    n = data.shape[0]
    start = time.perf_counter(), time.thread_time(), time.process_time()
    for s in range(steps):
        lo = (s * batch) % (n - batch)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(data[lo:lo + batch]), labels[lo:lo + batch])
        loss.backward()
        optimizer.step()
        if watcher is not None:
            watcher.step(loss)
    return time.perf_counter() - start[0], time.thread_time() - start[1], time.process_time() - start[2]


def cpu_seconds(pid):
    """User + system CPU seconds a process has used (/proc/PID/stat), or None without a pid."""
    if pid is None:
        return None
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def dirty_megabytes():
    """Dirty page cache waiting to be written (/proc/meminfo), in MB."""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("Dirty:"):
                return int(line.split()[1]) / 1024
    return 0.0


def settle(args, most_seconds=15.0):
    """Waits (at most ``most_seconds``) until the previous pass's traces have gone: the broker idle
    (under 5% of a core over half a second, with --broker-pid) and the kernel's write-back of what
    it wrote under 256 MB, so that a pass after a heavy one is not charged for it."""
    end = time.monotonic() + most_seconds
    while time.monotonic() < end:
        before = cpu_seconds(args.broker_pid)
        time.sleep(0.5)
        idle = before is None or cpu_seconds(args.broker_pid) - before < 0.025
        if idle and dirty_megabytes() < 256:
            return


def timed(args, model, optimizer, data, labels, every, drop_when_full, run_id, producer=None):
    """Per step of one pass: {"loop": wall seconds of the training loop, "whole": wall seconds with
    watch()'s set-up and close() included, "thread": CPU seconds of the training thread, "process":
    CPU seconds of the process in the loop, "broker": CPU seconds of the broker from set-up to
    close (with --broker-pid)}, and the watcher's statistics (None without)."""
    broker = cpu_seconds(args.broker_pid)
    if every is None:
        wall, thread, process = (x / args.steps for x in train(model, optimizer, data, labels, args.steps, args.batch))
        out = {"loop": wall, "whole": wall, "thread": thread, "process": process}, None
    else:
        start = time.perf_counter()
        w = fpk_client.watch(model, bootstrap=args.bootstrap, run_id=run_id, every=every, optimizer=optimizer,
                             batch_size=args.batch, drop_when_full=drop_when_full, producer=producer,
                             sender_niceness=args.sender_niceness)
        wall, thread, process = (x / args.steps
                                 for x in train(model, optimizer, data, labels, args.steps, args.batch, w))
        w.close()
        whole = (time.perf_counter() - start) / args.steps
        out = {"loop": wall, "whole": whole, "thread": thread, "process": process}, w.stats()
    if broker is not None:
        out[0]["broker"] = (cpu_seconds(args.broker_pid) - broker) / args.steps
    return out


class DiscardingProducer:
    """confluent_kafka.Producer's produce/poll/flush without a broker: copies each record (as
    librdkafka does) and drops it, to measure the client apart from the broker."""

    def produce(self, topic, value=None, key=None, headers=None, on_delivery=None):
        bytes(value)

    def poll(self, timeout=0):
        return 0

    def flush(self, timeout=None):
        return 0


def sustained(args, model, producer=None):
    """Snapshots/s and MB/s the client delivers with step() called back to back, every=1: to the
    broker, or to ``producer``."""
    broker = cpu_seconds(args.broker_pid) if producer is None else None
    w = fpk_client.watch(model, bootstrap=args.bootstrap, run_id="bench-sustained-%d" % os.getpid(), every=1,
                         producer=producer, sender_niceness=args.sender_niceness)
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.sustain_steps):
        w.step()
    w.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    st = w.stats()
    out = {} if broker is None else {
        "brokerCpuMillisPerMegabyte": round(1e3 * (cpu_seconds(args.broker_pid) - broker) / (st["bytes"] / 1e6), 3)}
    return {**out, "steps": st["published"], "snapshots": st["snapshots"], "records": st["records"],
            "seconds": round(seconds, 3), "snapshotsPerSecond": round(st["snapshots"] / seconds, 1),
            "stepsPerSecond": round(st["published"] / seconds, 1),
            "megabytesPerSecond": round(st["bytes"] / seconds / 1e6, 1),
            "senderBusyMillisPerSnapshot": round(1e3 * st["sendSeconds"] / st["snapshots"], 3),
            "senderCpuMillisPerSnapshot": round(1e3 * st["sendCpuSeconds"] / st["snapshots"], 3),
            "clientProcessCpuMillisPerMegabyte": round(1e3 * cpu / (st["bytes"] / 1e6), 3)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bootstrap", default=os.environ.get("FPK_BOOTSTRAP", "127.0.0.1:9092"))
    ap.add_argument("--steps", type=int, default=200, help="optimiser steps per timed pass (default 200)")
    ap.add_argument("--repeats", type=int, default=5, help="timed passes per mode, best counts (default 5)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--sustain-steps", type=int, default=300, help="steps of the sustained-rate pass (default 300)")
    ap.add_argument("--broker-pid", type=int, help="the broker's process id, to report its CPU")
    ap.add_argument("--sender-niceness", type=int, default=10, help="watch()'s sender_niceness (default 10)")
    ap.add_argument("--modes", default=",".join(MODES), help="modes to time, of " + ", ".join(MODES))
    args = ap.parse_args()
    load_before = os.getloadavg()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    data = torch.randn(4096, WIDTHS[0])
    labels = torch.randint(0, WIDTHS[-1], (4096,))
    train(model, optimizer, data, labels, 50, args.batch)  # warm-up
    with fpk_client.watch(model, bootstrap=args.bootstrap, run_id="warm-up", producer=DiscardingProducer()) as w:
        train(model, optimizer, data, labels, 50, args.batch, w)  # the allocator's steady state
    modes = {m: MODES[m] for m in args.modes.split(",")}
    figures = {m: {} for m in modes}
    stats = {}
    for r in range(args.repeats):
        order = list(modes)[r % len(modes):] + list(modes)[:r % len(modes)]  # each mode after each other
        for m in order:
            every, drop, discarding = modes[m]
            settle(args)
            per_step, stats[m] = timed(args, model, optimizer, data, labels, every, drop,
                                       "bench-%s-%d-%d" % (m, os.getpid(), r),
                                       DiscardingProducer() if discarding else None)
            for kind, seconds in per_step.items():
                figures[m].setdefault(kind, []).append(seconds)
    best = {m: {kind: min(v) for kind, v in f.items()} for m, f in figures.items()}

    def ratios(kind):
        return {m: round(best[m][kind] / best["none"][kind], 3) for m in modes if m != "none"}

    floats = sum(p.numel() for p in model.parameters() if p.dim() == 2)
    print(json.dumps({
        "model": "-".join(map(str, WIDTHS)), "batch": args.batch, "threads": torch.get_num_threads(),
        "watchedFloats": floats, "steps": args.steps, "repeats": args.repeats,
        "bestMillisPerStep": {m: {kind: round(1e3 * v, 3) for kind, v in b.items()} for m, b in best.items()},
        "overhead": ratios("loop"), "overheadWithSetupAndClose": ratios("whole"),
        "trainingThreadCpuOverhead": ratios("thread"), "processCpuOverhead": ratios("process"),
        "senderNiceness": args.sender_niceness,
        "blasThreads": {v: os.environ[v] for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
        "targets": {"every1": 1.10, "every10": 1.02},
        "loopMillisPerStep": {m: [round(1e3 * x, 3) for x in f["loop"]] for m, f in figures.items()},
        "lastPassStats": {m: stats[m] for m in modes if m != "none"},
        "sustained": sustained(args, model),
        "sustainedWithoutBroker": sustained(args, model, DiscardingProducer()),
        "torch": torch.__version__, "fpkClient": fpk_client.__version__, "cpus": os.cpu_count(),
        "loadAverageBefore": load_before, "loadAverageAfter": os.getloadavg(), "python": platform.python_version()}))


if __name__ == "__main__":
    main()
