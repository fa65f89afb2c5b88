"""fpk_client.watch: two lines let fpk watch a PyTorch training run.

    with fpk_client.watch(model, bootstrap="127.0.0.1:9092", run_id="run-7", optimizer=opt,
                          batch_size=32, every=10) as w:
        for x, y in batches:
            ...  # forward, backward, opt.step()
            w.step(loss)

At entry (step 0) and after every ``every``-th call of ``step`` the watcher copies the watched
weights into a free buffer of its own, on the training thread (a memcpy; on CUDA an asynchronous
copy to pinned memory), and hands the buffer to a background thread that checks, serialises
(one packed float buffer per matrix, chunked over the byte budget, ``_wire``) and sends the
snapshots. There are ``queue_size`` buffers: when all wait to be sent the training thread blocks
until one is free (nothing is lost), or with ``drop_when_full=True`` skips that step's snapshot and
counts it. Torch 1.13 has no optimiser step hooks, so the step is counted by ``step()`` calls.

Ensembles (R replicas trained in one process, the ensemble view of fpk): :func:`watch_ensemble`
takes a list of R models of one architecture, or stacked parameters ``{name: tensor [R, ...]}``
(as ``torch.func.stack_module_state`` makes them, or batched weights you train yourself).

Thread-safety: ``step`` and ``close`` belong to the training thread; the statistics may be read
from any thread.
"""

import logging
import os
import queue
import sys
import threading
import time
import types
import warnings
import weakref

import numpy as np

from ._wire import (DEFAULT_MAX_MESSAGE_BYTES, RECORD_HEADERS, SNAPSHOTS_TOPIC, RecordLayout, RecordWriter,
                    WeightSnapshot, as_float32, check_header, first_non_finite, header_bound, producer_config,
                    snapshot_key)

__all__ = ["watch", "watch_ensemble", "Watcher", "BrokerUnreachable"]

_log = logging.getLogger("fpk_client")
_kafka_log = logging.getLogger("fpk_client.kafka")
# librdkafka's own log lines go to Python logging under fpk_client.kafka (shown only if you
# configure logging), so a failed connection ends in one clear exception, not pages of retries.
_kafka_log.addHandler(logging.NullHandler())


class BrokerUnreachable(ConnectionError):
    """No Kafka broker answered at the bootstrap address within the connect timeout."""


class _Matrix:
    """One watched tensor: a single replica's matrix, or R replicas' stacked along dimension 0."""

    def __init__(self, layer, tensor, replicas, stacked):
        self.layer = layer
        self.tensor = tensor
        self.replicas = replicas  # replica ids, one per matrix in the tensor
        self.stacked = stacked
        self.shape = [int(d) for d in (tensor.shape[1:] if stacked else tensor.shape)]
        self.layout = None  # its records' places in a buffer (RecordLayout), set by the Watcher

    def flat(self, tensor):
        """``tensor`` (this matrix's, or a copy of it) as [replicas, values] if stacked, else [values]."""
        return tensor.reshape(len(self.replicas), -1) if self.stacked else tensor.reshape(-1)


def _layer_name(parameter_name):
    """fpk's layer name of a parameter: its module path ('fc1', 'net.0'); other parameters keep their name."""
    return parameter_name[:-len(".weight")] if parameter_name.endswith(".weight") else parameter_name


def _select(named, layers, is_default, what):
    """(layer name, tensor) pairs: every default one when ``layers`` is None, else the named ones in
    that order; a name is a parameter's ('fc1.weight') or a module's whose weight it means ('fc1')."""
    if layers is None:
        chosen = [(_layer_name(n), t) for n, t in named.items() if is_default(t)]
        if not chosen:
            raise ValueError("%s has no 2-D weight to watch; name the parameters with layers=[...]" % what)
        return chosen
    if isinstance(layers, str):
        layers = [layers]
    chosen = []
    for name in layers:
        tensor = named.get(name, named.get(name + ".weight"))
        if tensor is None:
            known = ", ".join(_layer_name(n) for n, t in named.items() if is_default(t)) or "none"
            raise ValueError("unknown layer %r: %s has no parameter %r or %r (its 2-D weights: %s)"
                             % (name, what, name, name + ".weight", known))
        chosen.append((_layer_name(name), tensor))
    return chosen


