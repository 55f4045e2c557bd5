package io.jdask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.contract.Fixtures;
import io.jdask.spi.TaskRecords;
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
  /**
   * A copy of one task a reader was handed (slices are views, valid only during the call), with
   * its span worked out as a reader must: the start of the span it belongs to, and the span's
   * end and size on the record that closes it.
   */
  record Seen(long run, String key, String group, String worker, String thread, long start, long end,
      boolean running, boolean failed, boolean opens, boolean closes, int spanTasks, int tasks) {}

  /** Reads slices as the dashboard does, keeping each thread's open span across polls. */
  static final class Spans {
    private final Map<Thread, long[]> open = new HashMap<>(); // thread -> {span start, tasks so far}

    List<Seen> read(TaskStreamReader reader, boolean withRunning) {
      List<Seen> out = new ArrayList<>();
      reader.poll(b -> {
        long[] span = open.computeIfAbsent(b.thread(), t -> new long[2]);
        for (int i = 0; i < b.size(); i++) {
          boolean opens = b.opensSpan(i);
          long start = opens ? b.startNanos(i) : span[0];
          if (b.running(i)) {
            assertEquals(b.size() - 1, i, "only the last of a slice runs");
            if (withRunning) {
              out.add(new Seen(b.runId(i), b.key(i), b.group(i), b.worker(i), b.thread().getName(), start, 0,
                  true, false, opens, false, 0, 1));
            }
            break;
          }
          if (opens) {
            span[0] = start;
            span[1] = 0;
          }
          span[1] += b.tasks(i);
          out.add(new Seen(b.runId(i), b.key(i), b.group(i), b.worker(i), b.thread().getName(), start,
              b.endNanos(i), false, b.failed(i), opens, b.closesSpan(i), (int) span[1], b.tasks(i)));
        }
      });
      return out;
    }
  }

  private static List<Seen> ended(TaskStreamReader reader) {
    return new Spans().read(reader, false);
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
      // A run this small is recorded task by task: a record, with its key, for every task.
      assertEquals(1, s.tasks(), s.toString());
      assertTrue(keys.add(s.key()), "twice: " + s.key());
      assertEquals(run, s.run());
      assertEquals("executor", s.worker());
      assertTrue(s.start() > 0 && (!s.closes() || s.end() >= s.start()), s.toString());
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
      Spans spans = new Spans();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (running.size() < 2 && System.nanoTime() < deadline) {
        spans.read(reader, true).stream().filter(Seen::running).forEach(running::add);
        Thread.sleep(5);
      }
      assertEquals(2, running.size(), "seen running on two polls");
      assertEquals(running.get(0), running.get(1));
      assertEquals(slow.key(), running.get(0).key());
      assertEquals(1, result.get(5, TimeUnit.SECONDS));
      List<Seen> done = spans.read(reader, false);
      assertEquals(1, done.size());
      assertEquals(running.get(0).start(), done.get(0).start());
      assertTrue(done.get(0).opens() && done.get(0).closes(), "a long task is timed on its own");
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
      assertTrue(failed.closes(), "a failure closes its span: its time is known at once");
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
        assertTrue(o.opens() && o.closes(), "a task that ran a computation closes its span: " + o);
        for (Seen inner : seen) {
          if (inner != o) {
            assertTrue(inner.opens() && inner.closes(), "nested tasks are timed one by one: " + inner);
            assertTrue(inner.start() >= o.start() && inner.end() <= o.end(), "inside the outer task: " + inner);
            assertTrue(inner.run() != o.run());
          }
        }
        assertEquals(8, ended(early).size(), "the early reader saw both computations");
      }
    }
  }

  @Test
  void shortTasksAreTimedTogetherInSpansAndLongOnesOneByOne() throws Exception {
    List<Delayed<Integer>> tiny = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      tiny.add(Delayed.of(Fixtures::square).name("square").call(i));
    }
    Delayed<Integer> sum = Delayed.of(Fixtures::sum).name("sum").call(Delayed.list(tiny));
    List<Delayed<Integer>> slow = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      slow.add(Delayed.of(Fixtures::sleepThenReturn).name("slow").call(2, i));
    }
    try (TaskStreamReader reader = TaskStream.open(); Config.Scope s = Config.with(Scheduler.SYNC)) {
      sum.compute();
      List<Seen> seen = ended(reader);
      int tasks = 0;
      int spans = 0;
      int largest = 0;
      long lastEnd = 0;
      int records = 0;
      for (Seen x : seen) {
        records += x.key() != null ? 1 : 0;
        assertTrue(x.start() >= lastEnd, "spans follow each other on a thread: " + x);
        if (x.closes()) {
          tasks += x.spanTasks();
          spans++;
          largest = Math.max(largest, x.spanTasks());
          assertTrue(x.end() >= x.start());
          lastEnd = x.end();
        }
      }
      assertEquals(seen.stream().mapToInt(Seen::tasks).sum(), tasks, "every task is in exactly one closed span");
      assertEquals(tiny.size() + 2, tasks); // the squares, the list, the sum
      assertTrue(largest > 16 && spans < tasks / 4, "tiny tasks share spans: " + spans + " spans, largest " + largest);
      assertTrue(records <= spans + 2, records + " records of tasks for " + spans + " spans: the others were counted");
      assertEquals(tiny.size(), seen.stream().filter(x -> x.group().equals("square")).mapToInt(Seen::tasks).sum());

      Delayed.list(slow).compute();
      List<Seen> timed = ended(reader).stream().filter(x -> x.group().equals("slow")).toList();
      assertEquals(5, timed.size());
      for (Seen x : timed) {
        assertTrue(x.opens() && x.closes() && x.spanTasks() == 1, "timed on its own: " + x);
        assertTrue(x.end() - x.start() >= TimeUnit.MILLISECONDS.toNanos(2), x.toString());
      }
    }
  }

  /**
   * In a run too big to be recorded task by task, short tasks are counted; but a counted task
   * that runs a computation of its own, or fails, still gets a record with its key.
   */
  @Test
  void aCountedTaskThatNestsOrFailsGetsARecordOfItsOwn() {
    int n = TaskStream.TASK_BY_TASK + 1_000;
    List<Delayed<Integer>> tiny = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tiny.add(Delayed.of(Fixtures::square).name("square").call(i));
    }
    Delayed<Integer> outer = Delayed.of((Integer x) -> chainOf(2, x).compute()).name("outer").call(tiny.get(n / 2));
    tiny.set(n / 2 + 1, outer);
    Delayed<Integer> sum = Delayed.of(Fixtures::sum).name("sum").call(Delayed.list(tiny));
    try (TaskStreamReader reader = TaskStream.open(); Config.Scope s = Config.with(Scheduler.SYNC)) {
      sum.compute();
      List<Seen> seen = ended(reader);
      Seen o = seen.stream().filter(x -> outer.key().equals(x.key())).findFirst().orElseThrow(
          () -> new AssertionError("no record of the outer task"));
      assertTrue(o.opens() && o.closes() && o.end() >= o.start(), o.toString());
      List<Seen> inner = seen.stream().filter(x -> x.run() != o.run()).toList();
      assertEquals(2, inner.size(), "the inner computation's tasks, one by one: " + inner);
      for (Seen x : inner) {
        assertTrue(x.opens() && x.closes() && x.start() >= o.start() && x.end() <= o.end(), x.toString());
      }
      assertEquals(n + 2, seen.stream().filter(x -> x.run() == o.run()).mapToInt(Seen::tasks).sum(),
          "every task of the outer run once, counted or recorded");

      List<Delayed<Integer>> failing = new ArrayList<>(tiny.subList(0, n));
      failing.set(n - 10, Delayed.of(Fixtures::divide).name("divide").call(3, 0));
      Delayed<Integer> bad = Delayed.of(Fixtures::sum).name("sum").call(Delayed.list(failing));
      assertThrows(TaskFailedException.class, bad::compute);
      List<Seen> after = ended(reader).stream().filter(Seen::failed).toList();
      assertEquals(1, after.size(), after.toString());
      assertEquals(failing.get(n - 10).key(), after.get(0).key());
      assertTrue(after.get(0).closes());
    }
  }

  /** What a poll returns counts tasks, not records: the progress bar adds it up. */
  @Test
  void aPollCountsTheTasksItHandsNotItsRecords() {
    List<Delayed<Integer>> tiny = new ArrayList<>();
    for (int i = 0; i < 3 * TaskStream.TASK_BY_TASK; i++) {
      tiny.add(Delayed.of(Fixtures::square).name("square").call(i));
    }
    Delayed<Integer> sum = Delayed.of(Fixtures::sum).name("sum").call(Delayed.list(tiny));
    try (TaskStreamReader reader = TaskStream.open(); Config.Scope s = Config.with(Scheduler.SYNC)) {
      sum.compute();
      int[] records = {0};
      int tasks = reader.poll(b -> records[0] += b.size());
      assertEquals(tiny.size() + 2, tasks);
      assertTrue(records[0] < tasks / 4, records[0] + " records");
    }
  }
}
