package io.jdask.spi;

import io.jdask.graph.Keys;

/**
 * Consecutive tasks of one thread, as a {@link TaskStreamReader} hands them on: records
 * {@code 0 .. size() - 1}, read by index, valid only during the call they are handed to. A
 * slice of the thread's log rather than an object per task, so that reading a task costs a few
 * array reads: the dashboard reads millions a second on a core the workers need too.
 *
 * <p>Every record but possibly the last has ended; the last may still be {@link #running}, and
 * is then handed again, at index 0 of the next slice, until it ends.
 *
 * <h2>Spans</h2>
 *
 * Tasks are timed in <em>spans</em> ({@link TaskStreamLog} says why): a task of 50 µs or more is
 * a span of its own, with its exact start and end; shorter ones, consecutive on one thread, are
 * timed together. A record that {@link #opensSpan} carries the span's start; the records after
 * it on the same thread belong to that span, up to the one that {@link #closesSpan}, which
 * carries the span's end. A record that both opens and closes a span was timed on its own. A
 * reader never hands on a record whose span opened before the reader did.
 *
 * <h2>Summaries</h2>
 *
 * Most slices of a busy thread are whole chunks its log has left behind, every task in them
 * ended and of one computation. Such a slice is {@link #summarized}: it counts its tasks per
 * group ({@link #tasksOfGroup}) and marks the few a reader must read on its own ({@link
 * #nextEdge}), so that a reader that wants counts and spans reads a few records per span
 * instead of every one.
 */
public final class TaskRecords {
  private TaskStreamLog.Chunk chunk;
  private int offset;
  private int size;
  private Thread thread;
  /**
   * The last record was running when the reader looked. It may end while the slice is read; it
   * is still handed as running, and handed again, ended, next time: read twice, it would count twice.
   */
  private boolean lastRuns;
  /** Records that had ended when the reader looked: all but the last if it was running. */
  private int ended;
  private boolean summarized;

  TaskRecords() {}

  void point(TaskStreamLog.Chunk c, int from, int to, Thread t, boolean lastRunning) {
    chunk = c;
    offset = from;
    size = to - from;
    thread = t;
    lastRuns = lastRunning;
    ended = lastRunning ? size - 1 : size;
    summarized = false;
  }

  /** The whole of a chunk the writer left with its summary complete ({@link #summarized}). */
  void pointWhole(TaskStreamLog.Chunk c, int count, Thread t) {
    point(c, 0, count, t, false);
    summarized = true;
  }

  /**
   * The end field of task {@code i} as of the reader's look: 0 for the running one. A plain
   * read: the reader read every end of the slice with acquire semantics before handing it on,
   * and an end is written once, so this sees what it saw; and without a barrier per read the
   * compiler can share one load between running, failed and closesSpan.
   */
  private long end(int i) {
    return lastRuns && i == size - 1 ? 0 : chunk.end[offset + i];
  }

  /** The thread that ran them: one row of a task stream. */
  public Thread thread() {
    return thread;
  }

  public int size() {
    return size;
  }

  /** The computation ({@link RunEvent#runId()}) task {@code i} belongs to. */
  public long runId(int i) {
    return run(i).runId();
  }

  /** True if task {@code i} (i > 0) belongs to the same computation as task {@code i - 1}. */
  public boolean sameRunAsPrevious(int i) {
    return chunk.tag[offset + i] >>> 24 == chunk.tag[offset + i - 1] >>> 24; // a chunk lists each run once
  }

  /** The backend's worker: "sync", "threads" or "executor". */
  public String worker(int i) {
    return run(i).worker();
  }

  private TaskStreamLog.StreamRun run(int i) {
    return chunk.run[chunk.tag[offset + i] >>> 24];
  }

  private String name(int i) {
    return chunk.name[chunk.tag[offset + i] & 0xFFFFFF];
  }

  /** The task's node in its run's plan ({@link RunEvent#plan()}). */
  public int node(int i) {
    return chunk.node[offset + i];
  }

  /** The token of the task's generated key, or 0 if its key was given whole ({@link io.jdask.graph.Task#keyId()}). */
  public long keyId(int i) {
    return chunk.keyId[offset + i];
  }

