package io.jdask.spi;

import io.jdask.graph.Keys;

/**
 * One task as a {@link TaskStreamReader} sees it: a view of a record in a thread's log, valid
 * only during the call it is handed to (the reader moves it to the next record after), so
 * reading records allocates nothing. Copy out what you keep.
 */
public final class TaskRecord {
  private TaskStreamLog.Chunk chunk;
  private int index;
  private Thread thread;
  private long end;

  TaskRecord() {}

  void point(TaskStreamLog.Chunk c, int i, Thread t, long endField) {
    chunk = c;
    index = i;
    thread = t;
    end = endField;
  }

  /** The computation ({@link RunEvent#runId()}) the task belongs to. */
  public long runId() {
    return chunk.run[index].runId();
  }

  /** The backend's name, e.g. "threads(2)". */
  public String backend() {
    return chunk.run[index].backend();
  }

  /** The backend's worker: "sync", "threads" or "executor". */
  public String worker() {
    return chunk.run[index].worker();
  }

  /** The thread that ran it: one row of a task stream. */
  public Thread thread() {
    return thread;
  }

  /** The task's node in its run's plan ({@link RunEvent#plan()}). */
  public int node() {
    return chunk.node[index];
  }

  /** The token of the task's generated key, or 0 if its key was given whole ({@link io.jdask.graph.Task#keyId()}). */
  public long keyId() {
    return chunk.keyId[index];
  }

  /** The task's group; free for generated keys, a substring for keys given whole. */
  public String group() {
    String name = chunk.keyName[index];
    return chunk.keyId[index] != 0 ? name : Keys.group(name);
  }

  /** The task's key; free for keys given whole, built for generated ones. */
  public String key() {
    String name = chunk.keyName[index];
    long id = chunk.keyId[index];
    return id != 0 ? Keys.format(name, id) : name;
  }

  /** When it started, in nanoseconds since the epoch ({@link EventClock}). */
  public long startNanos() {
    return chunk.start[index];
  }

  /** True while it runs: then {@link #endNanos()} is meaningless. */
  public boolean running() {
    return end == 0;
  }

  /** True if it threw. */
  public boolean failed() {
    return end < 0;
  }

  /** When it ended. */
  public long endNanos() {
    return Math.abs(end);
  }

  @Override
  public String toString() {
    return "TaskRecord[" + key() + " of run " + runId() + " on " + worker() + "/" + thread.getName()
        + (running() ? ", running" : (failed() ? ", failed after " : ", ") + (endNanos() - startNanos()) / 1000 + " us") + "]";
  }
}
