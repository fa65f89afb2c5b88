package dev.fpk.trainer;

/**
 * What differs between the replicas of an ensemble. The data set itself is the same for all
 * replicas (generated from the run seed); only initialisation and/or the order in which minibatches
 * are drawn from it vary.
 */
public enum ReplicaSeeding {
  /** Different initial weights per replica, identical minibatch sequence. */
  INIT,
  /** Identical initial weights, different minibatch order per replica. */
  DATA_ORDER,
  /** Both differ (default). */
  BOTH;

  public boolean variesInit() {
    return this != DATA_ORDER;
  }

  public boolean variesDataOrder() {
    return this != INIT;
  }
}
