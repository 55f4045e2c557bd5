package io.jdask.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.graph.Task;
import java.util.ArrayList;
import java.util.List;
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
      log.begin(run, node, task(node), 0);
      log.end(false, 0);
    }
  }

  /** What one reader was handed, checked as it comes: ended records of the test's run, by node. */
  private final class Seen {
    final TaskStreamReader reader = new TaskStreamReader();
    final List<Integer> nodes = new ArrayList<>();

    void poll() {
      reader.poll(s -> {
        for (int i = 0; i < s.size(); i++) {
          if (s.running(i)) {
            continue; // handed again once it ends
          }
          Task t = task(s.node(i));
          assertEquals(t.group(), s.group(i), "node " + s.node(i));
          assertEquals(t.keyId(), s.keyId(i), "node " + s.node(i));
          assertEquals(t.key(), s.key(i), "node " + s.node(i));
          assertEquals(7, s.runId(i));
          assertEquals("test", s.worker(i));
          assertFalse(s.failed(i));
          nodes.add(s.node(i));
        }
      });
    }

    /** The nodes seen are {@code from, from + 1, ..., to - 1}: none lost, none twice. */
    void sawExactly(int from, int to) {
      assertEquals(to - from, nodes.size(), "records seen");
      for (int k = 0; k < nodes.size(); k++) {
        assertEquals(from + k, nodes.get(k), "record " + k);
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
      read.set(seen.nodes.size());
    }
    writer.join();
    seen.poll(); // what the writer wrote last
    assertEquals(null, failure.get());
    seen.sawExactly(0, n);
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
    lags.sawExactly(30 * chunk, 90 * chunk);
    assertTrue(never.nodes.isEmpty());
    // The one that left read from where it came to at least where it left, and no further
    // than the chunk that last counted it.
    int first = leaves.nodes.get(0);
    assertEquals(20 * chunk + 5, first);
    leaves.sawExactly(first, first + leaves.nodes.size());
    int last = leaves.nodes.get(leaves.nodes.size() - 1);
    assertTrue(last >= 45 * chunk + 99 && last < 47 * chunk, "read up to " + last);
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
      log.begin(runs[node % runs.length], node, task(node), 0);
      log.end(false, 0);
    }
    log.flush();
    int[] seen = {0};
    reader.poll(s -> {
      for (int i = 0; i < s.size(); i++) {
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
    log.begin(run, 10, outer, 0);
    // A computation inside the outer task, long enough to fill chunks. Had the writer let go of
    // the outer record's chunk on leaving it, that chunk would come back as a later one, and
    // the outer task's end would land on an inner record there.
    int n = 5 * TaskStreamLog.CHUNK;
    Seen late = new Seen();
    for (int k = 0; k < n; k++) {
      if (k == n / 2) {
        late.reader.attach(log);
      }
      log.begin(inner, k, tasks[0], 0);
      busy(2_000); // so that a record's end and the next one's start are apart
      log.end(false, 0);
    }
    log.end(false, 0);
    write(log, 11, 20);
    log.flush();
    List<Integer> innerNodes = new ArrayList<>();
    List<Integer> outerNodes = new ArrayList<>();
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
          outerNodes.add(s.node(i));
        }
      }
    });
    assertEquals(n / 2, innerNodes.size(), "inner records from the reader's coming on");
    assertEquals(n / 2, innerNodes.get(0));
    assertEquals(n - 1, innerNodes.get(innerNodes.size() - 1));
    assertEquals(List.of(11, 12, 13, 14, 15, 16, 17, 18, 19), outerNodes, "not the outer task: it began before");
  }

  /**
   * A chunk handed whole with its summary ({@link TaskRecords#summarized}) says what its records
   * say: its counts per group are those of its records with generated keys, and its edges are
   * exactly the records that are not {@link TaskRecords#inner}. Written here: short tasks of four
   * names (one a key given whole), failures, tasks timed by their caller, nested computations,
   * flushes and a second run, in random order; and every record must reach the reader once.
   */
  @Test
  void wholeChunksCarryASummaryThatAgreesWithTheirRecords() {
    TaskStreamLog log = new TaskStreamLog(Thread.currentThread());
    TaskRecordsCheck check = new TaskRecordsCheck();
    check.reader.attach(log);
    TaskStreamLog.StreamRun other = new TaskStreamLog.StreamRun(9, "test");
    Random random = new Random(42);
    int written = 0;
    for (int step = 0; step < 40_000; step++) {
      // Phases of one run only, in which most chunks are left whole, alternate with phases
      // that mix in other runs.
      boolean mixed = step / 3000 % 2 == 1;
      int r = random.nextInt(1000);
      int node = written;
      if (r < 3 && mixed) { // a task that runs a computation of its own: nested records of another run
        log.begin(run, node, task(node), 0);
        written++;
        for (int k = random.nextInt(4); k >= 0; k--) {
          log.begin(other, k, tasks[1], 0);
          log.end(random.nextInt(4) == 0, 0);
          written++;
        }
        log.end(false, 0);
      } else if (r < 6) {
        log.begin(run, node, task(node), 0);
        log.end(true, 0); // failed
        written++;
      } else if (r < 9) {
        long now = EventClock.epochNanos();
        log.begin(run, node, task(node), now); // timed by its caller: a span of its own
        log.end(false, EventClock.epochNanos());
        written++;
      } else if (r < 12) {
        log.flush();
      } else if (r < 14 && mixed) {
        log.begin(other, node, task(node), 0); // the same thread, another computation
        log.end(false, 0);
        written++;
      } else {
        // Mostly two groups in turn, as in a tree: the writer's common case, which finds both
        // in its last two name slots; now and then the others.
        Task t = r < 900 ? tasks[node % 2] : task(node);
        log.begin(run, node, t, 0);
        log.end(false, 0);
        written++;
      }
      if (step % 3000 == 0) {
        check.poll();
      }
    }
    write(log, written, written + 2 * TaskStreamLog.CHUNK); // so the last records' chunk is left too
    written += 2 * TaskStreamLog.CHUNK;
    log.flush();
    check.poll();
    assertEquals(written, check.ended, "every record read once");
    assertTrue(check.whole >= 10 && check.whole < check.slices,
        check.whole + " of " + check.slices + " slices handed whole");
  }

  /** Reads a log and checks each summarized slice against its own records. */
  private static final class TaskRecordsCheck {
    final TaskStreamReader reader = new TaskStreamReader();
    int ended;
    int slices;
    int whole;

    void poll() {
      reader.poll(s -> {
        slices++;
        for (int i = 0; i < s.size(); i++) {
          ended += s.running(i) ? 0 : 1;
        }
        if (!s.summarized()) {
          return;
        }
        whole++;
        int[] counts = new int[s.groupIndices()];
        for (int i = 0; i < s.size(); i++) {
          assertFalse(s.running(i));
          assertEquals(s.runId(0), s.runId(i), "one run in a whole chunk");
          if (s.keyId(i) != 0) {
            counts[s.groupIndex(i)]++;
            assertEquals(s.group(i), s.groupAt(s.groupIndex(i)));
          }
          boolean inner = s.keyId(i) != 0 && !s.opensSpan(i) && !s.closesSpan(i) && !s.failed(i);
          assertEquals(inner, s.inner(i), "record " + i);
          assertTrue(inner ? s.nextEdge(i) > i : s.nextEdge(i) == i, "record " + i + " is an edge: " + !inner);
        }
        for (int g = 0; g < counts.length; g++) {
          assertEquals(counts[g], s.tasksOfGroup(g), "tasks of group index " + g);
        }
      });
    }
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

  private static void busy(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
