package dev.fpk.analysis.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The continuations of an ask run on the executor given, not on a thread started for each. */
class RepliesTest {
  static final ActorTestKit KIT = ActorTestKit.create("replies");
  static final int ASKS = 300;

  record Ping(int n, ActorRef<Integer> replyTo) {}

  static final ActorRef<Ping> ECHO =
      KIT.spawn(
          Behaviors.receiveMessage(
              p -> {
                p.replyTo().tell(p.n());
                return Behaviors.same();
              }));

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  static CompletionStage<Integer> ask(int n) {
    return AskPattern.ask(
        ECHO,
        (ActorRef<Integer> replyTo) -> new Ping(n, replyTo),
        Duration.ofSeconds(5),
        KIT.system().scheduler());
  }

  @Test
  void shouldRunEveryContinuationOfAReplyOnTheGivenExecutorOrTheCallerNeverOnAThreadOfItsOwn() {
    // one named thread of our own stands for the dispatcher: the continuations may run only there
    // or
    // on the test's thread (a reply already in when chained), whatever the machine's core count
    ExecutorService dispatcher =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "replies-dispatcher"));
    String caller = Thread.currentThread().getName();
    Set<String> ran = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<?>> all = new ArrayList<>();
    try {
      for (int i = 0; i < ASKS; i++) {
        int n = i;
        CompletableFuture<Integer> reply = Replies.on(dispatcher, ask(n));
        // the three forms the stream uses
        all.add(reply.thenAccept(v -> ran.add(Thread.currentThread().getName())));
        all.add(reply.thenApply(v -> ran.add(Thread.currentThread().getName())));
        all.add(
            reply.thenCombine(
                Replies.on(dispatcher, ask(n)),
                (a, b) -> {
                  assertEquals(a, b);
                  return ran.add(Thread.currentThread().getName());
                }));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    } finally {
      dispatcher.shutdown();
    }
    assertTrue(
        Set.of("replies-dispatcher", caller).containsAll(ran),
        "continuations ran on " + ran + ": a thread each before the fix");
  }

  /**
   * Why {@link Replies} exists: the ask's own stage runs a plain {@code thenApply} off the
   * dispatcher.
   */
  @Test
  void shouldShowThatTheAskStageItselfRunsContinuationsElsewhere() {
    String name =
        ask(1).thenApply(v -> Thread.currentThread().getName()).toCompletableFuture().join();
    assertFalse(name.startsWith("replies-pekko"), "async on the default executor: " + name);
  }
}