def _optimizer_name(optimizer):
    if optimizer is None:
        return ""
    if isinstance(optimizer, str):
        return optimizer
    name = type(optimizer).__name__.lower()
    if name == "sgd":
        return "momentum" if any(g.get("momentum", 0) for g in optimizer.param_groups) else "sgd"
    if name.startswith("adam"):
        return "adam"
    return name


class Watcher:
    """Publishes weight snapshots of a training run to fpk; made by :func:`watch` or
    :func:`watch_ensemble`. Use it as a context manager, call :meth:`step` after every optimiser
    step, and :meth:`close` (or leave the ``with`` block) to send what is left and wait for it.

    Statistics (any thread): ``steps`` counted, ``published`` steps handed to the sender,
    ``snapshots`` matrices sent (one per replica and layer per published step), ``records`` Kafka
    records (more than snapshots when chunked), ``bytes`` sent, ``dropped`` steps skipped because
    the queue was full (``drop_when_full``), ``non_finite`` snapshots withheld for a NaN or an
    infinity, ``send_seconds`` the sender thread spent checking, serialising and producing (wall
    clock) and ``send_cpu_seconds`` the CPU it used for that."""

    def __init__(self, matrices, *, bootstrap, run_id, every, ensemble_size, optimizer, learning_rate,
                 batch_size, seed, probes, queue_size, drop_when_full, max_message_bytes, topic, producer,
                 connect_timeout, kafka_config, sender_niceness, defer_copy):
        import torch  # Debian: python3-torch
        self._torch = torch
        if every < 1:
            raise ValueError("every = %r: must be >= 1" % (every,))
        if queue_size < 1:
            raise ValueError("queue_size = %r: must be >= 1" % (queue_size,))
        self.run_id, self.every, self.topic = run_id, int(every), topic
        self.ensemble_size = int(ensemble_size)
        self._optimizer_name = _optimizer_name(optimizer)
        for m in matrices:  # what fpk would reject is refused here, before training starts
            for r in m.replicas:
                header = WeightSnapshot(run_id=run_id, layer=m.layer, replica=r, ensemble_size=self.ensemble_size,
                                        optimizer=self._optimizer_name)
                header.shape.extend(m.shape)
                try:
                    count = check_header(header)
                except ValueError as e:
                    raise ValueError("layer %s: %s" % (m.layer, e)) from None
            m.layout = RecordLayout(count, header_bound(header), max_message_bytes)  # header of the last replica
        self.batch_size = int(batch_size or 0)
        self._writer = RecordWriter(max_message_bytes)
        self._matrices = matrices
        self._keys = [snapshot_key(run_id, m.layer).encode("utf-8") for m in matrices]
        self._learning_rate = learning_rate
        self._optimizer = optimizer if optimizer is not None and not isinstance(optimizer, str) else None
        self._groups = self._parameter_groups()
        self._seed = seed
        self._first_replica = min(r for m in matrices for r in m.replicas)
        self._probes = probes
        self._drop_when_full = drop_when_full
        self.steps = self.published = self.snapshots = self.records = self.bytes = 0
        self.dropped = self.non_finite = 0
        self.send_seconds = self.send_cpu_seconds = 0.0
        self._warned_non_finite = set()
        self._delivery_errors = []
        self._failure = None
        self._closed = False
        if sender_niceness < 0:
            raise ValueError("sender_niceness = %r: must be >= 0 (a lower priority than training's, or the same)"
                             % (sender_niceness,))
        self._sender_niceness = int(sender_niceness)
        if producer is None:
            threads = _thread_ids()
            producer = self._connect(bootstrap, connect_timeout, kafka_config)
            for tid in _thread_ids() - threads:  # librdkafka's (rdk:main, rdk:broker...): later ones inherit it
                _lower_priority(tid, self._sender_niceness)
        self._producer = producer
        self._on_cuda = any(m.tensor.is_cuda for m in matrices)
        self._pending = None  # the last published step's copy while it may still be waiting
        self._guard = _StepGuard(self._optimizer, weakref.WeakMethod(self._settle)) \
            if defer_copy and not self._on_cuda and self._optimizer_updates_all(matrices) else None
        self._free = queue.Queue()
        for _ in range(queue_size):
            self._free.put(self._buffers())
        self._jobs = queue.Queue()
        self._sender = threading.Thread(target=self._send_loop, name="fpk-watch-sender", daemon=True)
        self._sender.start()
        self._publish(None)  # step 0: the first increment needs it

    # ---- training thread -------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(raise_errors=exc_type is None)
        return False

    def step(self, loss=None, *, batch_size=None):
        """Counts one optimiser step; publishes the weights if it is a multiple of ``every``.
        ``loss``: this step's minibatch loss (a number or tensor; for an ensemble one per replica,
        or one for all); ``batch_size`` overrides the watcher's for this step (a short last batch)."""
        self._raise_failure()
        self.steps += 1
        if self.steps % self.every == 0:
            self._publish(loss, batch_size)

    def close(self, timeout=60.0, raise_errors=True):
        """Sends what is queued and waits until the broker has it (at most ``timeout`` seconds);
        raises RuntimeError if records stayed undelivered or the broker refused some."""
        if self._closed:
            return
        self._closed = True
        self._settle()
        if self._guard is not None:
            self._guard.remove()
        self._jobs.put(None)
        self._sender.join()
        remaining = self._producer.flush(timeout)
        if not raise_errors:
            return
        self._raise_failure()
        if remaining:
            raise RuntimeError("fpk_client: %d snapshot records still undelivered to %s after %.0f s"
                               % (remaining, self.topic, timeout))
        if self._delivery_errors:
            raise RuntimeError("fpk_client: the broker refused %d snapshot records, first: %s"
                               % (len(self._delivery_errors), self._delivery_errors[0]))

    @property
    def layers(self):
        """The names of the watched layers, as fpk shows them, in publishing order."""
        return list(dict.fromkeys(m.layer for m in self._matrices))

    def stats(self):
        """The statistics as a dict (see the class comment)."""
        return {"steps": self.steps, "published": self.published, "snapshots": self.snapshots,
                "records": self.records, "bytes": self.bytes, "dropped": self.dropped,
                "nonFinite": self.non_finite, "sendSeconds": round(self.send_seconds, 6),
                "sendCpuSeconds": round(self.send_cpu_seconds, 6)}

    def _raise_failure(self):
        if self._failure is not None:
            raise RuntimeError("fpk_client: the snapshot sender failed: %s" % (self._failure,)) from self._failure

    def _settle(self):
        """Makes sure the last published step's copy is done (here, if the sender has not begun it)."""
        if self._pending is not None:
            self._pending.settle()
            self._pending = None

    def _optimizer_updates_all(self, matrices):
        """Whether every watched tensor is among the optimiser's parameters (then only its step()
        changes them, and the copy can wait until it is called)."""
        if self._optimizer is None:
            return False
        ids = {id(p) for g in self._optimizer.param_groups for p in g["params"]}
        return all(id(m.tensor) in ids for m in matrices)

    def _place(self, buffers):
        with self._torch.no_grad():
            for (records, _staging), m in zip(buffers, self._matrices):
                m.layout.place(records, m.flat(m.tensor.detach()))

    def _publish(self, loss, batch_size=None):
        self._settle()
        if self._drop_when_full:
            try:
                buffers = self._free.get_nowait()
            except queue.Empty:
                self.dropped += 1
                return
        else:
            buffers = self._free.get()
        torch = self._torch
        copy = ready = None
        with torch.no_grad():
            if self._on_cuda:  # an asynchronous copy into pinned memory; the sender places the values
                for (_records, staging), m in zip(buffers, self._matrices):
                    staging.copy_(m.tensor.detach(), non_blocking=True)
                ready = torch.cuda.Event()
                ready.record()
            elif self._guard is not None:  # the sender copies while forward and backward run
                copy = self._pending = _PendingCopy(lambda: self._place(buffers))
            else:  # the values straight into their places in the records
                self._place(buffers)
            probes = self._probe_inputs()
        job = {"buffers": buffers, "copy": copy, "ready": ready, "step": self.steps, "probes": probes,
               "time": int(time.time() * 1000), "loss": self._losses(loss),
               "learning_rates": [self._learning_rate_of(i) for i in range(len(self._matrices))],
               "batch_size": self.batch_size if batch_size is None else int(batch_size)}
        self.published += 1
        self._jobs.put(job)

    def _buffers(self):
        """One free buffer: per matrix (records, staging), ``records`` a float32 tensor holding its
        records ready to send ([replicas, floats] if stacked, else [floats]; RecordLayout), zeroed
        here so that its pages are not first touched on the training thread; ``staging`` None, or
        for a CUDA tensor pinned memory of its shape that the asynchronous copy goes to."""
        torch = self._torch
        out = []
        for m in self._matrices:
            lead = (len(m.replicas),) if m.stacked else ()
            records = torch.zeros(lead + (m.layout.floats,), dtype=torch.float32)
            staging = torch.empty(tuple(m.tensor.shape), dtype=torch.float32, pin_memory=True) \
                if m.tensor.is_cuda else None
            out.append((records, staging))
        return out

    def _probe_inputs(self):
        """{layer: float32 array [replicas, P, in] or [P, in]} of the probes callable, or None."""
        if self._probes is None:
            return None
        out = {}
        for layer in dict.fromkeys(m.layer for m in self._matrices):
            h = self._probes(layer)
            if h is not None:
                out[layer] = h.detach().to("cpu", self._torch.float32).numpy().copy()
        return out

    def _losses(self, loss):
        """None, or a list of one float per replica id (or one for all)."""
        if loss is None:
            return None
        if hasattr(loss, "detach"):
            loss = loss.detach().reshape(-1).to("cpu", self._torch.float64).tolist()
        elif isinstance(loss, (int, float)):
            loss = [loss]
        return [float(x) for x in loss]

    def _parameter_groups(self):
        """The optimiser's parameter group of each watched matrix (by tensor identity), or None."""
        if self._optimizer is None:
            return [None] * len(self._matrices)
        by_id = {}
        for g in self._optimizer.param_groups:
            for p in g["params"]:
                by_id[id(p)] = g
        return [by_id.get(id(m.tensor), self._optimizer.param_groups[0]) for m in self._matrices]

    def _learning_rate_of(self, i):
        if self._learning_rate is not None:
            return float(self._learning_rate)
        g = self._groups[i]
        return float(g["lr"]) if g is not None else 0.0

    @staticmethod
    def _connect(bootstrap, connect_timeout, kafka_config):
        from confluent_kafka import KafkaException, Producer  # Debian: python3-confluent-kafka
        config = producer_config(bootstrap, **{"queue.buffering.max.kbytes": 65536, "logger": _kafka_log})
        config.update(kafka_config or {})
        producer = Producer(config)
        try:
            producer.list_topics(timeout=connect_timeout)
        except KafkaException as e:
            reason = e.args[0].str() if e.args and hasattr(e.args[0], "str") else str(e)
            raise BrokerUnreachable("fpk_client.watch: no Kafka broker reachable at %s within %g s (%s); start one "
                                    "(fpk broker) or pass the right bootstrap" % (bootstrap, connect_timeout, reason)) \
                from None
        return producer

    # ---- sender thread ---------------------------------------------------------------------

    def _send_loop(self):
        _lower_priority(threading.get_native_id(), self._sender_niceness)
        while True:
            job = self._jobs.get()
            if job is None:
                return
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                if self._failure is None:
                    self._send(job)
            except Exception as e:  # reported to the training thread at its next step()
                self._failure = e
            finally:
                if job["copy"] is not None:
                    job["copy"].settle()  # before the buffers are reused, also after a failure
                self._free.put(job["buffers"])
                self.send_seconds += time.perf_counter() - started
                self.send_cpu_seconds += time.thread_time() - cpu

    def _send(self, job):
        if job["copy"] is not None:
            job["copy"].settle()
        if job["ready"] is not None:
            job["ready"].synchronize()
        losses = job["loss"]
        probes = job["probes"] or {}
        for i, (m, (records, staging)) in enumerate(zip(self._matrices, job["buffers"])):
            if staging is not None:
                with self._torch.no_grad():
                    m.layout.place(records, m.flat(staging))
            array = records.numpy()
            layer_probes = probes.get(m.layer)
            for k, replica in enumerate(m.replicas):
                row = array[k] if m.stacked else array
                pieces = m.layout.values(row)
                bad = _first_non_finite(pieces)
                if bad is not None:
                    self._report_non_finite(m, replica, job["step"], bad[0], bad[1])
                    continue
                header = WeightSnapshot(run_id=self.run_id, replica=replica, step=job["step"], layer=m.layer,
                                        learning_rate=job["learning_rates"][i], batch_size=job["batch_size"],
                                        time_unix_millis=job["time"], optimizer=self._optimizer_name,
                                        ensemble_size=self.ensemble_size)
                header.shape.extend(m.shape)
                r = replica - self._first_replica  # position among this process's replicas
                if losses is not None:
                    header.loss = losses[r] if len(losses) > 1 else losses[0]
                if self._seed is not None:
                    header.seed = int(self._seed[r] if isinstance(self._seed, (list, tuple)) else self._seed)
                if layer_probes is not None:  # rare: copied once more, with the probes in the first record
                    h = as_float32(layer_probes[r] if layer_probes.ndim == 3 else layer_probes)
                    values = np.concatenate([p.reshape(-1) for p in pieces])
                    for record in self._writer.records(header, values, h):
                        self._produce(self._keys[i], record)
                else:
                    self._produce_in_place(self._keys[i], m.layout, header, row.view(np.uint8))
                self.snapshots += 1
            self._producer.poll(0)

    def _produce_in_place(self, key, layout, header, row):
        """The matrix's records, each its header written into its gap in ``row`` and sent from there."""
        chunked = layout.chunked()
        for c in range(layout.records):
            if chunked:
                header.chunk_index, header.chunk_count, header.chunk_offset = c, layout.records, c * layout.per_record
            self._produce(key, layout.record(row, c, header.SerializeToString()))

    def _produce(self, key, value):
        while True:
            try:
                self._producer.produce(self.topic, value=value, key=key, headers=RECORD_HEADERS,
                                       on_delivery=self._on_delivery)
                break
            except BufferError:  # librdkafka's queue is full: wait for the broker (back-pressure)
                self._producer.poll(0.1)
        self.records += 1
        self.bytes += len(value)

    def _on_delivery(self, err, _msg):
        if err is not None:
            self._delivery_errors.append(err)

    def _report_non_finite(self, m, replica, step, index, value):
        self.non_finite += 1
        where = "layer %s" % m.layer + (" replica %d" % replica if len(m.replicas) > 1 or replica else "")
        if (m.layer, replica) in self._warned_non_finite:
            _log.debug("%s at step %d: non-finite weight, not sent", where, step)
            return
        self._warned_non_finite.add((m.layer, replica))
        warnings.warn("fpk_client: %s at step %d has a non-finite weight (values[%d] = %s); its snapshots are "
                      "not sent while it has one (Watcher.non_finite counts them)" % (where, step, index, value),
                      RuntimeWarning, stacklevel=2)


