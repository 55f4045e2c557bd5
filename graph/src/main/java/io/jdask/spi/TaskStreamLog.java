package io.jdask.spi;

import io.jdask.graph.Task;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One thread's record of the tasks it ran: an append-only list of fixed-size chunks, each a set
 * of primitive columns, written by that thread alone and read by any number of
 * {@link TaskStreamReader}s, each at its own position.
 *
 * <p>A task costs its thread one record: at its start the node, key and run are written and the
 * chunk's count is published with a release store; at its end, the end is published the same
 * way (negated if the task threw). On x86 both are plain stores: no fence, no allocation, no
 * lock, no shared cache line. Readers see a started record as running until its end appears.
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
 * {@link #UNTIMED}. When the thread goes straight on from one span of short tasks to the next,
 * the reading that closed the one opens the other: one clock read a span, not two, and the time
 * between the two tasks counts toward the later span, as it does between the tasks inside one.
 * A span closes early when a task fails, when the thread stops taking tasks ({@link #flush}),
 * and around a task that runs a computation of its own: those inner tasks (nested records, on
 * the same thread, while the outer one is open) are always timed one by one.
 *
 * <h2>Summaries: most records need not be read one by one</h2>
 *
 * A reader that only counts tasks per group, and draws a bar per span, needs from a span's inner
 * records nothing but their group. So each chunk also counts, per name slot, its records with a
 * generated key ({@link Chunk#perName}), and marks in a bitset the records that a reader must
 * read on their own ({@link Chunk#edges}): those that open or close a span, those timed on their
 * own, and those with a key given whole. When the writer leaves a chunk with every record ended
 * and all of one run, it marks the chunk {@link Chunk#whole}: a reader then takes its counts and
 * reads only its edges, some 2% of the records of short tasks, instead of 28 bytes of every
 * record, written by another core. A count costs the writer one increment in a table it touches
 * anyway; an edge, one store on its slower paths (where it reads the clock, or adds a name).
 *
 * <h2>Chunks are reused, and hold no reference per record</h2>
 *
 * A chunk holds {@value #CHUNK} records. Allocating one per that many tasks, as the log first
 * did, cost about 2.4 ns of the 16 a task costs (a reader's drain included), and chunks that
 * outlived a young collection (a reader reads them up to 10 ms later) were promoted, and kept the
 * chunks after them alive through their links: the old generation filled with dead chunks. So a
 * chunk is <em>held</em>: by the writer while it
 * is the tail, and by every reader that was attached when it was begun, until that reader has
 * read past it. The last to let go puts it back into this log's pool ({@value #POOL} chunks at
 * most, dropped when the thread stops taking tasks with no reader left), from which the writer
 * takes its next chunk. Reused chunks live long, so they hold no reference per record: under G1
 * a store of a reference into an old object's array costs a StoreLoad fence in the write
 * barrier. A record's run and key name are slots ({@code tag}) in small per-chunk tables
 * instead, written once per distinct run or name.
 *
 * <p>A reader that attaches does not start in the middle of a chunk that does not count it: the
 * writer begins a fresh chunk at its next task, counting the new reader, and that is where the
 * reader starts ({@link #attach}). A reader that detaches ({@link #detach}) is not counted in
 * chunks begun after; it still reads, and lets go of, the ones that counted it. A chunk whose
 * holds never all return (a reader that stopped reading) is not reused; it is garbage once no
 * one refers to it. No record refers to a task or its arguments, only to the strings of its
 * key, so a log never keeps a user's data alive.
 */
final class TaskStreamLog {
  /** Records per chunk: a chunk is about 32 KB. */
  static final int CHUNK = 1024;
  /** Key names per chunk: one per record at most (keys given whole take one each). */
  static final int NAMES = CHUNK;
  /** Names a miss of the last two searches in the chunk's table before adding one. */
  static final int NAME_WINDOW = 8;
  /** Distinct runs per chunk; a chunk that needs more ends early. */
  static final int RUNS = 8;
  /** Chunks a log keeps for reuse; more released at once are left to the collector. */
  static final int POOL = 128;
  /** The shortest span worth a clock reading of its own: shorter tasks are timed together. */
  static final long SPAN_NANOS = 50_000;
  /** The most tasks timed together. */
  static final int MAX_STRIDE = 1024;
  /**
   * Within a long span, the clock is read every that many tasks, and the span closed if it is
   * already long enough: when tasks turn long, at most that many are timed together.
   */
  static final int CHECK_EVERY = 32;
  /** The end of a task that ended inside a span: ended, not timed. */
  static final long UNTIMED = 1;

  final Thread owner;

  // Shared with readers, under this log's monitor: taken once per chunk, and when readers come and go.
  private Chunk tail; // written under the monitor; the writer reads it freely
  private int readers; // attached readers: each new chunk counts them (read racily by flush)
  private final List<Position> joining = new ArrayList<>(); // attached, waiting for a chunk of their own
  private volatile boolean joinPending; // read by the writer at every task: cheap, and rarely true

  // Released chunks, pushed by whoever let go last, taken by the writer.
  private volatile Chunk free; // through FREE: a stack linked by Chunk.nextFree
  private volatile int pooled; // through POOLED: chunks in free and spare together, roughly
  private Chunk spare; // writer only: taken from free in one go

  // Writer only, from here on.
  private int tailCount = CHUNK; // records begun in tail; full at first, so the first task begins a chunk
  private int chunksMade; // chunks this log allocated: reuse keeps it flat
  // Slots of the last run and the last two key names in tail's tables.
  private StreamRun lastRun;
  private int runSlot;
  private String name0;
  private String name1;
  private int slot0;
  private int slot1;
  // Records found by their index in tail, which no record can move past while one is open or
  // pending (see begin); only records nested in another keep a reference to their chunk.
  private int depth;
  private int topIndex; // the open top-level record: index in tail, or in topChunk if it had nested records
  private Chunk topChunk; // set on the first nested record only (rare)
  private Chunk[] nestedChunk = new Chunk[4]; // records nested inside the top-level one, by depth - 1
  private int[] nestedIndex = new int[4];
  /** A span of top-level tasks is open: its first record carries its start. */
  private boolean spanOpen;
  private long spanStart;
  /**
   * The reading that closed the last span. While the stride is above 1 (set only as a span
   * closes, and back to 1 when the thread stops taking tasks) the thread went straight on from
   * that span, and the next one starts there: one clock read for both.
   */
  private long lastClose;
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
   *
   * <p>The common case is this method alone: a task inside an open span of short ones, with room
   * in the chunk and its run and name in the last slots. It is small so that the compiler inlines
   * it ({@code TaskStreamLogBenchmark}: 9.1 ns a task inlined, 14.3 ns called; 6.2 to 6.5
   * inlined since spans of 50 µs).
   */
  void begin(StreamRun run, int node, Task task, long now) {
    int pending = pendingIndex;
    int i = tailCount;
    long id = task.keyId();
    if (pending >= 0 && depth == 0 && i < CHUNK && run == lastRun && now == 0 && id != 0 && !joinPending) {
      String name = task.group();
      int ns = name == name0 ? slot0 : name == name1 ? slot1 : -1;
      if (ns >= 0) {
        Chunk c = tail;
        END.setRelease(c.end, pending, UNTIMED); // the previous task ended inside this span
        pendingIndex = -1;
        c.node[i] = node;
        c.tag[i] = runSlot << 24 | ns;
        c.keyId[i] = id; // start stays 0: reuse() cleared it
        c.perName[ns]++;
        tailCount = i + 1;
        COUNT.setRelease(c.count, COUNT_AT, i + 1);
        topIndex = i;
        depth = 1;
        return;
      }
    }
    beginAny(run, node, task, now);
  }

  /** Writer: {@link #begin} in every case. */
  private void beginAny(StreamRun run, int node, Task task, long now) {
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
        if (joinPending) {
          // A reader starts at this task: the span closes before it, so that the reader knows
          // when this task's span began and reads every task from here on.
          closeSpan(tail, pendingIndex, false, EventClock.epochNanos());
        } else {
          END.setRelease(tail.end, pendingIndex, UNTIMED);
        }
        pendingIndex = -1;
      }
      if (!spanOpen) {
        start = now != 0 ? now : stride > 1 ? lastClose : EventClock.epochNanos();
        spanOpen = true;
        spanStart = start;
        spanTasks = 0;
      }
    }
    Chunk c = tail;
    // A record may add a run to the chunk's table: room is made first, so that no slot is taken
    // in a chunk the record then leaves. (Names cannot run out first: a record adds one at most.)
    if (tailCount == CHUNK || joinPending || run != lastRun && c.runs == RUNS) {
      nextChunk();
      c = tail;
    }
    long id = task.keyId();
    String name = id != 0 ? task.group() : task.key(); // both are fields: nothing is built here
    int ns = name == name0 ? slot0 : name == name1 ? slot1 : nameSlot(c, name);
    int rs = run == lastRun ? runSlot : runSlot(c, run);
    int i = tailCount;
    c.node[i] = node;
    c.tag[i] = rs << 24 | ns;
    c.keyId[i] = id;
    c.start[i] = start;
    if (id != 0) {
      c.perName[ns]++;
    }
    if (start != 0 || id == 0) {
      c.edge(i);
    }
    tailCount = i + 1;
    COUNT.setRelease(c.count, COUNT_AT, i + 1);
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
   * Writer: the slot in {@code c}, the tail, of a name not among the last two. The last
   * {@value #NAME_WINDOW} names of its table are searched first (a few groups interleaved, say);
   * then the name is added.
   */
  private int nameSlot(Chunk c, String name) {
    int slot = -1;
    for (int k = c.names - 1, stop = Math.max(0, c.names - NAME_WINDOW); k >= stop; k--) {
      if (c.name[k] == name) {
        slot = k;
        break;
      }
    }
    if (slot < 0) {
      slot = c.names++;
      c.name[slot] = name;
    }
    name1 = name0; // the older of the two makes way
    slot1 = slot0;
    name0 = name;
    slot0 = slot;
    return slot;
  }

  /** Writer: the slot in {@code c}, the tail, of a run other than the last one. */
  private int runSlot(Chunk c, StreamRun run) {
    int slot = -1;
    for (int k = 0; k < c.runs; k++) {
      if (c.run[k] == run) { // back from a nested computation, say
        slot = k;
      }
    }
    if (slot < 0) {
      slot = c.runs++;
      c.run[slot] = run;
    }
    lastRun = run;
    runSlot = slot;
    return slot;
  }

  /**
   * Writer: ends tail where it is and begins the next chunk, counting the readers attached now,
   * and starting those that joined since the last one.
   */
  private void nextChunk() {
    Chunk old = tail;
    Chunk c = reuse();
    synchronized (this) {
      readers += joining.size();
      HOLDS.setRelease(c, 1 + readers);
      for (Position p : joining) {
        p.first = c;
      }
      joining.clear();
      joinPending = false;
      if (old != null) {
        // Every record of old has ended unless one is still open (depth > 0: its end is still to
        // come). Written before the link, so a reader that sees the link sees the summary whole.
        old.whole = depth == 0 && old.runs == 1;
        old.next = c; // after its last count: a reader that sees it reads the final count
      }
      tail = c;
    }
    tailCount = 0;
    lastRun = null;
    name0 = null;
    name1 = null;
    // The writer lets go of the old tail, unless a record in it is still open: that one's end
    // is still to be written there. Such a chunk is never reused; the collector takes it.
    if (old != null && depth == 0) {
      release(old);
    }
  }

  /** Writer: a released chunk, emptied, or a new one. */
  private Chunk reuse() {
    Chunk c = spare;
    if (c == null) {
      c = (Chunk) FREE.getAndSet(this, (Chunk) null);
    }
    if (c == null) {
      chunksMade++;
      return new Chunk();
    }
    spare = c.nextFree;
    c.nextFree = null;
    POOLED.getAndAdd(this, -1);
    Arrays.fill(c.name, 0, c.names, null); // keep no key strings alive in the pool's chunks
    Arrays.fill(c.perName, 0, c.names, 0);
    Arrays.fill(c.edges, 0L);
    c.whole = false;
    Arrays.fill(c.run, 0, c.runs, null);
    c.names = 0;
    c.runs = 0;
    Arrays.fill(c.end, 0L); // 0: not ended yet. In one pass here rather than a store per record
    Arrays.fill(c.start, 0L); // 0: inside a span, which begin's common case leaves as it is
    c.count[COUNT_AT] = 0; // published, like the tables and ends, by the link to it
    c.next = null;
    return c;
  }

  /** Any thread: lets go of a chunk; the last to let go puts it in the pool. */
  void release(Chunk c) {
    if ((int) HOLDS.getAndAdd(c, -1) != 1) {
      return;
    }
    if ((int) POOLED.getAndAdd(this, 1) >= POOL) {
      POOLED.getAndAdd(this, -1);
      return; // enough in the pool: the collector takes this one
    }
    Chunk top;
    do {
      top = free;
      c.nextFree = top;
    } while (!FREE.compareAndSet(this, top, c));
  }

  /**
   * Writer: ends the innermost record begun; {@code failed} if its task threw. {@code now} as in
   * {@link #begin}.
   */
  void end(boolean failed, long now) {
    if (depth == 1 && !failed && now == 0 && topChunk == null) {
      int tasks = spanTasks + 1;
      if (tasks < stride && tasks % CHECK_EVERY != 0) { // the common case, small enough to inline
        spanTasks = tasks;
        depth = 0;
        pendingIndex = topIndex;
        return;
      }
    }
    endAny(failed, now);
  }

  /** Writer: {@link #end} in every case. */
  private void endAny(boolean failed, long now) {
    depth--;
    if (depth > 0) {
      Chunk c = nestedChunk[depth - 1];
      nestedChunk[depth - 1] = null;
      long t = now != 0 ? now : EventClock.epochNanos();
      int i = nestedIndex[depth - 1];
      c.edge(i);
      END.setRelease(c.end, i, failed ? -t : t);
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
    if (readers == 0 && !joinPending && pooled > 0) {
      // Nobody reads (the dashboard closed, say): the pool goes to the collector instead of
      // staying with the thread. A racy read of readers is enough: the pool only saves work.
      spare = null;
      FREE.getAndSet(this, (Chunk) null);
      pooled = 0;
    }
  }

  private void closeSpan(Chunk c, int i, boolean failed, long end) {
    c.edge(i);
    END.setRelease(c.end, i, failed ? -end : end);
    long length = end - spanStart;
    if (length > 2 * SPAN_NANOS) {
      stride = 1; // tasks got long: time them one by one again at once
    } else if (length < SPAN_NANOS && spanTasks == stride && stride < MAX_STRIDE) {
      stride *= 2;
    }
    spanOpen = false;
    lastClose = end;
  }

  /** Chunks in the pool, roughly (for tests). */
  int pooled() {
    return pooled;
  }

  /** Chunks this log allocated rather than reused (for tests). */
  int chunksMade() {
    return chunksMade;
  }

  /**
   * A reader comes: it is counted in every chunk begun from now on, and starts at the first,
   * which the writer begins at its next task.
   */
  void attach(Position p) {
    synchronized (this) {
      joining.add(p);
      joinPending = true;
    }
  }

  /**
   * The reader of {@code p} goes: chunks begun from now on do not count it. It may still read
   * up to the end of the last one that does ({@link Position#stop}), letting go of each.
   */
  void detach(Position p) {
    synchronized (this) {
      if (joining.remove(p)) {
        joinPending = !joining.isEmpty();
        p.done = true; // it never started: it holds nothing
        return;
      }
      readers--;
      p.stop = tail;
    }
  }

  /** A reader's place in a log; the reader's own, never shared. */
  static final class Position {
    /** The chunk the reader starts at, set by the writer; null until the writer's next task. */
    volatile Chunk first;
    Chunk chunk;
    int index;
    /** False until the first record that opens a span: those before belong to one begun unseen. */
    boolean spanKnown;
    /** Once detached: the last chunk that counted this reader. */
    Chunk stop;
    /** Nothing more to read: every chunk that counted this reader was let go. */
    boolean done;
  }

  static final class Chunk {
    final int[] node = new int[CHUNK];
    /** Per record: its run's slot in {@link #run} (top 8 bits) and its key name's in {@link #name}. */
    final int[] tag = new int[CHUNK];
    final long[] keyId = new long[CHUNK];
    /** When the record opens a span, its start; else 0. */
    final long[] start = new long[CHUNK];
    /**
     * 0 while the task runs; then, if it closed its span, its end, else {@link #UNTIMED};
     * negated if it threw. Read and written with acquire/release.
     */
    final long[] end = new long[CHUNK];
    /** Key names: a task's group for generated keys, its key for keys given whole. */
    final String[] name = new String[NAMES];
    /** Per name slot: the records with a generated key that use it (see Summaries, above). */
    final int[] perName = new int[NAMES];
    /**
     * A bit per record that a reader must look at on its own: it opens or closes a span (failed
     * ones close theirs), was timed on its own (nested), or has a key given whole.
     */
    final long[] edges = new long[CHUNK / 64];
    /**
     * Set, before the link to the next chunk, when every record here has ended and all belong
     * to one run: a reader may then take the chunk from its summary.
     */
    boolean whole;
    final StreamRun[] run = new StreamRun[RUNS];
    int names; // slots taken in name, written before the records that use them
    int runs;
    /**
     * Records begun, at {@link #COUNT_AT}, through COUNT with release/acquire. In an array of
     * its own, away from both its ends: the writer stores it at every task, and reused chunks of
     * two threads' logs may sit side by side in the old generation, sharing cache lines.
     */
    final int[] count = new int[2 * COUNT_AT];
    int holds; // through HOLDS
    volatile Chunk next;
    Chunk nextFree; // in the pool

    int count() {
      return (int) COUNT.getAcquire(count, COUNT_AT);
    }

    void edge(int i) {
      edges[i >>> 6] |= 1L << i; // the shift takes i mod 64
    }

    long end(int i) {
      return (long) END.getAcquire(end, i);
    }
  }

  /** Where in {@link Chunk#count} the count is: 64 bytes from either end. */
  private static final int COUNT_AT = 16;

  /** What a record says of its computation; one per run, shared by its records. */
  record StreamRun(long runId, String worker) {}

  private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(int[].class);
  private static final VarHandle END = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle HOLDS;
  private static final VarHandle FREE;
  private static final VarHandle POOLED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HOLDS = lookup.findVarHandle(Chunk.class, "holds", int.class);
      FREE = lookup.findVarHandle(TaskStreamLog.class, "free", Chunk.class);
      POOLED = lookup.findVarHandle(TaskStreamLog.class, "pooled", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
