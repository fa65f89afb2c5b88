"""fpk_client: publish weight snapshots of a training run to fpk.

One call, :func:`publish`, turns a weight matrix (a PyTorch tensor, a NumPy array or nested
lists) into ``fpk.v1.WeightSnapshot`` messages (chunked if the matrix is larger than a Kafka
message) and sends them to the topic ``fpk.snapshots.v1`` with the key ``<run_id>/<layer>``.
The wire format is specified in ``protocol/README.md``; the protobuf code is generated from
``protocol/src/main/proto/fpk/v1/fpk.proto`` by ``protocol/python/generate.sh`` (Debian's
``protoc``), on first import if it is missing.

Dependencies: Debian's ``python3-protobuf`` and, for :func:`publish` only,
``python3-confluent-kafka``. Nothing else (NumPy and PyTorch tensors are accepted, not required).

Example::

    import fpk_client
    for step in range(steps):
        ...  # one optimiser step
        if step % 10 == 0:
            fpk_client.publish("127.0.0.1:9092", "run-7", replica, step, "bottleneck",
                               model.mid.weight, learning_rate=0.05, batch_size=32,
                               loss=float(loss), optimizer="sgd", ensemble_size=8)
    fpk_client.flush()
"""

import json
import math
import os
import struct
import subprocess
import sys
import time

__all__ = [
    "SNAPSHOTS_TOPIC", "SCHEMA_HEADER", "SCHEMA_NAME", "DEFAULT_MAX_MESSAGE_BYTES", "MAX_ID_LENGTH",
    "MAX_VALUES", "WeightSnapshot", "snapshot_key", "build_snapshot", "build_snapshots", "split",
    "publish", "flush", "encode_delimited", "to_json_line", "write_replay",
]

SNAPSHOTS_TOPIC = "fpk.snapshots.v1"
SCHEMA_HEADER = "fpk-schema"
SCHEMA_NAME = "fpk.v1.WeightSnapshot"
DEFAULT_MAX_MESSAGE_BYTES = 900_000
"""Serialized bytes per message, under Kafka's default limit of about 1 MB."""
MAX_ID_LENGTH = 256
MAX_VALUES = 2048 * 2048
"""fpk's default limit on the entries of one matrix (all chunks together)."""

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load_generated():
    try:
        from ._generated.fpk.v1 import fpk_pb2  # noqa: F401
        return fpk_pb2
    except ImportError:
        pass
    script = os.path.join(os.path.dirname(_HERE), "generate.sh")
    if os.path.exists(script):
        subprocess.run(["sh", script], check=True, stdout=sys.stderr)
    try:
        from ._generated.fpk.v1 import fpk_pb2  # noqa: F811
        return fpk_pb2
    except ImportError as e:
        raise ImportError(
            "fpk_client: the protobuf code is not generated; run protocol/python/generate.sh "
            "(needs Debian's protobuf-compiler and python3-protobuf): %s" % e) from e


fpk_pb2 = _load_generated()
WeightSnapshot = fpk_pb2.WeightSnapshot

_EXTRAS = {
    "ensemble_size", "time_unix_millis", "loss", "optimizer", "seed",
    "probe_inputs", "gradient_mean", "gradient_variance",
}


def snapshot_key(run_id, layer):
    """The Kafka key: run id with '%' -> '%25' and '/' -> '%2F', then '/', then the layer."""
    return run_id.replace("%", "%25").replace("/", "%2F") + "/" + layer


def _flatten(tensor, name):
    """(shape, values) of a tensor, array, nested list or scalar; values as Python floats, row-major."""
    t = tensor
    if hasattr(t, "detach"):  # torch
        t = t.detach()
        if hasattr(t, "cpu"):
            t = t.cpu()
        t = t.numpy()
    if hasattr(t, "shape") and hasattr(t, "ravel"):  # numpy
        shape = [int(d) for d in t.shape] or [1]
        return shape, [float(v) for v in t.ravel().tolist()]
    if isinstance(t, (int, float)):
        return [1], [float(t)]
    shape = []
    probe = t
    while isinstance(probe, (list, tuple)):
        shape.append(len(probe))
        if not probe:
            break
        probe = probe[0]
    values = []

    def walk(x, depth):
        if depth == len(shape):
            if isinstance(x, (list, tuple)):
                raise ValueError("%s is ragged: nesting deeper than shape %s" % (name, shape))
            values.append(float(x))
            return
        if not isinstance(x, (list, tuple)) or len(x) != shape[depth]:
            raise ValueError("%s is ragged: expected %d entries at depth %d" % (name, shape[depth], depth))
        for y in x:
            walk(y, depth + 1)

    walk(t, 0)
    return shape, values


def _flat(values, name):
    if values is None:
        return []
    return _flatten(values, name)[1]