  /** The task's group; free for generated keys, a substring for keys given whole. */
  public String group(int i) {
    String name = name(i);
    return chunk.keyId[offset + i] != 0 ? name : Keys.group(name);
  }

  /** The task's key; free for keys given whole, built for generated ones. */
  public String key(int i) {
    String name = name(i);
    long id = chunk.keyId[offset + i];
    return id != 0 ? Keys.format(name, id) : name;
  }

  /**
   * True if task {@code i} is one of the many a reader only needs to count: it has a generated
   * key, ended without failing inside its span, and neither opens nor closes it. Its group is then
   * {@link #groupAt}({@link #groupIndex}(i)). One test where {@link #opensSpan}, {@link #running},
   * {@link #failed}, {@link #closesSpan} and {@link #keyId} would be five.
   */
  public boolean inner(int i) {
    int at = offset + i;
    return i < ended && chunk.end[at] == TaskStreamLog.UNTIMED && chunk.start[at] == 0 && chunk.keyId[at] != 0;
  }

  /**
   * For a task with a generated key, the index of its group among this slice's groups: tasks of
   * the slice with the same index have the same group. Below {@link #GROUP_INDICES}.
   */
  public int groupIndex(int i) {
    return chunk.tag[offset + i] & 0xFFFFFF;
  }

  /** The group of index {@code g} ({@link #groupIndex}), in this slice. */
  public String groupAt(int g) {
    return chunk.name[g];
  }

  /** Group indices are below this. */
  public static final int GROUP_INDICES = TaskStreamLog.NAMES;

  /**
   * True if this slice comes with a summary: every task in it has ended, all belong to one
   * computation, and a reader that counts tasks per group and reads spans may take the counts
   * from {@link #tasksOfGroup} and read only the tasks {@link #nextEdge} finds. The others are
   * tasks with a generated key inside a span, neither opening nor closing it, and not failed:
   * {@link #inner} for each.
   */
  public boolean summarized() {
    return summarized;
  }

  /** In a {@link #summarized} slice: group indices {@code 0 .. groupIndices() - 1} may be used. */
  public int groupIndices() {
    return chunk.names;
  }

  /**
   * In a {@link #summarized} slice: how many of its tasks with a generated key have group index
   * {@code g} ({@link #groupIndex}), failed ones included.
   */
  public int tasksOfGroup(int g) {
    return chunk.perName[g];
  }

  /**
   * In a {@link #summarized} slice: the first task from {@code from} on that is not {@link
   * #inner} (it opens or closes a span, failed, or has a key given whole), or {@link #size()} if
   * there is none.
   */
  public int nextEdge(int from) {
    if (from >= size) {
      return size;
    }
    long[] edges = chunk.edges;
    int w = from >>> 6;
    long bits = edges[w] & -1L << from; // the shift takes from mod 64
    while (bits == 0) {
      if (++w == edges.length) {
        return size;
      }
      bits = edges[w];
    }
    return Math.min(size, (w << 6) + Long.numberOfTrailingZeros(bits));
  }

  /** True if task {@code i} is the first of its span: {@link #startNanos} is then its start. */
  public boolean opensSpan(int i) {
    return chunk.start[offset + i] != 0;
  }

  /** If task {@code i} opens a span, its start, in nanoseconds since the epoch ({@link EventClock}); else 0. */
  public long startNanos(int i) {
    return chunk.start[offset + i];
  }

  /** True while task {@code i} runs (only the last of a slice can). */
  public boolean running(int i) {
    return end(i) == 0;
  }

  /** True if task {@code i} threw. */
  public boolean failed(int i) {
    return end(i) < 0;
  }

  /** True if task {@code i} ended as the last of its span: {@link #endNanos} is then the span's end. */
  public boolean closesSpan(int i) {
    long end = end(i);
    return end != 0 && Math.abs(end) != TaskStreamLog.UNTIMED;
  }

  /** If task {@code i} closes its span, the span's end; else 0. */
  public long endNanos(int i) {
    long end = Math.abs(end(i));
    return end == TaskStreamLog.UNTIMED ? 0 : end;
  }
}
