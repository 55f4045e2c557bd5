package io.jdask.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.graph.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The log's reuse of chunks: readers that keep up, fall behind, come and go, and records left
 * open across chunks, each checked record by record against what the writer wrote. A reused
 * chunk that a reader still needed would show here as a wrong node, name or run.
 */
class TaskStreamLogTest {
  private static final int GROUPS = 3;
  private static final List<String> GROUP_NAMES = List.of("g0", "g1", "g2", "given");
  private final Task[] tasks = new Task[GROUPS * 4];
  private final TaskStreamLog.StreamRun run = new TaskStreamLog.StreamRun(7, "test");

  TaskStreamLogTest() {
    String[] groups = {"g0", "g1", "g2"};
    for (int i = 0; i < tasks.length; i++) {
      // Three groups interleaved, and a task with a key of its own: a name in the table each.
      tasks[i] = i == tasks.length - 1 ? Task.keyed("given-" + i, args -> null) : Task.of(groups[i % GROUPS], args -> null);
    }
  }

  /** The task the writer records as node {@code node}. */
  private Task task(int node) {
    return tasks[node % tasks.length];
  }

  private void write(TaskStreamLog log, int from, int to) {
    for (int node = from; node < to; node++) {
      log.begin(run, null, node, task(node), 0);
      log.end(false, 0);
    }
  }

  /**
   * What one reader was handed, checked as it comes: ended records of the test's run. Task
   * records are checked against the task of their node; count records by their group, and
   * every group's tasks are summed.
   */
  private final class Seen {
    final TaskStreamReader reader = new TaskStreamReader();
    final List<Integer> nodes = new ArrayList<>(); // of task records, in order
    final Map<String, Integer> perGroup = new HashMap<>();
    int tasks;

    void poll() {
      reader.poll(s -> {
        for (int i = 0; i < s.size(); i++) {
          if (s.running(i)) {
            continue; // handed again once it ends
          }
          assertEquals(7, s.runId(i));
          assertEquals("test", s.worker(i));
          assertFalse(s.failed(i));
          if (s.counted(i)) {
            assertEquals(-1, s.node(i));
            assertTrue(GROUP_NAMES.contains(s.group(i)), s.group(i));
          } else {
            Task t = task(s.node(i));
            assertEquals(t.group(), s.group(i), "node " + s.node(i));
            assertEquals(t.keyId(), s.keyId(i), "node " + s.node(i));
            assertEquals(t.key(), s.key(i), "node " + s.node(i));
            assertEquals(1, s.tasks(i));
            if (!nodes.isEmpty()) {
              assertTrue(s.node(i) > nodes.get(nodes.size() - 1), "task records in order: " + s.node(i));
            }
            nodes.add(s.node(i));
          }
          perGroup.merge(s.group(i), s.tasks(i), Integer::sum);
          tasks += s.tasks(i);
        }
      });
    }

    /** Tasks per group of nodes {@code from .. to - 1}. */
    Map<String, Integer> expected(int from, int to) {
      Map<String, Integer> m = new HashMap<>();
      for (int n = from; n < to; n++) {
        m.merge(task(n).group(), 1, Integer::sum);
      }
      return m;
    }

    /** The tasks seen are nodes {@code from .. to - 1}, each once: by group, and in all. */
    void sawExactly(int from, int to) {
      assertEquals(to - from, tasks, "tasks seen");
      assertEquals(expected(from, to), perGroup, "tasks per group");
      assertEquals(from, nodes.get(0), "the first task has a record: it opens a span");
    }

    /**
     * The tasks seen are nodes {@code from} on, but for a few that the writer still counted when
     * the reader stopped: per group, between those of the stretch a few tasks shorter and a few
     * longer.
     */
    void sawAbout(int from) {
      int slack = 2 * TaskStreamLog.CHECK_EVERY;
      Map<String, Integer> fewer = expected(from, from + tasks - slack);
      Map<String, Integer> more = expected(from, from + tasks + slack);
      for (String g : more.keySet()) {
        int seen = perGroup.getOrDefault(g, 0);
        assertTrue(seen >= fewer.getOrDefault(g, 0) && seen <= more.get(g), "group " + g + ": " + seen);
      }
    }
  }

