package io.jdask.spi;

import io.jdask.graph.Task;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One thread's record of the tasks it ran: an append-only list of fixed-size chunks, each a set
 * of primitive columns, written by that thread alone and read by any number of
 * {@link TaskStreamReader}s, each at its own position.
 *
 * <p>A task costs its thread one record: at its start the run, node and key are written and the
 * chunk's count is published with a release store; at its end, the end is published the same
 * way (negated if the task threw). On x86 both are plain stores: no fence, no allocation but one
 * chunk per {@value #CHUNK} tasks, no lock, no shared cache line. Readers see a started record as
 * running until its end appears.
 *
 * <h2>Spans: timing tasks too short to time one by one</h2>
 *
 * Reading the clock costs 20 to 40 ns where a task starts or ends (the clock read waits for the
 * instructions before it), and two reads are a quarter of a trivial task's 0.35 µs on THREADS.
 * So the log times <em>spans</em>: consecutive tasks of one thread, from the start of the first
 * to the end of the last. A task of {@value #SPAN_NANOS} ns or more gets a span of its own (its
 * exact start and end); tasks shorter than that are timed together, as many as fit in about
 * {@value #SPAN_NANOS} ns ({@link #stride}: doubled while spans stay shorter than that, up to
 * {@value #MAX_STRIDE}; back to 1 as soon as one is longer than twice that, and whenever the
 * thread stops taking tasks). Within a span the clock is also read every {@value #CHECK_EVERY}
 * tasks, and the span closed if it is long enough already, so that when tasks turn long no more
 * than that many are timed together. A record whose start opens a span carries the clock
 * reading; the others carry 0. A record whose end closes a span carries the reading; the others carry
 * {@link #UNTIMED}. A span closes early when a task fails, when the thread stops taking tasks
 * ({@link #flush}), and around a task that runs a computation of its own: those inner tasks
 * (nested records, on the same thread, while the outer one is open) are always timed one by one.
 *
 * <p>Chunks that every reader has passed are garbage: nothing but the readers' positions and
 * the writer's tail refers to them. No record refers to a task or its arguments, only to the
 * strings of its key, so a log never keeps a user's data alive.
 */
final class TaskStreamLog {
  /** Records per chunk: a chunk is about 40 KB, allocated once per that many tasks. */
  static final int CHUNK = 1024;
  /** The shortest span worth a clock reading of its own: shorter tasks are timed together. */
  static final long SPAN_NANOS = 10_000;
  /** The most tasks timed together. */
  static final int MAX_STRIDE = 256;
  /**
   * Within a long span, the clock is read every that many tasks, and the span closed if it is
   * already long enough: when tasks turn long, at most that many are timed together.
   */
  static final int CHECK_EVERY = 16;
  /** The end of a task that ended inside a span: ended, not timed. */
  static final long UNTIMED = 1;

  final Thread owner;
  private volatile Chunk tail = new Chunk();
  private int tailCount; // writer only: records begun in tail
  // Writer only, from here on. The hot path stores no reference into this object or its arrays:
  // under G1 a store of a young object (a chunk) into an old one (a log lives long) costs a
  // StoreLoad fence in the write barrier, as much as the rest of a record. Top-level records
  // are therefore found by their index in the tail, which no record can move past while one is
  // open or pending (see begin); only records nested in another keep a reference.
  private int depth;
  private int topIndex; // the open top-level record: index in tail, or in topChunk if it had nested records
  private Chunk topChunk; // set on the first nested record only (rare)
  private Chunk[] nestedChunk = new Chunk[4]; // records nested inside the top-level one, by depth - 1
  private int[] nestedIndex = new int[4];
  /** A span of top-level tasks is open: its first record carries its start. */
  private boolean spanOpen;
  private long spanStart;
  private int spanTasks;
  /** Top-level tasks per span: 1 times every task; more while tasks are short. */
  private int stride = 1;
  /** The index in tail of the last top-level task that ended inside the open span, its end not published yet; or -1. */
  private int pendingIndex = -1;

  TaskStreamLog(Thread owner) {
    this.owner = owner;
  }

  /**
   * Writer: records that {@code task}, node {@code node} of {@code run}, starts now. {@code now}
   * is a clock reading the caller took anyway, or 0 to let the log read the clock when it needs to.
   */
  void begin(StreamRun run, int node, Task task, long now) {
    long start = 0;
    if (depth > 0) {
      // An inner computation: its tasks are timed one by one, and the outer task's span closes
      // at its end. The outer record is still in tail: nothing was written since it began.
      if (depth == 1 && topChunk == null) {
        topChunk = tail;
      }
      start = now != 0 ? now : EventClock.epochNanos();
    } else {
      if (pendingIndex >= 0) { // in tail: no record was written after it
        END.setRelease(tail.end, pendingIndex, UNTIMED);
        pendingIndex = -1;
      }
      if (!spanOpen) {
        start = now != 0 ? now : EventClock.epochNanos();
        spanOpen = true;
        spanStart = start;
        spanTasks = 0;
      }
    }
    Chunk c = tail;
    int i = tailCount;
    if (i == CHUNK) {
      Chunk next = new Chunk();
      c.next = next;
      tail = next;
      c = next;
      i = 0;
    }
    long id = task.keyId();
    c.run[i] = run;
    c.node[i] = node;
    c.keyName[i] = id != 0 ? task.group() : task.key(); // both are fields: nothing is built here
    c.keyId[i] = id;
    c.start[i] = start;
    tailCount = i + 1;
    COUNT.setRelease(c, i + 1);
    if (depth == 0) {
      topIndex = i;
    } else {
      if (depth > nestedChunk.length) {
        nestedChunk = Arrays.copyOf(nestedChunk, depth * 2);
        nestedIndex = Arrays.copyOf(nestedIndex, depth * 2);
      }
      nestedChunk[depth - 1] = c;
      nestedIndex[depth - 1] = i;
    }
    depth++;
  }

  /**
   * Writer: ends the innermost record begun; {@code failed} if its task threw. {@code now} as in
   * {@link #begin}.
   */
  void end(boolean failed, long now) {
    depth--;
    if (depth > 0) {
      Chunk c = nestedChunk[depth - 1];
      nestedChunk[depth - 1] = null;
      long t = now != 0 ? now : EventClock.epochNanos();
      END.setRelease(c.end, nestedIndex[depth - 1], failed ? -t : t);
      return;
    }
    spanTasks++;
    if (topChunk != null) { // it ran a computation of its own: its span closes here
      Chunk c = topChunk;
      topChunk = null;
      closeSpan(c, topIndex, failed, now != 0 ? now : EventClock.epochNanos());
    } else if (failed || spanTasks >= stride || now != 0) {
      closeSpan(tail, topIndex, failed, now != 0 ? now : EventClock.epochNanos());
    } else if (spanTasks % CHECK_EVERY == 0 && (now = EventClock.epochNanos()) - spanStart >= SPAN_NANOS) {
      closeSpan(tail, topIndex, false, now); // tasks got longer than the stride was made for
    } else {
      pendingIndex = topIndex; // published as UNTIMED when the next task begins, or timed by flush()
    }
  }

  /**
   * Writer: closes the open span at the last task that ended, as the thread stops taking tasks
   * (a runner retiring, before the computation's caller can be woken), so that no task stays
   * "running" while its thread does something else; and starts timing tasks one by one again.
   */
  void flush() {
    if (pendingIndex >= 0) {
      int i = pendingIndex;
      pendingIndex = -1;
      closeSpan(tail, i, false, EventClock.epochNanos());
    }
    stride = 1; // what the thread runs next may be another computation's tasks, of another size
  }

  private void closeSpan(Chunk c, int i, boolean failed, long end) {
    END.setRelease(c.end, i, failed ? -end : end);
    long length = end - spanStart;
    if (length > 2 * SPAN_NANOS) {
      stride = 1; // tasks got long: time them one by one again at once
    } else if (length < SPAN_NANOS && spanTasks == stride && stride < MAX_STRIDE) {
      stride *= 2;
    }
    spanOpen = false;
  }

  /** A position at the first record to be written from now on. */
  Position atEnd() {
    Chunk c = tail;
    return new Position(c, (int) COUNT.getAcquire(c));
  }

  /** A position at the first record of this (new) log. */
  Position atStart() {
    Position p = new Position(tail, 0);
    p.spanKnown = true;
    return p;
  }

  /** A reader's place in a log; the reader's own, never shared. */
  static final class Position {
    Chunk chunk;
    int index;
    /** False until the first record that opens a span: those before belong to one begun unseen. */
    boolean spanKnown;

    Position(Chunk chunk, int index) {
      this.chunk = chunk;
      this.index = index;
    }
  }

  static final class Chunk {
    final StreamRun[] run = new StreamRun[CHUNK];
    final int[] node = new int[CHUNK];
    final String[] keyName = new String[CHUNK];
    final long[] keyId = new long[CHUNK];
    /** When the record opens a span, its start; else 0. */
    final long[] start = new long[CHUNK];
    /**
     * 0 while the task runs; then, if it closed its span, its end, else {@link #UNTIMED};
     * negated if it threw. Read and written with acquire/release.
     */
    final long[] end = new long[CHUNK];
    int count; // records begun; through COUNT with release/acquire
    volatile Chunk next;

    int count() {
      return (int) COUNT.getAcquire(this);
    }

    long end(int i) {
      return (long) END.getAcquire(end, i);
    }
  }

  /** What a record says of its computation; one per run, shared by its records. */
  record StreamRun(long runId, String worker) {}

  private static final VarHandle COUNT;
  private static final VarHandle END = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(Chunk.class, "count", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
