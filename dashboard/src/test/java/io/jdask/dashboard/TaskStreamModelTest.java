package io.jdask.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.graph.Task;
import io.jdask.graph.TaskGraph;
import io.jdask.spi.EventClock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The model fed by the real task stream, as the dashboard feeds it, while THREADS(2) (or SYNC,
 * where the order matters) runs real graphs: every task counted once in the progress, every task
 * in exactly one bar, short tasks sharing bars, long ones on bars of their own.
 */
class TaskStreamModelTest {
  @AfterAll
  static void shutdown() {
    Jdask.shutdown();
  }

  /** Runs the tree with a pump feeding a model, and returns the model once the pump closed. */
  private static StreamModel record(int leaves, int micros) {
    Pump pump = new Pump("jdask-test-pump", 100, tick -> {});
    try (Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      assertEquals((long) leaves * (leaves - 1) / 2, Workload.tree(leaves, micros).compute());
    } finally {
      pump.close();
    }
    return pump.model();
  }

  private static void assertEveryTaskCountedOnce(StreamModel m, int leaves) {
    Views.Status status = m.status(EventClock.epochNanos(), new JvmSampler());
    Views.Run run = status.runs().get(status.runs().size() - 1);
    assertEquals("finished", run.state());
    Map<String, Views.GroupProgress> groups = run.groups().stream()
        .collect(Collectors.toMap(Views.GroupProgress::group, g -> g));
    assertEquals(new Views.GroupProgress("leaf", leaves, leaves, 0, 0, 0), groups.get("leaf"));
    assertEquals(new Views.GroupProgress("add", leaves - 1, leaves - 1, 0, 0, 0), groups.get("add"));
    assertEquals(List.of(), status.running());
    Views.Tasks bars = m.tasks(0, Integer.MAX_VALUE);
    long tasks = 0;
    for (int t : bars.tasks()) {
      tasks += t;
    }
    assertEquals(2L * leaves - 1, tasks, "every task in exactly one bar");
    Set<String> firstKeys = new HashSet<>();
    for (String k : bars.key()) {
      assertTrue(firstKeys.add(k), "two bars named after " + k);
    }
  }

  @Test
  void tasksOfSixtyMicrosecondsGetABarEach() {
    int leaves = 5_001;
    StreamModel m = record(leaves, 60); // over the 50 µs under which tasks share bars
    assertEveryTaskCountedOnce(m, leaves);
    Views.Tasks bars = m.tasks(0, Integer.MAX_VALUE);
    assertEquals(2 * leaves - 1, bars.total());
    for (int i = 0; i < bars.total(); i++) {
      // ms rounded to the µs, start and end each: 60 µs may show as 59
      assertTrue(bars.end()[i] - bars.start()[i] >= 0.059, "a bar spans its task: " + bars.key()[i]);
    }
  }

  @Test
  void trivialTasksShareBarsAndAreAllCounted() {
    int leaves = 20_000;
    StreamModel m = record(leaves, 0);
    assertEveryTaskCountedOnce(m, leaves);
    Views.Tasks bars = m.tasks(0, Integer.MAX_VALUE);
    int largest = 0;
    for (int t : bars.tasks()) {
      largest = Math.max(largest, t);
    }
    assertTrue(bars.total() < leaves / 2 && largest > 8,
        bars.total() + " bars for " + (2 * leaves - 1) + " tasks, the largest of " + largest);
  }

  /**
   * Keys given whole (a {@code TaskGraph}'s) are counted task by task, beside the counts the
   * task stream keeps per group for generated keys: a wide graph of both, every task counted once.
   */
  @Test
  void keysGivenWholeAndGeneratedKeysAreEachCountedOnce() {
    int n = 6_000;
    TaskGraph.Builder g = TaskGraph.builder(2 * n + 1);
    Object[] refs = new Object[2 * n];
    for (int i = 0; i < n; i++) {
      g.add("given-" + i, args -> 1L);
      refs[2 * i] = TaskGraph.ref("given-" + i);
      Task generated = Delayed.of((Long x) -> x).name("generated").call((long) i).task();
      g.add(generated);
      refs[2 * i + 1] = TaskGraph.ref(generated.key());
    }
    Pump pump = new Pump("jdask-test-pump", 100, tick -> {});
    try (Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      Object total = Delayed.fromTask(g.add("total", args -> {
        long sum = 0;
        for (Object a : args) {
          sum += (Long) a;
        }
        return sum;
      }, refs).build().task("total")).compute();
      assertEquals(n + (long) n * (n - 1) / 2, total);
    } finally {
      pump.close();
    }
    StreamModel m = pump.model();
    Views.Status status = m.status(EventClock.epochNanos(), new JvmSampler());
    Views.Run run = status.runs().get(status.runs().size() - 1);
    long done = 0;
    for (Views.GroupProgress p : run.groups()) {
      assertEquals(p.total(), p.done(), p.group());
      done += p.done();
    }
    assertEquals(2L * n + 1, done, "every task done once: " + run.groups());
    long inBars = 0;
    for (int t : m.tasks(0, Integer.MAX_VALUE).tasks()) {
      inBars += t;
    }
    assertEquals(2L * n + 1, inBars, "every task in exactly one bar");
  }