  @Test
  void aReaderThatKeepsUpReadsEveryRecordOnceWhileTheWriterReusesChunks() throws Exception {
    int chunks = 100;
    int n = chunks * TaskStreamLog.CHUNK;
    Seen seen = new Seen();
    AtomicInteger read = new AtomicInteger();
    AtomicReference<TaskStreamLog> made = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      try {
        TaskStreamLog log = new TaskStreamLog(Thread.currentThread());
        seen.reader.attach(log);
        made.set(log);
        for (int c = 0; c < chunks; c++) {
          write(log, c * TaskStreamLog.CHUNK, (c + 1) * TaskStreamLog.CHUNK);
          while (read.get() < (c - 8) * TaskStreamLog.CHUNK) { // at most a few chunks ahead
            Thread.onSpinWait();
          }
        }
        log.flush();
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "log-writer");
    writer.start();
    while (writer.isAlive()) {
      seen.poll(); // on this thread, while the writer writes on its own
      read.set(seen.tasks);
    }
    writer.join();
    seen.poll(); // what the writer wrote last
    assertEquals(null, failure.get());
    seen.sawExactly(0, n);
    assertTrue(seen.nodes.size() + TaskStreamLog.CHUNK < seen.tasks, "most tasks were counted");
    assertTrue(made.get().chunksMade() <= 12,
        "chunks are reused: " + made.get().chunksMade() + " made for " + chunks + " chunks of records");
  }

  @Test
  void readersThatComeGoAndFallBehindEachReadAnUnbrokenStretch() {
    int chunk = TaskStreamLog.CHUNK;
    TaskStreamLog log = new TaskStreamLog(Thread.currentThread()); // this thread writes and reads
    Seen always = new Seen();
    always.reader.attach(log);
    Seen leaves = new Seen();
    Seen lags = new Seen();
    Seen never = new Seen();

    write(log, 0, 20 * chunk + 5);
    always.poll();
    leaves.reader.attach(log); // starts at the writer's next task
    write(log, 20 * chunk + 5, 30 * chunk);
    always.poll();
    leaves.poll();
    lags.reader.attach(log); // reads nothing until the end: it holds every chunk from here on
    never.reader.attach(log);
    never.reader.close(); // before the writer started it: it holds nothing
    write(log, 30 * chunk, 45 * chunk + 100);
    always.poll();
    leaves.poll();
    leaves.reader.close(); // it reads on to the end of the chunk that last counted it
    write(log, 45 * chunk + 100, 80 * chunk);
    for (int k = 0; k < 3; k++) {
      always.poll();
      leaves.poll();
    }
    write(log, 80 * chunk, 90 * chunk);
    log.flush();
    always.poll();
    lags.poll();
    never.poll();
    always.sawExactly(0, 90 * chunk);
    // A reader starts at the first span that opens after it came (the writer's next check).
    int lagsFrom = lags.nodes.get(0);
    assertTrue(lagsFrom >= 30 * chunk && lagsFrom <= 30 * chunk + TaskStreamLog.CHECK_EVERY, "from " + lagsFrom);
    lags.sawExactly(lagsFrom, 90 * chunk);
    assertEquals(0, never.tasks);
    // The one that left read from where it came to at least where it left, and no further
    // than the chunk that last counted it.
    int first = leaves.nodes.get(0);
    assertTrue(first >= 20 * chunk + 5 && first <= 20 * chunk + 5 + TaskStreamLog.CHECK_EVERY, "from " + first);
    int last = first + leaves.tasks;
    assertTrue(last >= 45 * chunk + 100 - 2 * TaskStreamLog.CHECK_EVERY && last < 47 * chunk, "read up to " + last);
    leaves.sawAbout(first);
    assertTrue(log.chunksMade() < 90, "chunks the lagging reader did not hold were reused: " + log.chunksMade());
    assertTrue(log.pooled() > 0);
    always.reader.close();
    lags.reader.close();
    write(log, 90 * chunk, 90 * chunk + 10); // the writer's next chunk counts no reader
    log.flush();
    assertEquals(0, log.pooled(), "with no reader left, the pool is left to the collector");
  }

  @Test
  void recordsOfManyRunsKeepTheirRunAndKeyAsTheTablesFill() {
    // Runs change at every record, as when a task's inner computations alternate with the
    // outer one: a chunk's table of runs fills every few records and a chunk begins early.
    TaskStreamLog log = new TaskStreamLog(Thread.currentThread());
    TaskStreamReader reader = new TaskStreamReader();
    reader.attach(log);
    TaskStreamLog.StreamRun[] runs = new TaskStreamLog.StreamRun[TaskStreamLog.RUNS * 2 + 3];
    for (int k = 0; k < runs.length; k++) {
      runs[k] = new TaskStreamLog.StreamRun(100 + k, "run" + k);
    }
    int n = 3 * TaskStreamLog.CHUNK;
    for (int node = 0; node < n; node++) {
      log.begin(runs[node % runs.length], null, node, task(node), 0);
      log.end(false, 0);
    }
    log.flush();
    int[] seen = {0};
    reader.poll(s -> {
      for (int i = 0; i < s.size(); i++) {
        if (s.counted(i)) { // the end of a task's span, which closes as the next run's task begins
          assertEquals(0, s.tasks(i));
          assertEquals(100 + (seen[0] - 1) % runs.length, s.runId(i), "the run of the task before");
          continue;
        }
        int node = s.node(i);
        assertEquals(seen[0]++, node);
        assertEquals(100 + node % runs.length, s.runId(i), "node " + node);
        assertEquals("run" + node % runs.length, s.worker(i), "node " + node);
        assertEquals(task(node).key(), s.key(i), "node " + node);
        if (i > 0) {
          assertFalse(s.sameRunAsPrevious(i), "node " + node);
        }
      }
    });
    assertEquals(n, seen[0]);
  }

