package dev.fpk.dashboard.live;

import dev.fpk.protocol.LayerEntries;
import java.util.List;

/**
 * What a run picker needs of one (run, layer), without its history: how it is estimated, how many
 * replicas the newest step had, the newest step, and the entries' indices in order (the position in
 * the list is the entry number the API takes), with which entries are watched ({@link
 * LayerEntries}: the selection and the whole matrix's shape).
 */
public record LayerSummary(
    String run,
    String layer,
    String mode,
    int replicas,
    long lastStep,
    long version,
    List<List<Integer>> entries,
    LayerEntries watched) {

  /** The part that changes only when runs, layers or entries appear: what the pickers show. */
  String catalogKey() {
    return run + '\u0000' + layer + '\u0000' + entries + '\u0000' + watched;
  }
}
