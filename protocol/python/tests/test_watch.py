"""Unit tests of fpk_client.watch / watch_ensemble against a recording producer (no broker), and of
the shipped generated code; run from protocol/python with: /usr/bin/python3 -m unittest -v"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import fpk_client  # noqa: E402
from fpk_client import WeightSnapshot  # noqa: E402

try:
    import torch
except ImportError:  # Debian: python3-torch
    torch = None

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class RecordingProducer:
    """confluent_kafka.Producer's produce/poll/flush; copies each value at once, as librdkafka does."""

    def __init__(self, gate=None):
        self.sent = []
        self.gate = gate

    def produce(self, topic, value=None, key=None, headers=None, on_delivery=None):
        if self.gate is not None:
            self.gate.wait()
        self.sent.append((topic, key, bytes(value), headers))
        if on_delivery:
            on_delivery(None, None)

    def poll(self, timeout=0):
        return 0

    def flush(self, timeout=None):
        return 0

    def snapshots(self):
        """Whole snapshots, chunks reassembled, keyed by (layer, replica, step)."""
        out = {}
        for _topic, _key, value, _headers in self.sent:
            s = WeightSnapshot.FromString(value)
            k = (s.layer, s.replica, s.step)
            if k not in out:
                out[k] = (s, [None] * _product(s.shape))
            whole = out[k][1]
            whole[s.chunk_offset:s.chunk_offset + len(s.values)] = list(s.values)
        return out