class _PendingCopy:
    """A published step's copy of the weights, made by whichever thread comes first: the sender
    when it takes the job, or the training thread when the weights are about to change."""

    def __init__(self, run):
        self._run = run
        self._claim = threading.Lock()
        self._done = threading.Event()

    def settle(self):
        """Returns once the copy is made: makes it here if nobody has begun it, else waits."""
        if self._claim.acquire(blocking=False):
            try:
                self._run()
            finally:
                self._done.set()
        else:
            self._done.wait()


class _StepGuard:
    """Calls ``before()()`` (a weak method: the optimiser does not keep a closed watcher and its
    buffers alive) at the start of every ``optimizer.step()`` (torch 1.13 has no step
    hooks): the optimiser's step method is replaced on the instance by a bound method, so a
    learning-rate scheduler made later can wrap it as it wraps any; ``remove()`` puts the
    original back if nothing has wrapped it since (else the guard stays; a closed watcher has
    nothing to do in it)."""

    def __init__(self, optimizer, before):
        self._optimizer = optimizer
        self._own = optimizer.__dict__.get("step")  # a scheduler's wrapper, or None: the class's method
        original = optimizer.step

        def step(_self, *args, **kwargs):
            method = before()
            if method is not None:
                method()
            return original(*args, **kwargs)

        self._step = types.MethodType(step, optimizer)
        self._step.__func__.__dict__.update(getattr(original, "__dict__", {}))  # a scheduler's _with_counter
        optimizer.step = self._step

    def remove(self):
        if self._optimizer.__dict__.get("step") is self._step:
            if self._own is None:
                del self._optimizer.step
            else:
                self._optimizer.step = self._own


