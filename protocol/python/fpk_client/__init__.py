"""fpk_client: let fpk watch a training run.

Two lines watch a PyTorch model (:func:`watch`; :func:`watch_ensemble` for R replicas in one
process)::

    with fpk_client.watch(model, bootstrap="127.0.0.1:9092", run_id="run-7", optimizer=opt,
                          batch_size=32, every=10) as w:
        for x, y in batches:
            ...  # forward, backward, opt.step()
            w.step(loss)

Lower down, :func:`publish` sends one weight matrix (a PyTorch tensor, a NumPy array or nested
lists) as ``fpk.v1.WeightSnapshot`` messages (chunked if larger than a Kafka message) to the topic
``fpk.snapshots.v1`` with the key ``<run_id>/<layer>``, and :func:`write_replay` writes them to a
file for ``fpk replay``. The wire format is specified in ``protocol/README.md``; the protobuf code in
``fpk_client/_generated`` is generated from ``protocol/src/main/proto/fpk/v1/fpk.proto`` by
``protocol/python/generate.sh`` and ships in the package, whose version is the wire protocol's.

Dependencies: Debian's ``python3-protobuf``, ``python3-numpy``, ``python3-confluent-kafka`` (to
send) and ``python3-torch`` (for :func:`watch`).
"""

import json
import os
import time

from ._generated.version import WIRE_VERSION, __version__
from ._wire import (DEFAULT_MAX_MESSAGE_BYTES, GRADIENT_MEAN_FIELD, GRADIENT_VARIANCE_FIELD, MAX_ID_LENGTH,
                    MAX_VALUES, PROBE_INPUTS_FIELD, RECORD_HEADERS, SCHEMA_HEADER, SCHEMA_NAME, SNAPSHOTS_TOPIC,
                    VALUES_FIELD, WeightSnapshot, as_float32, check_header, encode_records, first_non_finite,
                    packed_floats, producer_config, snapshot_key, varint)
from .watching import BrokerUnreachable, Watcher, watch, watch_ensemble

__all__ = [
    "SNAPSHOTS_TOPIC", "SCHEMA_HEADER", "SCHEMA_NAME", "DEFAULT_MAX_MESSAGE_BYTES", "MAX_ID_LENGTH",
    "MAX_VALUES", "WIRE_VERSION", "WeightSnapshot", "snapshot_key", "build_snapshot", "build_snapshots",
    "split", "publish", "flush", "encode_delimited", "to_json_line", "write_replay", "watch",
    "watch_ensemble", "Watcher", "BrokerUnreachable",
]

_EXTRAS = {
    "ensemble_size", "time_unix_millis", "loss", "optimizer", "seed",
    "probe_inputs", "gradient_mean", "gradient_variance",
}
_FLOAT_FIELDS = {"values": VALUES_FIELD, "probe_inputs": PROBE_INPUTS_FIELD,
                 "gradient_mean": GRADIENT_MEAN_FIELD, "gradient_variance": GRADIENT_VARIANCE_FIELD}


def _flatten(tensor, name):
    """(shape, values) of a tensor, array, nested list or scalar; values a flat float32 array, row-major."""
    t = tensor
    if hasattr(t, "detach"):  # torch
        t = t.detach()
        if hasattr(t, "cpu"):
            t = t.cpu()
        t = t.float().numpy()
    if hasattr(t, "shape") and hasattr(t, "ravel"):  # numpy
        shape = [int(d) for d in t.shape] or [1]
        return shape, as_float32(t)
    if isinstance(t, (int, float)):
        return [1], as_float32([t])
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
    return shape, as_float32(values)


def _check_arrays(total, arrays):
    """Lengths and finiteness of the float fields (name -> float32 array) of a snapshot of ``total`` values."""
    if total != arrays["values"].size:
        raise ValueError("shape has %d elements but values has %d" % (total, arrays["values"].size))
    for field, values in arrays.items():
        i = first_non_finite(values)
        if i is not None:
            raise ValueError("%s[%d] = %s: %s must be finite" % (field, i, values[i], field))
    for field in ("gradient_mean", "gradient_variance"):
        n = arrays[field].size if field in arrays else 0
        if n and n != total:
            raise ValueError("%s has %d entries: must be empty or as many as values (%d)" % (field, n, total))


