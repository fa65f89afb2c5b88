"""The bytes fpk_client sends: WeightSnapshot records built around one packed float buffer.

Building a protobuf message value by value in Python costs about a microsecond per value (a 1024 x
1024 matrix: a second). Here the header fields go through protobuf (a few fields, microseconds) and
the floats are appended as one packed field written directly: tag, varint byte length, then the
array's little-endian float32 bytes (protobuf concatenation of two serialized messages is their
merge, so header bytes + packed field bytes is one valid WeightSnapshot). Matrices over the byte
budget are cut into chunks as protocol/README.md, "Size limits and large matrices", specifies.
Stateless and thread-safe.
"""

import numpy as np

from ._generated.fpk.v1 import fpk_pb2

WeightSnapshot = fpk_pb2.WeightSnapshot

SNAPSHOTS_TOPIC = "fpk.snapshots.v1"
SCHEMA_HEADER = "fpk-schema"
SCHEMA_NAME = "fpk.v1.WeightSnapshot"
RECORD_HEADERS = [(SCHEMA_HEADER, SCHEMA_NAME.encode("ascii"))]
DEFAULT_MAX_MESSAGE_BYTES = 900_000
"""Serialized bytes per message, under Kafka's default limit of about 1 MB."""

MAX_ID_LENGTH = 256
MAX_VALUES = 2048 * 2048
"""fpk's default limit on the entries of one matrix (all chunks together)."""

VALUES_FIELD = 6
PROBE_INPUTS_FIELD = 13
GRADIENT_MEAN_FIELD = 14
GRADIENT_VARIANCE_FIELD = 15
_LENGTH_DELIMITED = 2
_MAX_VARINT_BYTES = 10
_MAX_CHUNK_FIELDS = {"chunk_index": 2**31 - 1, "chunk_count": 2**31 - 1, "chunk_offset": 2**63 - 1}


def snapshot_key(run_id, layer):
    """The Kafka key: run id with '%' -> '%25' and '/' -> '%2F', then '/', then the layer."""
    return run_id.replace("%", "%25").replace("/", "%2F") + "/" + layer