def _thread_ids():
    """The kernel's ids of this process's threads (Linux), else an empty set."""
    try:
        return set(os.listdir("/proc/self/task"))
    except OSError:
        return set()


def _lower_priority(thread_id, niceness):
    """Lowers one thread's scheduling priority by ``niceness`` nice steps (Linux, where a thread id
    names one thread to setpriority); does nothing elsewhere or if the thread has gone."""
    if niceness <= 0 or not sys.platform.startswith("linux"):
        return
    try:
        tid = int(thread_id)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + niceness))
    except (OSError, ValueError):
        _log.debug("could not lower the priority of thread %s", thread_id)


def _first_non_finite(pieces):
    """(index among the values, value) of the first NaN or infinity in the NumPy arrays ``pieces``
    that hold a matrix's values in order, or None."""
    offset = 0
    for piece in pieces:
        i = first_non_finite(piece)
        if i is not None:
            return offset + i, piece.flat[i]
        offset += piece.size
    return None


def watch(model, *, bootstrap, run_id, every=1, layers=None, replica=0, ensemble_size=0, optimizer=None,
          learning_rate=None, batch_size=0, seed=None, probes=None, queue_size=2, drop_when_full=False,
          max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES, topic=SNAPSHOTS_TOPIC, producer=None, connect_timeout=5.0,
          kafka_config=None, sender_niceness=10, defer_copy=True):
    """Watches one model's weights: returns a :class:`Watcher` (a context manager) that has already
    published step 0. Call its ``step(loss)`` after every optimiser step.

    ``bootstrap``: Kafka bootstrap servers ``"host:port"`` of the broker fpk reads. ``run_id``: the
    training run's name (1..256 characters). ``every``: publish every that many steps. ``layers``:
    None for every 2-D parameter, else names of parameters ("fc1.weight") or modules ("fc1");
    the layer name fpk shows is the parameter's without ".weight". ``replica`` / ``ensemble_size``:
    this model's index among the ensemble's replicas when each replica trains in its own process
    (0 / 0 for a single run, analysed in pooled mode: ensemble_size 0 with replica 0 is sent as 1, so
    fpk completes each step without waiting for other replicas; with replica > 0 it stays 0,
    unknown, and fpk waits for the replicas it has seen). ``optimizer``: the torch optimiser, read at
    each published step for the learning rate of each matrix's parameter group and for its name
    (sgd, momentum, adam); ``learning_rate`` overrides it. ``batch_size``: the minibatch size B.
    ``seed``: the replica's seed, for the record. ``probes``: optional callable ``layer -> tensor
    [P, in]``, the layer's inputs on a fixed probe batch (fpk then compares outputs y = W h).
    ``queue_size``: snapshots waiting to be sent before ``step`` blocks (or drops, with
    ``drop_when_full=True``). ``max_message_bytes``: records over it are chunked. ``producer``: a
    confluent_kafka Producer of your own (bootstrap then unused). ``connect_timeout``: seconds to
    find the broker before :class:`BrokerUnreachable`. ``kafka_config``: extra librdkafka settings.
    ``sender_niceness``: on Linux, the sending threads (the watcher's and librdkafka's) run this
    many nice steps below the training thread's priority, so that where they share a core with it
    the scheduler gives it the core (0: the same priority; elsewhere ignored). ``defer_copy``: with
    an ``optimizer`` whose parameters include every watched tensor (on the CPU), a published
    step's weights are copied by the sender thread while forward and backward run, and at the
    latest when ``optimizer.step()`` is next called (the watcher wraps it; whichever thread comes
    first copies); set it False if something else changes the weights in place between ``step()``
    and the next ``optimizer.step()``.

    Raises ValueError naming an unknown layer, BrokerUnreachable if no broker answers in time.
    """
    named = dict(model.named_parameters())
    chosen = _select(named, layers, lambda t: t.dim() == 2, "the model")
    matrices = [_Matrix(layer, tensor, [int(replica)], stacked=False) for layer, tensor in chosen]
    if not ensemble_size and replica == 0:
        ensemble_size = 1  # the whole run
    return Watcher(matrices, bootstrap=bootstrap, run_id=run_id, every=every, ensemble_size=ensemble_size,
                   optimizer=optimizer, learning_rate=learning_rate, batch_size=batch_size, seed=seed,
                   probes=probes, queue_size=queue_size, drop_when_full=drop_when_full,
                   max_message_bytes=max_message_bytes, topic=topic, producer=producer,
                   connect_timeout=connect_timeout, kafka_config=kafka_config, sender_niceness=sender_niceness,
                   defer_copy=defer_copy)


