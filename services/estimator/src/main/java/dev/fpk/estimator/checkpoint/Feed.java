package dev.fpk.estimator.checkpoint;

/**
 * Who sends a command to a checkpointed entity and what it gave the entity before: the stream (one
 * materialisation of a node's analysis stream, its id unique in the cluster) and the position of
 * its last command to this entity ({@code previous}: an offset for the estimator, a step for the
 * solver; -1 when none or unknown). The entity tells from it whether it lost records the stream
 * gave it, and whether another stream fed it since its restore ({@link CheckpointedEntity#admit}).
 */
public record Feed(String stream, long previous) {
  public Feed {
    if (stream == null || stream.isEmpty()) {
      throw new IllegalArgumentException("Feed: stream = \"" + stream + "\": need a stream id");
    }
  }
}