  @Test
  void aRecordOpenAcrossChunksKeepsItsChunkUntilItEnds() {
    TaskStreamLog log = new TaskStreamLog(Thread.currentThread());
    write(log, 0, 10); // no reader yet: the writer alone holds its chunk
    Task outer = Task.of("outer", args -> null);
    TaskStreamLog.StreamRun inner = new TaskStreamLog.StreamRun(8, "test");
    log.begin(run, null, 10, outer, 0);
    // A computation inside the outer task, long enough to fill chunks. Had the writer let go of
    // the outer record's chunk on leaving it, that chunk would come back as a later one, and
    // the outer task's end would land on an inner record there.
    int n = 5 * TaskStreamLog.CHUNK;
    Seen late = new Seen();
    for (int k = 0; k < n; k++) {
      if (k == n / 2) {
        late.reader.attach(log);
      }
      log.begin(inner, null, k, tasks[0], 0);
      busy(2_000); // so that a record's end and the next one's start are apart
      log.end(false, 0);
    }
    log.end(false, 0);
    write(log, 11, 20);
    log.flush();
    List<Integer> innerNodes = new ArrayList<>();
    int[] outerTasks = {0};
    long[] lastEnd = {0};
    late.reader.poll(s -> {
      for (int i = 0; i < s.size(); i++) {
        assertFalse(s.running(i), "everything ended");
        if (s.runId(i) == 8) {
          innerNodes.add(s.node(i));
          assertTrue(s.opensSpan(i) && s.closesSpan(i), "inner tasks are timed one by one");
          assertTrue(s.startNanos(i) >= lastEnd[0], "record " + s.node(i) + " starts after the one before ended");
          lastEnd[0] = s.endNanos(i);
        } else {
          assertTrue(s.counted(i) || s.node(i) >= 11 && s.node(i) < 20, "node " + s.node(i));
          outerTasks[0] += s.tasks(i);
        }
      }
    });
    assertEquals(n / 2, innerNodes.size(), "inner records from the reader's coming on");
    assertEquals(n / 2, innerNodes.get(0));
    assertEquals(n - 1, innerNodes.get(innerNodes.size() - 1));
    assertEquals(9, outerTasks[0], "tasks 11 to 19, not the outer task: it began before");
  }