def _product(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def _mlp(*widths):
    torch.manual_seed(3)
    layers = []
    for i in range(len(widths) - 1):
        layers += [torch.nn.Linear(widths[i], widths[i + 1]), torch.nn.Tanh()]
    return torch.nn.Sequential(*layers[:-1])


def _train_step(model, optimizer, x):
    optimizer.zero_grad()
    loss = (model(x) ** 2).mean()
    loss.backward()
    optimizer.step()
    return loss


@unittest.skipIf(torch is None, "python3-torch is not installed")
class WatchTest(unittest.TestCase):
    def test_publishes_every_2d_weight_at_step_0_and_every_k_steps_as_they_were_then(self):
        model = _mlp(3, 5, 2)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        p = RecordingProducer()
        x = torch.randn(8, 3)
        expected = {}
        with fpk_client.watch(model, bootstrap="unused", run_id="a/b", every=2, optimizer=optimizer,
                              batch_size=8, producer=p) as w:
            expected[0] = {n: t.detach().clone() for n, t in model.named_parameters()}
            for step in range(1, 6):
                loss = _train_step(model, optimizer, x)
                w.step(loss)
                expected[step] = ({n: t.detach().clone() for n, t in model.named_parameters()}, float(loss))
        got = p.snapshots()
        self.assertEqual(sorted(got), sorted((layer, 0, step) for layer in ("0", "2") for step in (0, 2, 4)))
        for (layer, _replica, step), (s, values) in got.items():
            weights = expected[step][0] if step else expected[0]
            self.assertEqual(values, weights[layer + ".weight"].reshape(-1).tolist(), (layer, step))
            self.assertEqual(list(s.shape), list(weights[layer + ".weight"].shape))
            self.assertEqual((s.run_id, s.learning_rate, s.batch_size, s.optimizer), ("a/b", 0.05, 8, "momentum"))
            self.assertEqual(s.HasField("loss"), step > 0)
            if step:
                self.assertAlmostEqual(s.loss, expected[step][1], places=6)
        for _topic, key, _value, headers in p.sent:
            self.assertTrue(key.startswith(b"a%2Fb/"), key)
            self.assertEqual(headers, [("fpk-schema", b"fpk.v1.WeightSnapshot")])
        self.assertEqual((w.steps, w.published, w.snapshots, w.dropped), (5, 3, 6, 0))

    def test_reads_the_learning_rate_of_each_parameter_group_at_each_published_step(self):
        model = _mlp(2, 3, 2)
        optimizer = torch.optim.Adam([{"params": model[0].parameters(), "lr": 0.01},
                                      {"params": model[2].parameters(), "lr": 0.002}])
        p = RecordingProducer()
        with fpk_client.watch(model, bootstrap="unused", run_id="r", optimizer=optimizer, producer=p) as w:
            _train_step(model, optimizer, torch.randn(4, 2))
            optimizer.param_groups[0]["lr"] = 0.5  # a scheduler's change
            w.step()
        lr = {(s.layer, s.step): s.learning_rate for s, _ in p.snapshots().values()}
        self.assertEqual(lr, {("0", 0): 0.01, ("2", 0): 0.002, ("0", 1): 0.5, ("2", 1): 0.002})
        self.assertEqual({s.optimizer for s, _ in p.snapshots().values()}, {"adam"})

    def test_chunks_a_matrix_over_the_byte_budget_and_the_chunks_tile_it(self):
        model = _mlp(40, 50)
        p = RecordingProducer()
        fpk_client.watch(model, bootstrap="unused", run_id="r", producer=p, max_message_bytes=1000).close()
        self.assertGreater(len(p.sent), 1)
        for i, (_t, _k, value, _h) in enumerate(p.sent):
            self.assertLessEqual(len(value), 1000)
            s = WeightSnapshot.FromString(value)
            self.assertEqual((s.chunk_index, s.chunk_count), (i, len(p.sent)))
        [(s, values)] = p.snapshots().values()
        self.assertEqual(values, model[0].weight.detach().reshape(-1).tolist())

    def test_watches_named_layers_by_module_or_parameter_name(self):
        model = _mlp(2, 3, 3, 2)
        p = RecordingProducer()
        fpk_client.watch(model, bootstrap="unused", run_id="r", layers=["4", "2.weight", "0.bias"], producer=p).close()
        self.assertEqual([WeightSnapshot.FromString(v).layer for _, _, v, _ in p.sent], ["4", "2", "0.bias"])

    def test_unknown_layer_is_a_value_error_naming_it(self):
        with self.assertRaisesRegex(ValueError, r"unknown layer 'encoder'.*its 2-D weights: 0, 2"):
            fpk_client.watch(_mlp(2, 3, 2), bootstrap="unused", run_id="r", layers=["encoder"],
                             producer=RecordingProducer())

    def test_non_finite_weight_is_reported_with_layer_and_step_and_not_sent(self):
        model = _mlp(2, 3, 2)
        p = RecordingProducer()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with fpk_client.watch(model, bootstrap="unused", run_id="r", producer=p) as w:
                with torch.no_grad():
                    model[2].weight[1, 0] = float("nan")
                w.step()
                w.step()
        self.assertEqual(sorted(k for k in p.snapshots()), [("0", 0, 0), ("0", 0, 1), ("0", 0, 2), ("2", 0, 0)])
        self.assertEqual(w.non_finite, 2)
        messages = [str(c.message) for c in caught if issubclass(c.category, RuntimeWarning)]
        self.assertEqual(len(messages), 1, messages)  # once per layer, then counted
        self.assertIn("layer 2 at step 1 has a non-finite weight (values[3] = nan)", messages[0])

    def test_non_finite_weight_in_a_later_chunk_is_reported_at_its_index_in_the_matrix(self):
        model = _mlp(40, 50)  # 2000 values, chunked at 1000 bytes
        with torch.no_grad():
            model[0].weight[45, 3] = float("-inf")
        p = RecordingProducer()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            w = fpk_client.watch(model, bootstrap="unused", run_id="r", producer=p, max_message_bytes=1000)
            w.close()
        self.assertEqual((p.sent, w.non_finite, w.snapshots), ([], 1, 0))
        self.assertIn("layer 0 at step 0 has a non-finite weight (values[1803] = -inf)", str(caught[0].message))

    @unittest.skipUnless(sys.platform.startswith("linux"), "per-thread priorities are Linux's")
    def test_the_sender_runs_at_a_lower_priority_than_the_training_thread(self):
        training = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        for niceness, expected in ((10, min(19, training + 10)), (0, training)):
            seen = []

            class PriorityProducer(RecordingProducer):
                def produce(self, *args, **kwargs):
                    seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

            fpk_client.watch(_mlp(2, 2), bootstrap="unused", run_id="r", producer=PriorityProducer(),
                             sender_niceness=niceness).close()
            self.assertEqual(seen, [expected], niceness)
        self.assertEqual(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()), training)

    def test_the_training_thread_copies_a_step_itself_if_the_sender_has_not_when_the_weights_change(self):
        gate = threading.Event()
        p = RecordingProducer(gate)  # the sender stays in step 0's first record until the gate opens
        model = _mlp(3, 4)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
        x = torch.randn(5, 3)
        expected = {0: model[0].weight.detach().clone()}
        w = fpk_client.watch(model, bootstrap="unused", run_id="r", producer=p, optimizer=optimizer, queue_size=4)
        for step in (1, 2, 3):
            w.step(_train_step(model, optimizer, x))  # step 1's and 2's copies are made in the next opt.step()
            expected[step] = model[0].weight.detach().clone()
        gate.set()
        w.close()
        got = p.snapshots()
        self.assertEqual(sorted(got), [("0", 0, s) for s in range(4)])
        for (_layer, _replica, step), (_s, values) in got.items():
            self.assertEqual(values, expected[step].reshape(-1).tolist(), step)
        self.assertNotIn("step", optimizer.__dict__)  # the optimiser's own step() is back

    def test_a_learning_rate_scheduler_made_after_watch_wraps_the_guarded_step(self):
        model = _mlp(2, 3)
        optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
        p = RecordingProducer()
        x = torch.randn(4, 2)
        expected = {}
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the scheduler warns if optimizer.step lost its counter
            with fpk_client.watch(model, bootstrap="unused", run_id="r", producer=p, optimizer=optimizer) as w:
                scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
                for step in (1, 2, 3):
                    w.step(_train_step(model, optimizer, x))
                    scheduler.step()
                    expected[step] = model[0].weight.detach().clone()
            _train_step(model, optimizer, x)  # after close: the scheduler's wrapper of the guard still works
        self.assertEqual(optimizer._step_count, 4)
        got = p.snapshots()
        self.assertEqual({s.step: s.learning_rate for s, _ in got.values()}, {0: 1.0, 1: 1.0, 2: 0.5, 3: 0.25})
        for step in (1, 2, 3):
            self.assertEqual(got[("0", 0, step)][1], expected[step].reshape(-1).tolist(), step)

    def test_full_queue_blocks_by_default_and_nothing_is_lost(self):
        gate = threading.Event()
        p = RecordingProducer(gate)
        model = _mlp(2, 2)
        w = fpk_client.watch(model, bootstrap="unused", run_id="r", producer=p, queue_size=1)
        stepped = threading.Event()

        def train():
            w.step()  # waits for the only buffer, held by step 0 until the gate opens
            stepped.set()

        t = threading.Thread(target=train)
        t.start()
        self.assertFalse(stepped.wait(0.3), "step() should wait while the queue is full")
        gate.set()
        t.join(10)
        w.close()
        self.assertEqual(sorted(p.snapshots()), [("0", 0, 0), ("0", 0, 1)])
        self.assertEqual(w.dropped, 0)

    def test_full_queue_drops_and_counts_when_asked(self):
        gate = threading.Event()
        p = RecordingProducer(gate)
        w = fpk_client.watch(_mlp(2, 2), bootstrap="unused", run_id="r", producer=p, queue_size=1,
                             drop_when_full=True)
        for _ in range(3):
            w.step()
        gate.set()
        w.close()
        self.assertEqual((w.published, w.dropped), (1, 3))
        self.assertEqual(sorted(p.snapshots()), [("0", 0, 0)])

    def test_unreachable_broker_fails_with_one_line_naming_it(self):
        with self.assertRaises(fpk_client.BrokerUnreachable) as e:
            fpk_client.watch(_mlp(2, 2), bootstrap="127.0.0.1:1", run_id="r", connect_timeout=1)
        message = str(e.exception)
        self.assertNotIn("\n", message)
        self.assertIn("no Kafka broker reachable at 127.0.0.1:1 within 1 s", message)

    def test_a_single_run_declares_itself_the_whole_ensemble_and_replicas_beyond_it_are_refused(self):
        p = RecordingProducer()
        fpk_client.watch(_mlp(2, 2), bootstrap="unused", run_id="r", producer=p).close()
        self.assertEqual(WeightSnapshot.FromString(p.sent[0][2]).ensemble_size, 1)
        p = RecordingProducer()
        fpk_client.watch(_mlp(2, 2), bootstrap="unused", run_id="r", replica=3, producer=p).close()
        self.assertEqual(WeightSnapshot.FromString(p.sent[0][2]).ensemble_size, 0)
        with self.assertRaisesRegex(ValueError, "layer 0: replica = 4, ensemble_size = 4"):
            fpk_client.watch(_mlp(2, 2), bootstrap="unused", run_id="r", replica=4, ensemble_size=4, producer=p)

    def test_refuses_what_fpk_would_reject_before_training(self):
        with self.assertRaisesRegex(ValueError, "layer 0: run_id has 300 characters, at most 256"):
            fpk_client.watch(_mlp(2, 2), bootstrap="unused", run_id="x" * 300, producer=RecordingProducer())
        with self.assertRaisesRegex(ValueError, r"layer weight: shape \[4096, 1025\] has 4198400 elements, at most 4194304"):
            fpk_client.watch(torch.nn.Linear(1025, 4096), bootstrap="unused", run_id="r", producer=RecordingProducer())

    def test_rejects_every_below_one(self):
        with self.assertRaisesRegex(ValueError, "every = 0"):
            fpk_client.watch(_mlp(2, 2), bootstrap="unused", run_id="r", every=0, producer=RecordingProducer())