def varint(n):
    """Base-128 varint of a non-negative integer, low group first."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def as_float32(values):
    """A contiguous 1-D little-endian float32 view (or copy, if needed) of an array."""
    return np.ascontiguousarray(values, dtype="<f4").reshape(-1)


def packed_floats(field_number, values):
    """The bytes of a packed repeated float field holding ``values`` (a float32 array); empty if none."""
    if values is None or values.size == 0:
        return b""
    return b"".join((varint(field_number << 3 | _LENGTH_DELIMITED), varint(4 * values.size), memoryview(values)))


def first_non_finite(values):
    """Flat (row-major) index of the first NaN or infinity in a float array, or None. The largest
    and the smallest value first (NaN propagates through both; an infinity is one of them: two
    vectorised passes, faster than one sum), the exact search only if one is not finite."""
    if values.size == 0 or (np.isfinite(values.max()) and np.isfinite(values.min())):
        return None
    bad = np.flatnonzero(~np.isfinite(values))
    return int(bad[0]) if bad.size else None


def _pieces(header, values, probe_inputs, max_message_bytes):
    """Per record of one matrix, the byte pieces that make it: serialized header, the packed values
    field's tag and length, the values (a float32 array slice), the packed probe_inputs field.
    One record, or chunks (protocol/README.md, "Large matrices") of at most ``max_message_bytes``."""
    probes = packed_floats(PROBE_INPUTS_FIELD, probe_inputs)
    head = header.SerializeToString()
    if len(head) + len(probes) + _MAX_VARINT_BYTES + 1 + 4 * values.size <= max_message_bytes:
        yield head, _values_prefix(values.size), values, probes
        return
    for field, largest in _MAX_CHUNK_FIELDS.items():
        setattr(header, field, largest)
    per_chunk = (max_message_bytes - header.ByteSize() - len(probes) - _MAX_VARINT_BYTES - 1) // 4
    if per_chunk < 1:
        raise ValueError("header and probe_inputs take %d bytes, over the budget of %d"
                         % (header.ByteSize() + len(probes), max_message_bytes))
    count = (values.size + per_chunk - 1) // per_chunk
    for c in range(count):
        lo = c * per_chunk
        header.chunk_index, header.chunk_count, header.chunk_offset = c, count, lo
        chunk = values[lo:lo + per_chunk]
        yield header.SerializeToString(), _values_prefix(chunk.size), chunk, probes if c == 0 else b""


def _values_prefix(count):
    return varint(VALUES_FIELD << 3 | _LENGTH_DELIMITED) + varint(4 * count)


def encode_records(header, values, probe_inputs=None, max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES):
    """Serialized WeightSnapshot records (bytes) of one matrix: ``header`` (a WeightSnapshot with
    every field but the float arrays, shape the full matrix's) plus ``values`` (float32,
    row-major) and, in the first record, ``probe_inputs``; one record, or chunks of at most
    ``max_message_bytes`` bytes each. ``header`` is modified (chunk fields) when chunking."""
    return [b"".join((head, prefix, memoryview(chunk), probes))
            for head, prefix, chunk, probes in _pieces(header, values, probe_inputs, max_message_bytes)]


class RecordWriter:
    """The records of :func:`encode_records` written one after another into one buffer of its own,
    so that sending a matrix allocates nothing (fresh megabyte allocations cost page faults that
    were most of the cost). Each record is a read-only uint8 view, valid until the next one is
    made: hand it to something that copies it at once (confluent_kafka's produce does). One writer
    per thread."""

    def __init__(self, max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES):
        self.max_message_bytes = max_message_bytes
        self._buffer = np.empty(0, dtype=np.uint8)

    def records(self, header, values, probe_inputs=None):
        for pieces in _pieces(header, values, probe_inputs, self.max_message_bytes):
            size = sum(len(p) if isinstance(p, bytes) else p.nbytes for p in pieces)
            if self._buffer.size < size:
                self._buffer = np.empty(max(size, self.max_message_bytes), dtype=np.uint8)
            at = 0
            for p in pieces:
                raw = np.frombuffer(p, dtype=np.uint8) if isinstance(p, bytes) else p.view(np.uint8)
                self._buffer[at:at + raw.size] = raw
                at += raw.size
            record = self._buffer[:at].view()
            record.setflags(write=False)
            yield record


_MAX_VALUES_PREFIX_BYTES = 6
"""The packed values field's tag (1 byte, field 6) and byte length (a varint of at most 5 bytes)."""


def header_bound(header):
    """The most bytes ``header`` (a WeightSnapshot without float arrays) serializes to once the
    fields that change from step to step (step, time, loss, learning rate, batch size, seed, the
    chunk fields) take their longest values; its run id, layer, shape, replica, optimizer and
    ensemble size as given."""
    longest = WeightSnapshot()
    longest.CopyFrom(header)
    longest.step = longest.time_unix_millis = 2**63 - 1
    longest.loss = longest.learning_rate = 1.0
    longest.batch_size = 2**31 - 1
    longest.seed = -1  # a negative int64: 10 bytes
    for field, largest in _MAX_CHUNK_FIELDS.items():
        setattr(longest, field, largest)
    return longest.ByteSize()


class RecordLayout:
    """Where the records of one matrix of ``count`` values lie in a float32 buffer that holds them
    ready to send, so the values are copied once, from the tensor straight into their places, and
    each record is a slice of the buffer: per record a gap of ``gap`` floats, into whose end the
    record's header and the values field's tag and length are written, then its values. One
    record if it fits ``max_message_bytes``, else chunks (protocol/README.md, "Large matrices") of
    ``per_record`` values, the last one shorter. ``header_bytes``: :func:`header_bound` of the
    matrix's header. Units: floats (4 bytes) unless named bytes."""

    def __init__(self, count, header_bytes, max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES):
        if count < 1:
            raise ValueError("count = %d: a matrix has at least one value" % count)
        self.count = count
        self.gap = -(-(header_bytes + _MAX_VALUES_PREFIX_BYTES) // 4)
        if 4 * (self.gap + count) <= max_message_bytes:
            self.per_record = count
        else:
            self.per_record = max_message_bytes // 4 - self.gap
            if self.per_record < 1:
                raise ValueError("a header of up to %d bytes leaves no room for values in %d bytes"
                                 % (header_bytes, max_message_bytes))
        self.records = -(-count // self.per_record)
        self.floats = self.records * self.gap + count
        self._full = count // self.per_record  # records holding per_record values
        self._stride = self.gap + self.per_record
        self._prefixes = [_values_prefix(min(self.per_record, count - lo)) for lo in range(0, count, self.per_record)]

    def chunked(self):
        return self.records > 1

    def place(self, buffer, values):
        """Copies ``values`` ([..., count], row-major; torch tensors) into their places in
        ``buffer`` ([..., floats]): one copy for the full records, one for the last if shorter."""
        lead = tuple(buffer.shape[:-1])
        split = self._full * self.per_record
        if self._full:
            rows = buffer[..., :self._full * self._stride].view(lead + (self._full, self._stride))
            rows[..., self.gap:].copy_(values[..., :split].view(lead + (self._full, self.per_record)))
        if split < self.count:
            buffer[..., self._full * self._stride + self.gap:].copy_(values[..., split:])

    def values(self, buffer):
        """The values in ``buffer`` (a 1-D float32 NumPy array of ``floats``) as views, in order:
        the full records' as one [records, per_record] array, then the last record's if shorter."""
        split = self._full * self._stride
        out = [buffer[:split].reshape(self._full, self._stride)[:, self.gap:]] if self._full else []
        if split < self.floats:
            out.append(buffer[split + self.gap:])
        return out

    def record(self, buffer, index, head):
        """Record ``index`` (0-based) of the matrix in ``buffer`` (1-D uint8 NumPy view of the
        float buffer) as a read-only uint8 view, ``head`` (its serialized header) and the values
        field's tag and length written before its values; valid until the buffer is reused."""
        size = min(self.per_record, self.count - index * self.per_record)
        start = 4 * (index * self._stride + self.gap)
        head = head + self._prefixes[index]
        if len(head) > 4 * self.gap:
            raise ValueError("header of %d bytes over its gap of %d" % (len(head), 4 * self.gap))
        buffer[start - len(head):start] = np.frombuffer(head, dtype=np.uint8)
        record = buffer[start - len(head):start + 4 * size].view()
        record.setflags(write=False)
        return record


def check_header(msg):
    """Checks a snapshot's header fields by fpk's rules (protocol/README.md, "Validation"): raises
    ValueError naming the field and the value; returns the number of values the shape holds."""
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
    return total


def producer_config(bootstrap, **overrides):
    """librdkafka settings of fpk_client's producers: Java's key partitioner (murmur2), so a key
    lands on the partition fpk's analysis expects; records up to Kafka's default 1 MB; a short
    linger to batch the chunks of one step."""
    config = {"bootstrap.servers": bootstrap, "linger.ms": 5, "message.max.bytes": 1_000_000,
              "partitioner": "murmur2_random"}
    config.update(overrides)
    return config