  /**
   * In a run too big to be recorded task by task, a short task of a counted group that fails
   * still shows as one failed bar with its own key, and as the group's one failure.
   */
  @Test
  void aFailedShortTaskAmongCountedOnesIsMarkedWithItsKey() {
    int n = io.jdask.spi.TaskStream.TASK_BY_TASK + 3_000;
    int bad = n - 100;
    List<Delayed<Long>> leaves = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      leaves.add(Delayed.of((Integer k) -> {
        if (k == bad) {
          throw new IllegalStateException("leaf " + k + " fails");
        }
        return (long) k;
      }).name("leaf").call(i));
    }
    Delayed<Long> total = Delayed.of((List<Long> xs) -> xs.stream().mapToLong(Long::longValue).sum()).name("total")
        .call(Delayed.list(leaves));
    Pump pump = new Pump("jdask-test-pump", 100, tick -> {});
    try (Config.Scope sync = Config.with(Scheduler.SYNC)) {
      org.junit.jupiter.api.Assertions.assertThrows(io.jdask.TaskFailedException.class, total::compute);
    } finally {
      pump.close();
    }
    StreamModel m = pump.model();
    Views.Status status = m.status(EventClock.epochNanos(), new JvmSampler());
    Views.Run run = status.runs().get(status.runs().size() - 1);
    assertEquals("failed", run.state());
    Views.GroupProgress leaf = run.groups().stream().filter(g -> g.group().equals("leaf")).findFirst().orElseThrow();
    assertEquals(1, leaf.failed(), leaf.toString());
    assertEquals(bad, leaf.done(), "SYNC runs the leaves in order: those before the failed one are done");
    Views.Tasks bars = m.tasks(0, Integer.MAX_VALUE);
    List<String> failedKeys = new java.util.ArrayList<>();
    for (int i = 0; i < bars.total(); i++) {
      if (bars.failed()[i] != 0) {
        failedKeys.add(bars.key()[i]);
      }
    }
    assertEquals(List.of(leaves.get(bad).key()), failedKeys);
    assertTrue(bars.total() < n / 4, bars.total() + " bars: the leaves were counted");
  }

  /**
   * A long task among short ones, in a run too big to be recorded task by task, shows running
   * with its key while it runs, whether it opened a span (a record) or was counted inside one
   * (found running by the reader); then it is done once, and nothing runs.
   */
  @Test
  void aLongTaskAmongShortOnesIsShownRunningWithItsKey() throws Exception {
    int n = io.jdask.spi.TaskStream.TASK_BY_TASK + 2_000;
    List<Delayed<Long>> leaves = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      leaves.add(Delayed.of((Integer k) -> (long) k).name("leaf").call(i));
    }
    Delayed<Long> slow = Delayed.of((Integer ms) -> {
      Thread.sleep(ms);
      return 0L;
    }).name("slow").call(1_500);
    leaves.set(n / 2, slow);
    Delayed<Long> total = Delayed.of((List<Long> xs) -> xs.stream().mapToLong(Long::longValue).sum()).name("total")
        .call(Delayed.list(leaves));
    Pump pump = new Pump("jdask-test-pump", 100, tick -> {});
    java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var result = caller.submit(() -> {
        try (Config.Scope sync = Config.with(Scheduler.SYNC)) {
          return total.compute();
        }
      });
      boolean seen = false;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!seen && !result.isDone() && System.nanoTime() < deadline) {
        List<Views.Running> running = pump.query(m -> m.status(EventClock.epochNanos(), new JvmSampler()).running());
        seen = running.stream().anyMatch(r -> slow.key().equals(r.key()));
        Thread.sleep(20);
      }
      assertTrue(seen, "the long task was shown running");
      result.get(10, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      caller.shutdown();
      pump.close();
    }
    StreamModel m = pump.model();
    Views.Status status = m.status(EventClock.epochNanos(), new JvmSampler());
    Views.Run run = status.runs().get(status.runs().size() - 1);
    for (Views.GroupProgress g : run.groups()) {
      assertEquals(g.total(), g.done(), g.toString());
      assertEquals(0, g.running(), g.toString());
    }
    assertEquals(List.of(), status.running());
  }
}
