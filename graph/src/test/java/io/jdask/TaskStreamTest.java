package io.jdask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.contract.Fixtures;
import io.jdask.spi.TaskRecord;
import io.jdask.spi.TaskStream;
import io.jdask.spi.TaskStreamReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-process task stream, read as the dashboard reads it, while real computations run. */
class TaskStreamTest {
  /** A copy of what a reader was handed (records are views, valid only during the call). */
  record Seen(long run, String key, String group, String worker, String thread, long start, long end,
      boolean running, boolean failed) {
    static Seen of(TaskRecord r) {
      return new Seen(r.runId(), r.key(), r.group(), r.worker(), r.thread().getName(), r.startNanos(),
          r.running() ? 0 : r.endNanos(), r.running(), r.failed());
    }
  }

  private static List<Seen> ended(TaskStreamReader reader) {
    List<Seen> out = new ArrayList<>();
    reader.poll(r -> {
      if (!r.running()) {
        out.add(Seen.of(r));
      }
    });
    return out;
  }

  private static Delayed<Integer> chainOf(int n, int seed) {
    Delayed<Integer> x = Delayed.of(Fixtures::inc).name("inc").call(seed);
    for (int i = 1; i < n; i++) {
      x = Delayed.of(Fixtures::inc).name("inc").call(x);
    }
    return x;
  }

  @Test
  void everyTaskOfEveryThreadIsReadOnceWithItsKeyAndTimes() {
    List<Delayed<Integer>> leaves = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) { // several 1,024-record chunks per thread
      leaves.add(Delayed.of(Fixtures::square).name("square").call(i));
    }
    Delayed<Integer> total = Delayed.of(Fixtures::sum).name("sum").call(Delayed.list(leaves));
    Set<String> expected = new HashSet<>();
    leaves.forEach(l -> expected.add(l.key()));
    expected.add(total.key());
    List<Seen> seen = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (TaskStreamReader reader = TaskStream.open(); Config.Scope s = Config.with(pool)) {
      assertTrue(TaskStream.active());
      total.compute();
      seen.addAll(ended(reader));
      assertEquals(List.of(), ended(reader), "each record is handed once");
    } finally {
      pool.shutdown();
    }
    Set<String> keys = new HashSet<>();
    long run = seen.get(0).run();
    for (Seen s : seen) {
      assertTrue(keys.add(s.key()), "twice: " + s.key());
      assertEquals(run, s.run());
      assertEquals("executor", s.worker());
      assertTrue(s.end() >= s.start() && s.start() > 0, s.toString());
      assertFalse(s.failed());
    }
    // The list node is a task of its own; every square and the sum are there, by key.
    assertTrue(keys.containsAll(expected), "missing " + expected.stream().filter(k -> !keys.contains(k)).toList());
    assertEquals("square", seen.stream().filter(s -> s.key().startsWith("square")).findFirst().orElseThrow().group());
    // Within one thread, records come in the order its tasks ran.
    Map<String, Long> lastStart = new HashMap<>();
    for (Seen s : seen) {
      long before = lastStart.getOrDefault(s.thread(), 0L);
      assertTrue(s.start() >= before, "order on " + s.thread());
      lastStart.put(s.thread(), s.start());
    }
    assertFalse(TaskStream.active(), "closing the only reader stops the recording");
  }

  @Test
  void aRunningTaskIsHandedOnEveryPollUntilItEnds() throws Exception {
    Delayed<Integer> slow = Delayed.of(Fixtures::sleepThenReturn).name("slow").call(400, 1);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (TaskStreamReader reader = TaskStream.open()) {
      var result = caller.submit(() -> {
        try (Config.Scope s = Config.with(pool)) {
          return slow.compute();
        }
      });
      List<Seen> running = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (running.size() < 2 && System.nanoTime() < deadline) {
        reader.poll(r -> {
          if (r.running()) {
            running.add(Seen.of(r));
          }
        });
        Thread.sleep(5);
      }
      assertEquals(2, running.size(), "seen running on two polls");
      assertEquals(running.get(0), running.get(1));
      assertEquals(slow.key(), running.get(0).key());
      assertEquals(1, result.get(5, TimeUnit.SECONDS));
      List<Seen> done = ended(reader);
      assertEquals(1, done.size());
      assertEquals(running.get(0).start(), done.get(0).start());
      assertTrue(done.get(0).end() - done.get(0).start() >= TimeUnit.MILLISECONDS.toNanos(400));
    } finally {
      caller.shutdown();
      pool.shutdown();
    }
  }

  @Test
  void aFailedTaskIsMarkedAndTwoReadersEachSeeEverything() {
    Delayed<Integer> bad = Delayed.of(Fixtures::divide).name("divide").call(chainOf(3, 0), 0);
    try (TaskStreamReader first = TaskStream.open(); TaskStreamReader second = TaskStream.open();
        Config.Scope s = Config.with(Scheduler.SYNC)) {
      assertThrows(TaskFailedException.class, bad::compute);
      List<Seen> a = ended(first);
      List<Seen> b = ended(second);
      assertEquals(a, b);
      assertEquals(4, a.size());
      Seen failed = a.get(3);
      assertEquals(bad.key(), failed.key());
      assertTrue(failed.failed());
      assertEquals("sync", failed.worker());
      assertEquals(Thread.currentThread().getName(), failed.thread());
    }
  }

  @Test
  void aReaderSeesOnlyWhatRanAfterItOpenedAndNestedComputesAreRecorded() {
    try (TaskStreamReader early = TaskStream.open(); Config.Scope s = Config.with(Scheduler.SYNC)) {
      chainOf(5, 0).compute();
      try (TaskStreamReader late = TaskStream.open()) {
        // A task that computes a graph itself: the inner tasks run on this thread, inside it.
        Delayed<Integer> outer = Delayed.of((Integer x) -> chainOf(2, x).compute()).name("outer").call(1);
        assertEquals(3, outer.compute());
        List<Seen> seen = ended(late);
        assertEquals(3, seen.size(), seen.toString());
        Seen o = seen.stream().filter(x -> x.group().equals("outer")).findFirst().orElseThrow();
        for (Seen inner : seen) {
          if (inner != o) {
            assertTrue(inner.start() >= o.start() && inner.end() <= o.end(), "inside the outer task: " + inner);
            assertTrue(inner.run() != o.run());
          }
        }
        assertEquals(8, ended(early).size(), "the early reader saw both computations");
      }
    }
  }
}
