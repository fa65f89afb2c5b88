package dev.fpk.analysis.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Consecutive elements (records and barriers, in stream order) that travel together: their asks are
 * issued in that order, per entity, and their outputs are written as one producer message. At most
 * {@link #MAX_VALUES} in weight ({@link #weight}).
 */
final class Batch {
  /**
   * What one batch gathers at most, in weight values plus {@link #RECORD_COST} per element: 512
   * small records, or 56 snapshots of a 256x256 matrix (16 MiB of floats at most). Bounds what one
   * ask carries, and how many records one commit waits for.
   */
  static final long MAX_VALUES = 1 << 22;

  /** What an element costs in a batch besides its values: 1/512 of the batch. */
  static final long RECORD_COST = MAX_VALUES / 512;

  final List<Element> elements = new ArrayList<>();

  Batch(Element first) {
    elements.add(first);
  }

  Batch add(Element e) {
    elements.add(e);
    return this;
  }

  /** What an element weighs in a batch: its weight values plus the cost of a record. */
  static long weight(Element e) {
    return RECORD_COST
        + (e instanceof Element.InFlight f && f.snapshot != null ? f.snapshot.getValuesCount() : 0);
  }
}