@unittest.skipIf(torch is None, "python3-torch is not installed")
class WatchEnsembleTest(unittest.TestCase):
    def test_stacked_parameters_publish_one_snapshot_per_replica_with_its_loss(self):
        stacked = {"enc": torch.randn(3, 2, 4), "bias": torch.randn(3, 2)}
        p = RecordingProducer()
        with fpk_client.watch_ensemble(stacked, bootstrap="unused", run_id="r", learning_rate=0.1, batch_size=4,
                                       seed=[7, 8, 9], probes=lambda layer: torch.ones(3, 5, 4), producer=p) as w:
            at_step = {0: stacked["enc"].clone()}
            stacked["enc"] += 1
            at_step[1] = stacked["enc"].clone()
            w.step(torch.tensor([0.1, 0.2, 0.3]))
        got = p.snapshots()
        self.assertEqual(sorted(got), [("enc", r, s) for r in range(3) for s in (0, 1)])
        for (_layer, r, step), (s, values) in got.items():
            self.assertEqual(values, at_step[step][r].reshape(-1).tolist())
            self.assertEqual((s.ensemble_size, s.seed, list(s.shape), len(s.probe_inputs)), (3, 7 + r, [2, 4], 20))
            if step:
                self.assertAlmostEqual(s.loss, [0.1, 0.2, 0.3][r], places=6)

    def test_stacked_replicas_over_the_byte_budget_are_chunked_each_and_tile_their_matrix(self):
        stacked = {"w": torch.randn(2, 30, 41)}  # 1230 values, 4920 bytes per replica
        p = RecordingProducer()
        with fpk_client.watch_ensemble(stacked, bootstrap="unused", run_id="r", producer=p,
                                       max_message_bytes=1000) as w:
            stacked["w"] *= -2
            w.step(torch.tensor([1.0, 2.0]))
        got = p.snapshots()
        self.assertEqual(sorted(got), [("w", r, s) for r in range(2) for s in (0, 1)])
        for (_layer, r, step), (_s, values) in got.items():
            self.assertEqual(values, (stacked["w"][r] / (-2 if step == 0 else 1)).reshape(-1).tolist())
        for _t, _k, value, _h in p.sent:
            self.assertLessEqual(len(value), 1000)
            s = WeightSnapshot.FromString(value)
            self.assertEqual((s.chunk_count, s.step, s.loss), (6, 1, s.replica + 1.0) if s.step else (6, 0, 0.0))

    def test_list_of_models_are_the_replicas_in_order(self):
        models = [_mlp(2, 3) for _ in range(2)]
        with torch.no_grad():
            models[1][0].weight.fill_(0.5)
        p = RecordingProducer()
        fpk_client.watch_ensemble(models, bootstrap="unused", run_id="r", replica=4, ensemble_size=8,
                                  producer=p).close()
        got = p.snapshots()
        self.assertEqual(sorted(got), [("0", 4, 0), ("0", 5, 0)])
        self.assertEqual(got[("0", 5, 0)][1], [0.5] * 6)
        self.assertEqual({s.ensemble_size for s, _ in got.values()}, {8})


