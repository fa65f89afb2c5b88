package dev.fpk.analysis.stream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Where the continuations of an ask run. The stage a Pekko typed ask returns (Scala's
 * FutureConverters) turns {@code thenApply}, {@code thenAccept}, {@code thenCombine} and {@code
 * whenComplete} into their {@code *Async} forms on the default executor; with
 * ForkJoinPool.commonPool's parallelism at 1 (a 2-core machine) that default is a new thread per
 * task: 19,365 threads in 139 s of {@code bench e2e}, each continuation paying a thread start.
 *
 * <p>{@link #on} hands the reply to a plain {@link CompletableFuture}, completed on the given
 * executor, whose own continuations run synchronously on the thread that completed it (or on the
 * caller's, if already complete): never on a thread of their own, and never on the replying
 * entity's thread (which would hold up its next message while the stream serializes outputs).
 */
final class Replies {
  private Replies() {}

  /** A plain future completed with the reply, on {@code executor}. */
  static <T> CompletableFuture<T> on(Executor executor, CompletionStage<T> reply) {
    CompletableFuture<T> f = new CompletableFuture<>();
    reply.whenCompleteAsync(
        (value, error) -> {
          if (error != null) {
            f.completeExceptionally(error);
          } else {
            f.complete(value);
          }
        },
        executor);
    return f;
  }
}