def watch_ensemble(models, *, bootstrap, run_id, every=1, layers=None, replica=0, ensemble_size=0, optimizer=None,
                   learning_rate=None, batch_size=0, seed=None, probes=None, queue_size=2, drop_when_full=False,
                   max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES, topic=SNAPSHOTS_TOPIC, producer=None,
                   connect_timeout=5.0, kafka_config=None, sender_niceness=10, defer_copy=True):
    """Watches R replicas trained in one process: ``models`` is a list of R models of one
    architecture (replica r = position r), or stacked parameters ``{name: tensor [R, ...]}``
    (default layers: those whose replicas are 2-D, i.e. 3-D tensors). Replica ids are ``replica``
    .. ``replica + R - 1``; ``ensemble_size`` defaults to R (set it when the ensemble spans
    processes). ``step(loss)`` takes one loss per replica (a tensor or list of R) or one for all;
    ``probes(layer)`` returns [R, P, in]; ``seed`` an int or one per replica. The other arguments
    are :func:`watch`'s."""
    if isinstance(models, dict):
        r = {int(t.shape[0]) for t in models.values()}
        if len(r) != 1:
            raise ValueError("stacked parameters disagree on the number of replicas (dimension 0): %s" % sorted(r))
        count = r.pop()
        chosen = _select(models, layers, lambda t: t.dim() == 3, "the stacked parameters")
        ids = list(range(int(replica), int(replica) + count))
        matrices = [_Matrix(layer, tensor, ids, stacked=True) for layer, tensor in chosen]
    else:
        models = list(models)
        if not models:
            raise ValueError("models is empty: need at least one replica")
        count = len(models)
        per_model = [_select(dict(m.named_parameters()), layers, lambda t: t.dim() == 2, "replica %d" % r)
                     for r, m in enumerate(models)]
        names = [[layer for layer, _ in chosen] for chosen in per_model]
        if any(n != names[0] for n in names):
            raise ValueError("the replicas differ in their watched layers: %s" % names)
        matrices = [_Matrix(layer, tensor, [int(replica) + r], stacked=False)
                    for layer_index in range(len(names[0]))
                    for r, chosen in enumerate(per_model)
                    for layer, tensor in [chosen[layer_index]]]
    return Watcher(matrices, bootstrap=bootstrap, run_id=run_id, every=every,
                ensemble_size=ensemble_size or int(replica) + count, optimizer=optimizer,
                learning_rate=learning_rate, batch_size=batch_size, seed=seed,
                probes=probes, queue_size=queue_size, drop_when_full=drop_when_full,
                max_message_bytes=max_message_bytes, topic=topic, producer=producer,
                connect_timeout=connect_timeout, kafka_config=kafka_config, sender_niceness=sender_niceness,
                defer_copy=defer_copy)