  /**
   * Whatever the writer meets, its records and counts add up to the tasks it ran: short tasks of
   * two groups (the common case, counted), of other groups now and then (counts rotate), keys
   * given whole, failures (a record each, marked failed), tasks timed by their caller (a span of
   * their own each), nested computations (their tasks timed one by one), flushes, and another
   * run on the same thread; in random order, read now and then while it goes on.
   */
  @Test
  void recordsAndCountsAddUpToTheTasksRun() {
    TaskStreamLog log = new TaskStreamLog(Thread.currentThread());
    TaskStreamReader reader = new TaskStreamReader();
    reader.attach(log);
    TaskStreamLog.StreamRun other = new TaskStreamLog.StreamRun(9, "test");
    TaskStreamLog.StreamRun timed = new TaskStreamLog.StreamRun(10, "test");
    Map<String, Integer> written = new HashMap<>(); // "run group" -> tasks
    List<Integer> failedNodes = new ArrayList<>();
    List<Integer> timedNodes = new ArrayList<>();
    Map<String, Integer> read = new HashMap<>();
    List<Integer> failedRead = new ArrayList<>();
    List<Integer> timedRead = new ArrayList<>();
    int[] records = {0};
    java.util.function.Consumer<TaskRecords> check = s -> {
      for (int i = 0; i < s.size(); i++) {
        if (s.running(i)) {
          continue;
        }
        records[0]++;
        read.merge(s.runId(i) + " " + s.group(i), s.tasks(i), Integer::sum);
        if (s.failed(i)) {
          assertFalse(s.counted(i));
          failedRead.add(s.node(i));
        }
        if (!s.counted(i) && s.runId(i) == 10 && s.opensSpan(i) && s.closesSpan(i)) {
          timedRead.add(s.node(i));
        }
      }
    };
    Random random = new Random(42);
    int node = 0;
    for (int step = 0; step < 200_000; step++) {
      int r = random.nextInt(1000);
      Task t = r < 900 ? tasks[node % 2] : task(node);
      if (r < 3) { // a task that runs a computation of its own: nested records of another run
        log.begin(run, null, node, t, 0);
        for (int k = random.nextInt(4); k >= 0; k--) {
          boolean fails = random.nextInt(4) == 0;
          log.begin(other, null, 1_000_000 + k, tasks[1], 0);
          log.end(fails, 0);
          written.merge("9 " + tasks[1].group(), 1, Integer::sum);
          if (fails) {
            failedNodes.add(1_000_000 + k);
          }
        }
        log.end(false, 0);
      } else if (r < 6) {
        log.begin(run, null, node, t, 0);
        log.end(true, 0);
        failedNodes.add(node);
      } else if (r < 9) {
        // Timed by its caller (a run with task events: all its tasks are): a span of its own.
        log.begin(timed, null, node, t, EventClock.epochNanos());
        log.end(false, EventClock.epochNanos());
        written.merge("10 " + t.group(), 1, Integer::sum);
        timedNodes.add(node);
        node++;
        continue;
      } else if (r < 12) {
        log.flush();
        continue;
      } else if (r < 14) {
        log.begin(other, null, node, t, 0); // the same thread, another computation
        log.end(false, 0);
        written.merge("9 " + t.group(), 1, Integer::sum);
        node++;
        continue;
      } else {
        log.begin(run, null, node, t, 0);
        log.end(false, 0);
      }
      written.merge("7 " + t.group(), 1, Integer::sum);
      node++;
      if (step % 5000 == 0) {
        reader.poll(check);
      }
    }
    log.flush();
    reader.poll(check);
    assertEquals(written, read, "tasks per run and group");
    assertEquals(failedNodes, failedRead, "each failed task has a record, in order");
    assertEquals(timedNodes, timedRead, "each task timed by its caller is a span of its own");
    assertTrue(records[0] < node / 4, records[0] + " records for " + node + " tasks: most were counted");
    reader.close();
  }

  /**
   * Spans of short tasks follow one another on a thread that goes straight on: each starts at
   * the reading that closed the one before. Once the thread stops taking tasks (flush), the next
   * span's start is read again, so time the thread spent idle is never drawn as busy.
   */
  @Test
  void aSpanStartsWhereTheLastEndedUntilTheThreadStops() {
    TaskStreamLog log = new TaskStreamLog(Thread.currentThread());
    TaskStreamReader reader = new TaskStreamReader();
    reader.attach(log);
    write(log, 0, 4_000); // short tasks: strides of many, several spans
    log.flush();
    long flushedAt = EventClock.epochNanos();
    busy(2_000_000); // idle, as a runner that retired
    write(log, 4_000, 4_100);
    log.flush();
    List<long[]> spans = new ArrayList<>(); // {first node, start, end}
    reader.poll(s -> {
      for (int i = 0; i < s.size(); i++) {
        if (s.opensSpan(i)) {
          spans.add(new long[] {s.node(i), s.startNanos(i), 0});
        }
        if (s.closesSpan(i)) {
          spans.get(spans.size() - 1)[2] = s.endNanos(i);
        }
      }
    });
    int contiguous = 0;
    for (int k = 1; k < spans.size(); k++) {
      long[] before = spans.get(k - 1);
      long[] span = spans.get(k);
      assertTrue(span[1] >= before[2], "span " + k + " starts after the one before ends");
      if (span[0] == 4_000) {
        assertTrue(span[1] > flushedAt, "after the thread stopped, the start is read anew");
      } else if (span[1] == before[2]) {
        contiguous++;
      }
    }
    assertTrue(spans.size() > 3, spans.size() + " spans");
    assertTrue(contiguous > 0, "spans of short tasks on a thread that went straight on share a reading");
    reader.close();
  }