class PackedBufferTest(unittest.TestCase):
    def test_packed_buffer_encodes_as_protobuf_does_value_by_value(self):
        import numpy as np
        values = np.random.default_rng(1).standard_normal((7, 9)).astype(np.float32)
        fast = fpk_client.build_snapshot("r", 1, 2, "l", values, learning_rate=0.5, probe_inputs=values[:2],
                                         time_unix_millis=3)
        slow = WeightSnapshot(run_id="r", replica=1, step=2, layer="l", learning_rate=0.5, time_unix_millis=3)
        slow.shape.extend([7, 9])
        slow.values.extend(values.reshape(-1).tolist())
        slow.probe_inputs.extend(values[:2].reshape(-1).tolist())
        self.assertEqual(fast, slow)

    def test_record_writer_writes_the_bytes_of_encode_records(self):
        import numpy as np
        from fpk_client._wire import RecordWriter, encode_records
        values = np.arange(5000, dtype=np.float32)
        probes = np.ones(40, dtype=np.float32)

        def header():
            h = WeightSnapshot(run_id="r", step=4, layer="l", learning_rate=0.1)
            h.shape.extend([50, 100])
            return h

        expected = encode_records(header(), values, probes, 3000)
        self.assertGreater(len(expected), 1)
        self.assertEqual([bytes(r) for r in RecordWriter(3000).records(header(), values, probes)], expected)