def _parts(run_id, replica, step, layer, tensor, learning_rate, batch_size, validate, extras):
    """(header, float arrays by field name) of one matrix, checked unless ``validate`` is False."""
    unknown = set(extras) - _EXTRAS
    if unknown:
        raise TypeError("unknown snapshot fields %s; known: %s" % (sorted(unknown), sorted(_EXTRAS)))
    shape, values = _flatten(tensor, "tensor")
    header = WeightSnapshot(run_id=run_id, replica=int(replica), step=int(step), layer=layer,
                            learning_rate=float(learning_rate), batch_size=int(batch_size))
    header.shape.extend(shape)
    header.time_unix_millis = int(extras.get("time_unix_millis", time.time() * 1000))
    if extras.get("loss") is not None:
        header.loss = float(extras["loss"])
    for field in ("ensemble_size", "seed"):
        if extras.get(field) is not None:
            setattr(header, field, int(extras[field]))
    if extras.get("optimizer") is not None:
        header.optimizer = str(extras["optimizer"])
    arrays = {"values": values}
    for field in ("probe_inputs", "gradient_mean", "gradient_variance"):
        if extras.get(field) is not None:
            arrays[field] = _flatten(extras[field], field)[1]
    if validate:
        _check_arrays(check_header(header), arrays)
    return header, arrays


def build_snapshot(run_id, replica, step, layer, tensor, learning_rate=0.0, batch_size=0,
                   validate=True, **extras):
    """One unchunked WeightSnapshot. ``extras``: ensemble_size, time_unix_millis (default: now),
    loss, optimizer, seed, probe_inputs, gradient_mean, gradient_variance (tensors for the last
    three). Raises ValueError naming the field and the value if fpk would reject it (unless
    ``validate`` is False, for tests of the rejection path). The floats go in as packed buffers."""
    msg, arrays = _parts(run_id, replica, step, layer, tensor, learning_rate, batch_size, validate, extras)
    msg.MergeFromString(b"".join(packed_floats(_FLOAT_FIELDS[f], a) for f, a in arrays.items()))
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
        p = Producer(producer_config(producer_or_bootstrap))
        _producers[producer_or_bootstrap] = p
    return p, True


def _records(run_id, replica, step, layer, tensor, learning_rate, batch_size, max_message_bytes, extras):
    """The serialized records of one matrix; one packed buffer per float field, chunked by bytes."""
    if extras.get("gradient_mean") is not None or extras.get("gradient_variance") is not None:
        return [m.SerializeToString() for m in build_snapshots(
            run_id, replica, step, layer, tensor, learning_rate, batch_size,
            max_message_bytes=max_message_bytes, **extras)]
    header, arrays = _parts(run_id, replica, step, layer, tensor, learning_rate, batch_size, True, extras)
    return encode_records(header, arrays["values"], arrays.get("probe_inputs"), max_message_bytes)


def publish(producer_or_bootstrap, run_id, replica, step, layer, tensor, learning_rate=0.0,
            batch_size=0, *, topic=SNAPSHOTS_TOPIC, max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES,
            flush=None, **extras):
    """Publishes one weight matrix of one replica at one step to fpk; returns the number of
    messages sent (more than one when chunked). To watch a whole model, :func:`watch` does this
    for you, off the training thread.

    ``producer_or_bootstrap``: a ``confluent_kafka.Producer`` (or anything with its ``produce``
    and ``poll`` methods), or a bootstrap address ``"host:port"`` for which a producer is made
    and kept. ``flush``: wait until the broker has the messages; default True for a bootstrap
    address, False for a producer you pass (then call its ``flush()`` yourself, or
    :func:`flush`). Raises ValueError if fpk would reject the snapshot, RuntimeError if the
    broker refused a message.
    """
    producer, owned = _producer(producer_or_bootstrap)
    records = _records(run_id, replica, step, layer, tensor, learning_rate, batch_size, max_message_bytes, extras)
    key = snapshot_key(run_id, layer).encode("utf-8")
    errors = []

    def on_delivery(err, _msg):
        if err is not None:
            errors.append(err)

    for value in records:
        while True:
            try:
                producer.produce(topic, value=value, key=key, headers=RECORD_HEADERS, on_delivery=on_delivery)
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
    return len(records)


def flush(timeout=60.0):
    """Flushes the producers made by :func:`publish` for bootstrap addresses."""
    for p in _producers.values():
        p.flush(timeout)


def encode_delimited(snapshots):
    """Snapshots as a length-delimited stream (Java's writeDelimitedTo): the .pb replay format."""
    parts = []
    for s in snapshots:
        body = s.SerializeToString()
        parts.append(varint(len(body)))
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