def _check(msg):
    for field in ("run_id", "layer"):
        v = getattr(msg, field)
        if not v:
            raise ValueError("%s is empty" % field)
        if len(v) > MAX_ID_LENGTH:
            raise ValueError("%s has %d characters, at most %d" % (field, len(v), MAX_ID_LENGTH))
        for i, c in enumerate(v):
            if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f:
                raise ValueError("%s contains control character U+%04X at index %d" % (field, ord(c), i))
    if msg.step < 0:
        raise ValueError("step = %d: must be >= 0" % msg.step)
    if msg.replica < 0:
        raise ValueError("replica = %d: must be >= 0" % msg.replica)
    if msg.ensemble_size < 0 or (msg.ensemble_size > 0 and msg.replica >= msg.ensemble_size):
        raise ValueError("replica = %d, ensemble_size = %d: need 0 <= replica < ensemble_size (or ensemble_size 0)"
                         % (msg.replica, msg.ensemble_size))
    if not msg.shape:
        raise ValueError("shape is empty: at least one dimension is needed")
    total = 1
    for i, d in enumerate(msg.shape):
        if d <= 0:
            raise ValueError("shape[%d] = %d: every dimension must be >= 1" % (i, d))
        total *= d
    if total > MAX_VALUES:
        raise ValueError("shape %s has %d elements, at most %d" % (list(msg.shape), total, MAX_VALUES))
    if total != len(msg.values):
        raise ValueError("shape %s has %d elements but values has %d" % (list(msg.shape), total, len(msg.values)))
    for field in ("values", "probe_inputs", "gradient_mean", "gradient_variance"):
        for i, v in enumerate(getattr(msg, field)):
            if not math.isfinite(v):
                raise ValueError("%s[%d] = %s: %s must be finite" % (field, i, v, field))
    for field in ("gradient_mean", "gradient_variance"):
        n = len(getattr(msg, field))
        if n and n != total:
            raise ValueError("%s has %d entries: must be empty or as many as values (%d)" % (field, n, total))


def build_snapshot(run_id, replica, step, layer, tensor, learning_rate=0.0, batch_size=0,
                   validate=True, **extras):
    """One unchunked WeightSnapshot. ``extras``: ensemble_size, time_unix_millis (default: now),
    loss, optimizer, seed, probe_inputs, gradient_mean, gradient_variance (tensors for the last
    three). Raises ValueError naming the field and the value if fpk would reject it (unless
    ``validate`` is False, for tests of the rejection path)."""
    unknown = set(extras) - _EXTRAS
    if unknown:
        raise TypeError("unknown snapshot fields %s; known: %s" % (sorted(unknown), sorted(_EXTRAS)))
    shape, values = _flatten(tensor, "tensor")
    msg = WeightSnapshot(run_id=run_id, replica=int(replica), step=int(step), layer=layer,
                         learning_rate=float(learning_rate), batch_size=int(batch_size))
    msg.shape.extend(shape)
    msg.values.extend(values)
    msg.time_unix_millis = int(extras.get("time_unix_millis", time.time() * 1000))
    if extras.get("loss") is not None:
        msg.loss = float(extras["loss"])
    for field in ("ensemble_size", "seed"):
        if extras.get(field) is not None:
            setattr(msg, field, int(extras[field]))
    if extras.get("optimizer") is not None:
        msg.optimizer = str(extras["optimizer"])
    for field in ("probe_inputs", "gradient_mean", "gradient_variance"):
        getattr(msg, field).extend(_flat(extras.get(field), field))
    if validate:
        _check(msg)
    return msg


def split(snapshot, max_values_per_chunk):
    """Chunks of at most ``max_values_per_chunk`` values (protocol/README.md, "Large matrices");
    a snapshot with at most that many values comes back alone and unchanged."""
    if max_values_per_chunk < 1:
        raise ValueError("max_values_per_chunk = %d: must be >= 1" % max_values_per_chunk)
    n = len(snapshot.values)
    if n <= max_values_per_chunk:
        return [snapshot]
    count = (n + max_values_per_chunk - 1) // max_values_per_chunk
    header = WeightSnapshot()
    header.CopyFrom(snapshot)
    for field in ("values", "gradient_mean", "gradient_variance", "probe_inputs"):
        header.ClearField(field)
    chunks = []
    for c in range(count):
        lo, hi = c * max_values_per_chunk, min(n, (c + 1) * max_values_per_chunk)
        m = WeightSnapshot()
        m.CopyFrom(header)
        m.chunk_index, m.chunk_count, m.chunk_offset = c, count, lo
        m.values.extend(snapshot.values[lo:hi])
        if len(snapshot.gradient_mean):
            m.gradient_mean.extend(snapshot.gradient_mean[lo:hi])
        if len(snapshot.gradient_variance):
            m.gradient_variance.extend(snapshot.gradient_variance[lo:hi])
        if c == 0:
            m.probe_inputs.extend(snapshot.probe_inputs)
        chunks.append(m)
    return chunks


