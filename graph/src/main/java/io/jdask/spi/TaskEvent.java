package io.jdask.spi;

import io.jdask.graph.Task;
import java.util.Objects;

/**
 * Something that happened to one task, as every backend reports it.
 *
 * <p>Events are made on the worker thread in the middle of a computation, several per task, so
 * they are cheap to make: an event made in-process keeps a reference to its {@link Task} and
 * builds the key string only when a listener asks for it (a listener that only counts never
 * does). Events from other JVMs arrive with their key as a string.
 */
public final class TaskEvent {
  /** What happened to a task. */
  public enum State {
    /** It began to run. */
    STARTED,
    /** It ran and its result is in memory. */
    FINISHED,
    /** It threw. */
    FAILED,
    /** Its result was dropped: the last task that needed it has run. */
    RELEASED
  }

  private final long runId;
  private final Task task; // null when the key came as a string
  private String key; // made on demand from task
  private String group;
  private final String worker;
  private final String thread;
  private final long startNanos;
  private final long endNanos;
  private final State state;
  private final long resultBytes;
  private final String error;

  /** An event about a task of this JVM; key and group are read from the task when asked for. */
  public TaskEvent(long runId, Task task, String worker, String thread, long startNanos, long endNanos,
      State state, long resultBytes, String error) {
    this(runId, Objects.requireNonNull(task, "task"), null, null, worker, thread, startNanos, endNanos,
        state, resultBytes, error);
  }

  /** An event about a task known by its key, e.g. one that ran in another JVM. */
  public TaskEvent(long runId, String key, String group, String worker, String thread, long startNanos,
      long endNanos, State state, long resultBytes, String error) {
    this(runId, null, Objects.requireNonNull(key, "key"), Objects.requireNonNull(group, "group"), worker,
        thread, startNanos, endNanos, state, resultBytes, error);
  }

  private TaskEvent(long runId, Task task, String key, String group, String worker, String thread,
      long startNanos, long endNanos, State state, long resultBytes, String error) {
    this.runId = runId;
    this.task = task;
    this.key = key;
    this.group = group;
    this.worker = worker;
    this.thread = thread;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.state = state;
    this.resultBytes = resultBytes;
    this.error = error;
  }

  /** The computation ({@link RunEvent#runId()}) the task belongs to. */
  public long runId() {
    return runId;
  }

  /** The task's key. */
  public String key() {
    String k = key;
    if (k == null) {
      k = task.key(); // racing threads compute equal strings: benign
      key = k;
    }
    return k;
  }

  /** The task's group (key prefix), for colours and per-group progress. */
  public String group() {
    String g = group;
    if (g == null) {
      g = task.group();
      group = g;
    }
    return g;
  }

  /** The backend's worker: "sync", "threads", "executor", or a worker process. */
  public String worker() {
    return worker;
  }

  /** The thread that ran the task: one row of a task stream. */
  public String thread() {
    return thread;
  }

  /** When it started, in nanoseconds since the epoch ({@link EventClock}). */
  public long startNanos() {
    return startNanos;
  }

  /** When it ended; equal to {@link #startNanos()} for STARTED and RELEASED. */
  public long endNanos() {
    return endNanos;
  }

  public long durationNanos() {
    return endNanos - startNanos;
  }

  public State state() {
    return state;
  }

  /** Size of the result where the backend knows it, else -1. */
  public long resultBytes() {
    return resultBytes;
  }

  /** For FAILED, the exception's class and message; else null. */
  public String error() {
    return error;
  }

  @Override
  public String toString() {
    return "TaskEvent[" + state + " " + key() + " on " + worker + "/" + thread + ", run " + runId
        + ", " + (endNanos - startNanos) / 1000 + " us" + (error == null ? "" : ", " + error) + "]";
  }
}
