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
 * <h2>Counted tasks</h2>
 *
 * Most short tasks of a span have no record of their own: they are <em>counted</em>, and a
 * <em>count record</em> ({@link #counted}) says how many tasks of one group ran in the span
 * ({@link #tasks}). A count record has a group but no key and no node, and never runs or fails;
 * the last record of a span, the one that carries its end, is often one. A span's first task,
 * tasks that failed or ran a computation of their own, and every task of a run of at most
 * {@link TaskStream#TASK_BY_TASK} tasks always have records of their own ({@link #tasks} 1).
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

  TaskRecords() {}

  void point(TaskStreamLog.Chunk c, int from, int to, Thread t, boolean lastRunning) {
    chunk = c;
    offset = from;
    size = to - from;
    thread = t;
    lastRuns = lastRunning;
    ended = lastRunning ? size - 1 : size;
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

  /** The task's node in its run's plan ({@link RunEvent#plan()}); -1 for a count record. */
  public int node(int i) {
    return chunk.node[offset + i];
  }

  /** The token of the task's generated key, or 0 if its key was given whole ({@link io.jdask.graph.Task#keyId()}). */
  public long keyId(int i) {
    return chunk.keyId[offset + i];
  }

  /** The task's group; free for generated keys and count records, a substring for keys given whole. */
  public String group(int i) {
    String name = name(i);
    return chunk.keyId[offset + i] != 0 || counted(i) ? name : Keys.group(name);
  }

  /** The task's key; free for keys given whole, built for generated ones; null for a count record. */
  public String key(int i) {
    if (counted(i)) {
      return null;
    }
    String name = name(i);
    long id = chunk.keyId[offset + i];
    return id != 0 ? Keys.format(name, id) : name;
  }

  /**
   * True if record {@code i} is a count record: {@link #tasks} tasks of {@link #group} that ran
   * inside the span, counted rather than recorded one by one. It has no key ({@link #keyId} 0,
   * {@link #node} -1), has ended, and did not fail.
   */
  public boolean counted(int i) {
    return chunk.node[offset + i] == TaskStreamLog.COUNTED;
  }

  /**
   * The tasks record {@code i} stands for: 1 for a task's own record; for a count record, its
   * count (0 for one that only closes its span).
   */
  public int tasks(int i) {
    return chunk.tasks[offset + i];
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
