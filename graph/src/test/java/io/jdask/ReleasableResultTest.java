package io.jdask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jdask.graph.Releasable;
import io.jdask.graph.Task;
import io.jdask.graph.TaskFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Results that hold off-heap memory are released once, when the run no longer needs them. */
class ReleasableResultTest {
  private static ExecutorService pool;

  /** A result that counts its releases, as an Arrow chunk would free its buffer. */
  static final class Resource implements Releasable {
    static final ConcurrentHashMap<String, AtomicInteger> RELEASES = new ConcurrentHashMap<>();
    final String name;
    final int value;

    Resource(String name, int value) {
      this.name = name;
      this.value = value;
    }

    @Override
    public void release() {
      RELEASES.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
    }
  }

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  private static Task leaf(String name, int v) {
    return Task.of("leaf", (TaskFunction) a -> new Resource(name, v));
  }

  private static Task sum(String name, Task... inputs) {
    return Task.of("sum", (TaskFunction) a -> {
      int s = 0;
      for (Object o : a) {
        s += ((Resource) o).value;
      }
      return new Resource(name, s);
    }, (Object[]) inputs);
  }

  private static Task failing(Task... inputs) {
    return Task.of("boom", (TaskFunction) a -> {
      throw new IllegalStateException("boom");
    }, (Object[]) inputs);
  }

  @Test
  void intermediatesAreReleasedOnceAndOutputsAreNotOnSync() {
    try (Config.Scope s = Config.with(Scheduler.SYNC)) {
      checkTree("sync-");
    }
  }

  @Test
  void intermediatesAreReleasedOnceAndOutputsAreNotOnAPool() {
    try (Config.Scope s = Config.with(pool)) {
      checkTree("pool-");
    }
  }

  private void checkTree(String p) {
    Resource.RELEASES.clear();
    List<Task> leaves = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      leaves.add(leaf(p + "leaf" + i, i));
    }
    Task a = sum(p + "a", leaves.subList(0, 4).toArray(new Task[0]));
    Task b = sum(p + "b", leaves.subList(4, 8).toArray(new Task[0]));
    Task total = sum(p + "total", a, b);
    Object out = Delayed.fromTask(total).compute();
    assertEquals(28, ((Resource) out).value);
    for (int i = 0; i < 8; i++) {
      assertEquals(1, Resource.RELEASES.get(p + "leaf" + i).get(), "leaf " + i);
    }
    assertEquals(1, Resource.RELEASES.get(p + "a").get());
    assertEquals(1, Resource.RELEASES.get(p + "b").get());
    assertFalse(Resource.RELEASES.containsKey(p + "total"), "the caller owns an output");
  }

  @Test
  void aFailedRunReleasesWhatItHeldOnSyncAndOnAPool() {
    for (Config.Scope s : List.of(Config.with(Scheduler.SYNC), Config.with(pool))) {
      try (s) {
        Resource.RELEASES.clear();
        Task kept = leaf("kept", 1);
        Task other = leaf("other", 2);
        Task fail = failing(other);
        Task top = sum("top", kept, fail);
        assertThrows(TaskFailedException.class, () -> Delayed.fromTask(top).compute());
        // The pool's runners may still be retiring: the last one to leave releases.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Resource.RELEASES.size() < 2 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertEquals(1, Resource.RELEASES.get("kept").get());
        assertEquals(1, Resource.RELEASES.get("other").get());
      }
    }
  }
}