class RecordLayoutTest(unittest.TestCase):
    @unittest.skipIf(torch is None, "python3-torch is not installed")
    def test_records_placed_in_the_buffer_decode_to_the_header_and_tile_the_values(self):
        import numpy as np
        from fpk_client._wire import RecordLayout, header_bound
        # the header is at most 104 bytes, 6 more the values' tag and length: 110 + 4 * count must fit
        for count, budget, records in ((1, 200, 1), (100, 500, 2), (1000, 4000, 2), (999, 400, 14), (257, 1200, 1)):
            header = WeightSnapshot(run_id="run", layer="fc", optimizer="adam", ensemble_size=2, replica=1)
            header.shape.extend([count])
            layout = RecordLayout(count, header_bound(header), budget)
            values = torch.arange(count, dtype=torch.float32) * 0.37 - 5
            buffer = torch.full((layout.floats,), float("nan"))
            layout.place(buffer, values)
            pieces = layout.values(buffer.numpy())
            self.assertEqual(np.concatenate([p.reshape(-1) for p in pieces]).tolist(), values.tolist())
            header.step, header.time_unix_millis, header.loss, header.learning_rate = 2**40, 2**41, 0.5, 0.1
            got = []
            for c in range(layout.records):
                if layout.chunked():
                    header.chunk_index, header.chunk_count = c, layout.records
                    header.chunk_offset = c * layout.per_record
                record = bytes(layout.record(buffer.numpy().view(np.uint8), c, header.SerializeToString()))
                self.assertLessEqual(len(record), budget, (count, budget))
                s = WeightSnapshot.FromString(record)
                self.assertEqual((s.run_id, s.step, s.loss, s.chunk_index, s.chunk_offset),
                                 ("run", 2**40, 0.5, c if layout.chunked() else 0, len(got)))
                got += list(s.values)
            self.assertEqual(got, values.tolist(), (count, budget))
            self.assertEqual(layout.records, records, (count, budget))

    def test_refuses_a_budget_that_leaves_no_room_for_values(self):
        from fpk_client._wire import RecordLayout
        with self.assertRaisesRegex(ValueError, "header of up to 120 bytes leaves no room for values in 128 bytes"):
            RecordLayout(10, 120, 128)


class ShippedCodeTest(unittest.TestCase):
    def test_shipped_protobuf_code_and_version_match_the_proto(self):
        protoc = shutil.which("protoc") or ("/usr/bin/protoc" if os.path.exists("/usr/bin/protoc") else None)
        if protoc is None:
            self.skipTest("protoc is not installed (apt-get install protobuf-compiler)")
        shipped = os.path.join(HERE, "fpk_client", "_generated")
        with tempfile.TemporaryDirectory() as d:
            fresh = os.path.join(d, "_generated")
            subprocess.run(["sh", os.path.join(HERE, "generate.sh"), fresh], check=True, capture_output=True)
            for root, _dirs, files in os.walk(fresh):
                for f in files:
                    rel = os.path.relpath(os.path.join(root, f), fresh)
                    with open(os.path.join(fresh, rel), "rb") as a, open(os.path.join(shipped, rel), "rb") as b:
                        self.assertEqual(a.read(), b.read(), "fpk_client/_generated/%s is stale: run generate.sh" % rel)
        with open(os.path.join(HERE, "..", "src", "main", "proto", "fpk", "v1", "fpk.proto"), encoding="utf-8") as f:
            version = re.search(r"version \d+ \(v(\d+\.\d+)\)", f.readline()).group(1)
        self.assertEqual(fpk_client.__version__, version)


if __name__ == "__main__":
    unittest.main()