  /**
   * A task counted inside a span has no record while it runs; a reader that finds it running on
   * two looks reports it, with its key from the plan, and its end comes in the span's counts.
   */
  @Test
  void aCountedTaskFoundRunningOnTwoLooksIsReportedWithItsKey() {
    List<Task> outputs = new ArrayList<>();
    for (int i = 0; i < 4_000; i++) {
      outputs.add(Task.of(i % 2 == 0 ? "a" : "b", args -> null));
    }
    for (int i = 0; i < 10; i++) {
      outputs.add(Task.of("long", args -> null));
    }
    io.jdask.graph.Plan plan = io.jdask.graph.Plan.of(outputs, false);
    List<Integer> longNodes = new ArrayList<>();
    List<Integer> shortNodes = new ArrayList<>();
    for (int node = 0; node < plan.size(); node++) {
      (plan.task(node).group().equals("long") ? longNodes : shortNodes).add(node);
    }
    TaskStreamLog log = new TaskStreamLog(Thread.currentThread());
    TaskStreamReader reader = new TaskStreamReader();
    reader.attach(log);
    int next = 0;
    for (; next < 3_000; next++) { // quick: spans of many, counted
      log.begin(run, plan, shortNodes.get(next), plan.task(shortNodes.get(next)), 0);
      log.end(false, 0);
    }
    // The long task begins counted unless it happens to open a span: then one more short task.
    int longNode = -1;
    for (int tries = 0; tries < longNodes.size() && longNode < 0; tries++) {
      int candidate = longNodes.get(tries);
      log.begin(run, plan, candidate, plan.task(candidate), 0);
      if (log.countedRunning() != null) {
        longNode = candidate;
      } else {
        log.end(false, 0);
        log.begin(run, plan, shortNodes.get(next), plan.task(shortNodes.get(next)), 0);
        log.end(false, 0);
        next++;
      }
    }
    assertTrue(longNode >= 0, "a long task began counted");
    reader.poll(r -> {});
    List<TaskStreamReader.CountedTask> seen = new ArrayList<>();
    reader.pollRunning(seen::add);
    assertEquals(List.of(), seen, "one look is not enough: the task may have ended between two");
    long beforeSecondLook = EventClock.epochNanos();
    reader.pollRunning(seen::add);
    assertEquals(1, seen.size());
    TaskStreamReader.CountedTask c = seen.get(0);
    assertEquals(plan.task(longNode).key(), c.key());
    assertEquals("long", c.group());
    assertEquals(longNode, c.node());
    assertEquals(7, c.runId());
    assertEquals(Thread.currentThread(), c.thread());
    assertTrue(c.sinceNanos() > 0 && c.sinceNanos() <= beforeSecondLook, "since the first look");
    log.end(false, 0);
    seen.clear();
    reader.pollRunning(seen::add);
    assertEquals(List.of(), seen, "ended");
    log.begin(run, plan, shortNodes.get(next), plan.task(shortNodes.get(next)), 0);
    log.end(false, 0);
    log.flush();
    int[] longTasks = {0};
    reader.poll(r -> {
      for (int i = 0; i < r.size(); i++) {
        longTasks[0] += r.group(i).equals("long") ? r.tasks(i) : 0;
      }
    });
    assertEquals(1 + longNodes.indexOf(longNode), longTasks[0], "the long tasks begun, in their span's counts");
    reader.close();
  }

  /**
   * A reader that comes while the writer counts a long span of short tasks does not wait for
   * the span's stride: the span closes at the writer's next check, and the reader starts at the
   * span after it. Two groups in turn, the writer's fastest case; then a third group.
   */
  @Test
  void aReaderThatComesStartsWithinACheckOfTheWriter() {
    for (int third = 0; third < 2; third++) {
      TaskStreamLog log = new TaskStreamLog(Thread.currentThread());
      TaskStreamReader first = new TaskStreamReader();
      first.attach(log);
      int node = 0;
      for (; node < 20_000; node++) { // spans of up to 1,024 tasks by now
        log.begin(run, null, node, tasks[node % 2], 0);
        log.end(false, 0);
      }
      TaskStreamReader late = new TaskStreamReader();
      late.attach(log);
      int came = node;
      for (; node < came + 5_000; node++) {
        Task t = third == 1 && node % 7 == 0 ? tasks[2] : tasks[node % 2];
        log.begin(run, null, node, t, 0);
        log.end(false, 0);
      }
      log.flush();
      int[] firstNode = {-1};
      int[] tasksSeen = {0};
      late.poll(r -> {
        for (int i = 0; i < r.size(); i++) {
          if (firstNode[0] < 0 && !r.counted(i)) {
            firstNode[0] = r.node(i);
          }
          tasksSeen[0] += r.tasks(i);
        }
      });
      assertTrue(firstNode[0] >= came && firstNode[0] <= came + TaskStreamLog.CHECK_EVERY,
          "the late reader starts at node " + firstNode[0] + ", having come at " + came);
      assertEquals(came + 5_000 - firstNode[0], tasksSeen[0], "every task from there on");
      first.close();
      late.close();
    }
  }

  private static void busy(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