def _split_to_bytes(snapshot, max_message_bytes):
    if snapshot.ByteSize() <= max_message_bytes:
        return [snapshot]
    header = WeightSnapshot()
    header.CopyFrom(snapshot)
    for field in ("values", "gradient_mean", "gradient_variance"):
        header.ClearField(field)
    header.chunk_index, header.chunk_count, header.chunk_offset = 2**31 - 1, 2**31 - 1, 2**63 - 1
    per_value = 4 * (1 + (len(snapshot.gradient_mean) > 0) + (len(snapshot.gradient_variance) > 0))
    per_chunk = (max_message_bytes - header.ByteSize() - 18) // per_value
    if per_chunk < 1:
        raise ValueError("header and probe_inputs take %d bytes, over the budget of %d"
                         % (header.ByteSize(), max_message_bytes))
    return split(snapshot, per_chunk)


def build_snapshots(run_id, replica, step, layer, tensor, learning_rate=0.0, batch_size=0,
                    max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES, validate=True, **extras):
    """The messages for one matrix: one snapshot, or its chunks if it serializes to more than
    ``max_message_bytes``."""
    s = build_snapshot(run_id, replica, step, layer, tensor, learning_rate, batch_size,
                       validate=validate, **extras)
    return _split_to_bytes(s, max_message_bytes)


_producers = {}


def _producer(producer_or_bootstrap):
    if not isinstance(producer_or_bootstrap, str):
        return producer_or_bootstrap, False
    p = _producers.get(producer_or_bootstrap)
    if p is None:
        from confluent_kafka import Producer  # Debian: python3-confluent-kafka
        p = Producer({"bootstrap.servers": producer_or_bootstrap, "linger.ms": 5,
                      "message.max.bytes": 1_000_000})
        _producers[producer_or_bootstrap] = p
    return p, True


def publish(producer_or_bootstrap, run_id, replica, step, layer, tensor, learning_rate=0.0,
            batch_size=0, *, topic=SNAPSHOTS_TOPIC, max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES,
            flush=None, **extras):
    """Publishes one weight matrix of one replica at one step to fpk; returns the number of
    messages sent (more than one when chunked).

    ``producer_or_bootstrap``: a ``confluent_kafka.Producer`` (or anything with its ``produce``
    and ``poll`` methods), or a bootstrap address ``"host:port"`` for which a producer is made
    and kept. ``flush``: wait until the broker has the messages; default True for a bootstrap
    address, False for a producer you pass (then call its ``flush()`` yourself, or
    :func:`flush`). Raises ValueError if fpk would reject the snapshot, RuntimeError if the
    broker refused a message.
    """
    producer, owned = _producer(producer_or_bootstrap)
    messages = build_snapshots(run_id, replica, step, layer, tensor, learning_rate, batch_size,
                               max_message_bytes=max_message_bytes, **extras)
    key = snapshot_key(run_id, layer).encode("utf-8")
    errors = []

    def on_delivery(err, _msg):
        if err is not None:
            errors.append(err)

    for m in messages:
        value = m.SerializeToString()
        while True:
            try:
                producer.produce(topic, value=value, key=key,
                                 headers=[(SCHEMA_HEADER, SCHEMA_NAME.encode("ascii"))],
                                 on_delivery=on_delivery)
                break
            except BufferError:  # local queue full: wait for the broker (back-pressure)
                producer.poll(0.5)
        producer.poll(0)
    if owned if flush is None else flush:
        remaining = producer.flush(60)
        if remaining:
            raise RuntimeError("%d fpk messages still undelivered after 60 s" % remaining)
        if errors:
            raise RuntimeError("broker refused fpk messages: %s" % errors[:3])
    return len(messages)


def flush(timeout=60.0):
    """Flushes the producers made by :func:`publish` for bootstrap addresses."""
    for p in _producers.values():
        p.flush(timeout)


def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def encode_delimited(snapshots):
    """Snapshots as a length-delimited stream (Java's writeDelimitedTo): the .pb replay format."""
    parts = []
    for s in snapshots:
        body = s.SerializeToString()
        parts.append(_varint(len(body)))
        parts.append(body)
    return b"".join(parts)


def to_json_line(snapshot):
    """One proto3-JSON line (camelCase names, no whitespace), without the line break."""
    from google.protobuf import json_format
    d = json_format.MessageToDict(snapshot, preserving_proto_field_name=False)
    return json.dumps(d, separators=(",", ":"), allow_nan=False)


def write_replay(path, snapshots, format=None):
    """Writes a replay file, ``format`` "pb" or "jsonl" (default: from the extension)."""
    fmt = format or os.path.splitext(path)[1].lstrip(".").lower()
    if fmt == "pb":
        with open(path, "wb") as f:
            f.write(encode_delimited(snapshots))
    elif fmt == "jsonl":
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for s in snapshots:
                f.write(to_json_line(s) + "\n")
    else:
        raise ValueError("replay format of %r: expected .pb or .jsonl (or format='pb'|'jsonl')" % path)
