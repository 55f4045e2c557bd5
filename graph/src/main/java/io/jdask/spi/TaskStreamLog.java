package io.jdask.spi;

import io.jdask.graph.Plan;
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
 * <p>A record is written once: its node, key, run, start and end (0 while its task runs, negated
 * if it threw), then the chunk's count is published with a release store; a record that was
 * running when published gets its end later, published the same way. On x86 both are plain
 * stores: no fence, no allocation, no lock, no shared cache line. Readers see a record as
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
 * than that many are timed together. When the thread goes straight on from one span of short
 * tasks to the next, the reading that closed the one opens the other: one clock read a span, not
 * two, and the time between two tasks counts toward the later span, as it does inside one.
 *
 * <h2>Counts: most tasks of a span write nothing</h2>
 *
 * A span's first task gets a record of its own, which carries the span's start. The tasks after
 * it are <em>counted</em>: a task of one of the last two groups (by the identity of its group
 * string, which one Delayed function shares among its tasks) adds one to that group's count in
 * this object, and a countdown ({@link #ready}) says when the next check is due; nothing else.
 * That is the whole of {@link #begin} and {@link #end} for most tasks, a few instructions on data
 * the thread holds in its cache. An earlier log wrote 28 bytes of columns per task, and even a
 * version of it that only counted per chunk left the dashboard's figure above 5% (see
 * docs/dashboard.md): the stores and the branches around them were the cost, not the memory.
 * Counts are written as <em>count records</em> ({@link #COUNTED} as the node, the group as the
 * name, the number in {@link Chunk#tasks}): when a third group comes (the older count is written
 * out), and as the span closes, the last of them carrying the span's end. So a span is a handful
 * of records whatever its length; a reader reads every record, some 1 for each 30 to 1,000 tasks.
 *
 * <p>What counting gives up: a counted task has no key in the records, and no record while it
 * runs. A reader that finds the same counted task running on two looks ({@link
 * #countedRunning}, read racily) reports it with its key from the plan, so that a task that
 * turns out long inside a span of short ones still shows running. Where more matters a task gets
 * a record: the span's first; a task that fails (the span closes
 * before it, on the counts, and it is drawn ending where it failed, its start not known closer);
 * a task that runs a computation of its own (the span closes as the inner computation starts, and
 * the outer task's record opens there; the inner tasks are timed one by one); every task while
 * the caller gives clock readings (task events are on); and every task of a run small enough
 * for the dashboard's graph page ({@link StreamRun#byTask}), which colours each task by its state.
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
 * writer begins a fresh chunk at its next record (at its next check, at the latest), counting
 * the new reader, and that is where the reader starts ({@link #attach}). A reader that detaches ({@link #detach}) is not counted in
 * chunks begun after; it still reads, and lets go of, the ones that counted it. A chunk whose
 * holds never all return (a reader that stopped reading) is not reused; it is garbage once no
 * one refers to it. No record refers to a task or its arguments, only to the strings of its
 * key, so a log never keeps a user's data alive.
 */
final class TaskStreamLog {
  /** Records per chunk: a chunk is about 36 KB. */
  static final int CHUNK = 1024;
  /** Key names per chunk: one per record at most (keys given whole take one each). */
  static final int NAMES = CHUNK;
  /** Names a miss of the last two searches in the chunk's table before adding one. */
  static final int NAME_WINDOW = 8;
  /** Distinct runs per chunk; a chunk that needs more ends early. */
  static final int RUNS = 8;
  /** Chunks a log keeps for reuse; more released at once are left to the collector. */
  static final int POOL = 32;
  /** The shortest span worth a clock reading of its own: shorter tasks are timed together. */
  static final long SPAN_NANOS = 50_000;
  /** The most tasks timed together. */
  static final int MAX_STRIDE = 1024;
  /**
   * Within a long span, the clock is read every that many tasks, and the span closed if it is
   * already long enough: when tasks turn long, at most that many are timed together.
   */
  static final int CHECK_EVERY = 32;
  /** The end of a record that ended inside a span: ended, not timed. */
  static final long UNTIMED = 1;
  /** The node of a count record: tasks of one group counted inside a span, not one task. */
  static final int COUNTED = -1;

  final Thread owner;

  // Shared with readers, under this log's monitor: taken once per chunk, and when readers come and go.
  private Chunk tail; // written under the monitor; the writer reads it freely
  private int readers; // attached readers: each new chunk counts them (read racily by flush)
  private final List<Position> joining = new ArrayList<>(); // attached, waiting for a chunk of their own
  private volatile boolean joinPending; // read by the writer on its slow paths only

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
  // pending (see beginAny); only records nested in another keep a reference to their chunk.
  private int depth; // records open: the top-level one and those nested in it
  private int topIndex; // the open top-level record: index in tail, or in topChunk if it had nested records
  private Chunk topChunk; // set on the first nested record only (rare)
  private Chunk[] nestedChunk = new Chunk[4]; // records nested inside the top-level one, by depth - 1
  private int[] nestedIndex = new int[4];
  /** A span of top-level tasks is open: its first record carries its start. */
  private boolean spanOpen;
  private long spanStart;
  /** The run and plan of the open span's tasks, and the group of its first (a name for a closing count). */
  private StreamRun spanRun;
  private Plan spanPlan;
  private String spanName;
  /**
   * The reading that closed the last span. While the stride is above 1 (set only as a span
   * closes, and back to 1 when the thread stops taking tasks) the thread went straight on from
   * that span, and the next one starts there: one clock read for both.
   */
  private long lastClose;
  private int spanTasks; // top-level tasks ended in the open span, counted ones included
  /** Top-level tasks per span: 1 times every task; more while tasks are short. */
  private int stride = 1;
  /** The index in tail of the last top-level record that ended inside the open span, its end not published yet; or -1. */
  private int pendingIndex = -1;
  /**
   * The fast path's countdown. Above 0 between tasks: that many more tasks of the open span may
   * be counted without a record ({@link #begin}'s first branch). Below 0 while such a counted
   * task runs: minus what was left as it began. 0: every task takes the slow paths.
   */
  private int ready;
  private int granted; // the countdown's value when it was last set: to count its tasks when it runs out
  /** The counted task that runs now: its node if counted in acc0, ~node in acc1 (the slow paths look it up in spanPlan). */
  private int currentNode;
  // Counted tasks of the open span, by the identity of their group string: two groups at a time.
  private String acc0;
  private int acc0Count;
  private String acc1;
  private int acc1Count;

  TaskStreamLog(Thread owner) {
    this.owner = owner;
  }

  /**
   * Writer: records that {@code task}, node {@code node} of {@code plan} in {@code run}, starts
   * now. {@code now} is a clock reading the caller took anyway, or 0 to let the log read the clock
   * when it needs to; a run gives readings for all its tasks (task events are on) or for none.
   * {@code plan} is read on slow paths only, to name a counted task that fails or runs a
   * computation of its own in the record it gets there; if it is null (tests), that record has
   * the task's group as its key.
   *
   * <p>The common case is the first branch alone: a task inside an open span of short ones, of
   * one of the last two groups. It writes no record, only a count in this object, so that the
   * runner's loop stays as it is without a log (see the class comment).
   */
  void begin(StreamRun run, Plan plan, int node, Task task, long now) {
    int r = ready;
    if (r > 0 && run == spanRun) {
      String group = task.group();
      if (group == acc0) {
        acc0Count++;
        ready = -r;
        currentNode = node;
        return;
      }
      if (group == acc1) {
        acc1Count++;
        ready = -r;
        currentNode = ~node; // negative: counted in acc1
        return;
      }
    }
    beginAny(run, plan, node, task, now);
  }

  /** Writer: {@link #begin} in every case. */
  private void beginAny(StreamRun run, Plan plan, int node, Task task, long now) {
    int r = ready;
    if (r > 0 && run == spanRun && depth == 0 && !joinPending) {
      // A counted task of a third group: the older of the two counts is written out first.
      // (A reader that joins waits for the span to close, at the countdown's end or just below.)
      rotate(task.group());
      ready = -r;
      currentNode = node;
      return;
    }
    long start = 0;
    if (r < 0 || depth > 0) {
      // An inner computation: its tasks are timed one by one, and the outer task's span closes
      // at its end. The outer record is still in tail: nothing was written since it began.
      if (r < 0) {
        // The outer task was counted, not recorded: the span closes now, and the outer task
        // gets a record of its own from here (when it began is not known closer than that).
        now = now != 0 ? now : EventClock.epochNanos();
        recordCountedTask(now, false);
      }
      if (depth == 1 && topChunk == null) {
        topChunk = tail;
      }
      start = now != 0 ? now : EventClock.epochNanos();
    } else {
      if (spanOpen && (run != spanRun || joinPending)) {
        // Another run's task on this thread, or a reader that starts here: the span closes
        // before it, so that each reader knows when the spans it reads began.
        closeWithCounts(EventClock.epochNanos());
      } else if (pendingIndex >= 0) { // in tail: no record was written after it
        END.setRelease(tail.end, pendingIndex, UNTIMED);
        pendingIndex = -1;
      }
      if (!spanOpen) {
        start = now != 0 ? now : stride > 1 ? lastClose : EventClock.epochNanos();
        spanOpen = true;
        spanStart = start;
        spanTasks = 0;
        spanRun = run;
        spanPlan = plan;
        spanName = task.group();
      }
    }
    long id = task.keyId();
    String name = id != 0 ? task.group() : task.key(); // both are fields: nothing is built here
    int i = append(run, node, name, id, start, 1, 0);
    if (depth == 0) {
      topIndex = i;
    } else {
      if (depth > nestedChunk.length) {
        nestedChunk = Arrays.copyOf(nestedChunk, depth * 2);
        nestedIndex = Arrays.copyOf(nestedIndex, depth * 2);
      }
      nestedChunk[depth - 1] = tail;
      nestedIndex[depth - 1] = i;
    }
    depth++;
  }

  /**
   * Writer: appends a record to tail, a new chunk if it must, and publishes it with {@code end}
   * (0 while it runs, which only task records do); returns its index in tail.
   */
  private int append(StreamRun run, int node, String name, long id, long start, int tasks, long end) {
    Chunk c = tail;
    // A record may add a run to the chunk's table: room is made first, so that no slot is taken
    // in a chunk the record then leaves. (Names cannot run out first: a record adds one at most.)
    if (tailCount == CHUNK || joinPending || run != lastRun && c.runs == RUNS) {
      nextChunk();
      c = tail;
    }
    int ns = name == name0 ? slot0 : name == name1 ? slot1 : nameSlot(c, name);
    int rs = run == lastRun ? runSlot : runSlot(c, run);
    int i = tailCount;
    c.node[i] = node;
    c.tag[i] = rs << 24 | ns;
    c.keyId[i] = id;
    c.start[i] = start;
    c.tasks[i] = tasks;
    c.end[i] = end; // plain: the count's release store publishes it
    tailCount = i + 1;
    COUNT.setRelease(c.count, COUNT_AT, i + 1);
    return i;
  }

  /** Writer: a count record of the open span, ended inside it. */
  private void appendCount(String group, int tasks) {
    append(spanRun, COUNTED, group, 0, 0, tasks, UNTIMED);
  }

  /** Writer: the counted task now starting is of {@code group}, neither of the two counted. */
  private void rotate(String group) {
    if (acc1Count > 0) {
      appendCount(acc1, acc1Count);
    }
    acc1 = acc0;
    acc1Count = acc0Count;
    acc0 = group;
    acc0Count = 1;
  }

  /**
   * Writer: the counted task that runs now (node {@code currentNode} of the span's plan) leaves
   * the counts for a record of its own: it failed, or runs a computation of its own. The span
   * closes at {@code now} on the counts before it; then the task's record opens a span at
   * {@code now} (still running) or, if it {@code failed}, is that span, ended at {@code now}.
   */
  private void recordCountedTask(long now, boolean failed) {
    spanTasks += granted + ready; // those of the countdown that ended before it
    boolean inAcc1 = currentNode < 0;
    int node = inAcc1 ? ~currentNode : currentNode;
    Task task = spanPlan != null ? spanPlan.task(node) : null;
    String group = inAcc1 ? acc1 : acc0;
    if (inAcc1) {
      acc1Count--;
    } else {
      acc0Count--;
    }
    closeWithCounts(now); // the span closes; spanRun stays, for the task's own span
    StreamRun run = spanRun;
    spanOpen = true;
    spanStart = now;
    spanTasks = 0;
    spanName = group;
    long id = task != null ? task.keyId() : 0;
    String name = task == null ? group : id != 0 ? task.group() : task.key();
    if (failed) {
      topIndex = append(run, node, name, id, now, 1, -now);
      spanTasks = 1;
      spanClosed(now);
    } else {
      topIndex = append(run, node, name, id, now, 1, 0);
      depth = 1;
    }
  }

  /**
   * Writer: closes the open span at {@code end}, as the thread stops taking its tasks: on its
   * counts, the last of which carries the end, or on its last record if nothing was counted
   * after it.
   */
  private void closeWithCounts(long end) {
    ready = 0;
    if (acc0Count == 0 && acc1Count == 0 && pendingIndex >= 0) {
      int i = pendingIndex;
      pendingIndex = -1;
      closeSpan(tail, i, false, end);
      return;
    }
    if (pendingIndex >= 0) {
      END.setRelease(tail.end, pendingIndex, UNTIMED);
      pendingIndex = -1;
    }
    if (acc1Count > 0 && acc0Count > 0) {
      appendCount(acc1, acc1Count);
    }
    // The closing record: counts of one group, or none (named after the span's first record)
    // when the span's records all ended already.
    String group = acc0Count > 0 ? acc0 : acc1Count > 0 ? acc1 : spanName;
    append(spanRun, COUNTED, group, 0, 0, acc0Count > 0 ? acc0Count : acc1Count, end);
    spanClosed(end);
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
    Arrays.fill(c.run, 0, c.runs, null);
    c.names = 0;
    c.runs = 0;
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
   * Writer: ends the task that began last and has not ended; {@code failed} if it threw. {@code
   * now} as in {@link #begin}.
   */
  void end(boolean failed, long now) {
    int r = ready;
    if (r < -1 && !failed) { // a counted task, with more to come before the next check
      ready = -r - 1;
      return;
    }
    endAny(failed, now);
  }

  /** Writer: {@link #end} in every case. */
  private void endAny(boolean failed, long now) {
    int r = ready;
    if (r < 0) {
      // A counted task: the countdown ran out, or it failed.
      if (failed) {
        recordCountedTask(now != 0 ? now : EventClock.epochNanos(), true);
        return;
      }
      ready = 0;
      spanTasks += granted + r + 1; // those of the countdown that ended before it, and this one
      if (spanTasks >= stride || joinPending) {
        closeWithCounts(EventClock.epochNanos());
      } else if (spanTasks % CHECK_EVERY == 0 && (now = EventClock.epochNanos()) - spanStart >= SPAN_NANOS) {
        closeWithCounts(now); // tasks got longer than the stride was made for
      } else {
        grant();
      }
      return;
    }
    depth--;
    if (depth > 0) {
      Chunk c = nestedChunk[depth - 1];
      nestedChunk[depth - 1] = null;
      long t = now != 0 ? now : EventClock.epochNanos();
      int i = nestedIndex[depth - 1];
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
    } else if (spanRun.byTask) {
      // A run small enough to be recorded task by task: every task gets a record.
      pendingIndex = topIndex; // published as UNTIMED when the next task begins, or timed by flush()
    } else {
      // The span goes on: the tasks that follow are counted, not recorded, up to the next check.
      END.setRelease(tail.end, topIndex, UNTIMED);
      grant();
    }
  }

  /** Writer: the open span goes on: tasks are counted up to the next clock check, or the stride. */
  private void grant() {
    int left = Math.min(stride - spanTasks, CHECK_EVERY - spanTasks % CHECK_EVERY);
    ready = left;
    granted = left;
  }

  /**
   * Writer: closes the open span at the last task that ended, as the thread stops taking tasks
   * (a runner retiring, before the computation's caller can be woken), so that no task stays
   * "running" while its thread does something else; and starts timing tasks one by one again.
   * A runner of a computation nested in a task of this thread leaves that task's span open.
   */
  void flush() {
    if (depth > 0 || ready < 0) {
      return; // inside a task (its inner computation's runner retired): its span closes at its end
    }
    if (spanOpen) {
      closeWithCounts(EventClock.epochNanos());
    }
    stride = 1; // what the thread runs next may be another computation's tasks, of another size
    spanRun = null;
    spanPlan = null; // keep no plan, and so no user data, alive from an idle thread
    spanName = null;
    acc0 = null;
    acc1 = null;
    if (readers == 0 && !joinPending && pooled > 0) {
      // Nobody reads (the dashboard closed, say): the pool goes to the collector instead of
      // staying with the thread. A racy read of readers is enough: the pool only saves work.
      spare = null;
      FREE.getAndSet(this, (Chunk) null);
      pooled = 0;
    }
  }

  /** Writer: closes the open span on record {@code i} of {@code c}, which ends at {@code end}. */
  private void closeSpan(Chunk c, int i, boolean failed, long end) {
    END.setRelease(c.end, i, failed ? -end : end);
    spanClosed(end);
  }

  /** Writer: the open span closed at {@code end} (its closing record written): the stride follows its length. */
  private void spanClosed(long end) {
    long length = end - spanStart;
    if (length > 2 * SPAN_NANOS) {
      stride = 1; // tasks got long: time them one by one again at once
    } else if (length < SPAN_NANOS && spanTasks >= stride && stride < MAX_STRIDE) {
      stride *= 2;
    }
    spanOpen = false;
    lastClose = end;
    acc0Count = 0;
    acc1Count = 0;
    ready = 0;
  }

  /**
   * Any thread, racily: the counted task that runs now, or null. The writer publishes none of
   * this: a reader may see it late or mixed from two moments, so it trusts only a task it finds
   * the same on two looks ({@link TaskStreamReader#pollRunning}), and checks the node against the
   * plan. Read every 10 ms or so, it costs the writer a cache miss that often, nothing per task.
   */
  CountedNow countedRunning() {
    int r = ready;
    StreamRun run = spanRun;
    Plan plan = spanPlan;
    if (r >= 0 || run == null || plan == null) {
      return null;
    }
    int current = currentNode;
    return new CountedNow(spanStart, spanTasks, r, current < 0 ? ~current : current, run, plan);
  }

  /**
   * A counted task seen running: its span's start, the span's tasks and the countdown when it
   * began tell it apart from every other task of the thread; then its node, run and plan.
   */
  record CountedNow(long spanStart, int spanTasks, int countdown, int node, StreamRun run, Plan plan) {
    /** This look without its plan, to keep until the next: a look kept no plan, and no user data, alive. */
    CountedNow withoutPlan() {
      return new CountedNow(spanStart, spanTasks, countdown, node, run, null);
    }

    boolean sameTask(CountedNow o) {
      return o != null && o.spanStart == spanStart && o.spanTasks == spanTasks && o.countdown == countdown
          && o.node == node && o.run == run;
    }
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
    /** The tasks a record stands for: 1 for a task's, the count for a count record ({@link #COUNTED}); 0 for a count that only closes its span. */
    final int[] tasks = new int[CHUNK];
    /**
     * 0 while the task runs; then, if it closed its span, its end, else {@link #UNTIMED};
     * negated if it threw. Read and written with acquire/release.
     */
    final long[] end = new long[CHUNK];
    /** Key names: a task's group for generated keys, its key for keys given whole. */
    final String[] name = new String[NAMES];
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

    long end(int i) {
      return (long) END.getAcquire(end, i);
    }
  }

  /** Where in {@link Chunk#count} the count is: 64 bytes from either end. */
  private static final int COUNT_AT = 16;

  /** What a record says of its computation; one per run, shared by its records. */
  record StreamRun(long runId, String worker, boolean byTask) {
    StreamRun(long runId, String worker) {
      this(runId, worker, false);
    }
  }

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
