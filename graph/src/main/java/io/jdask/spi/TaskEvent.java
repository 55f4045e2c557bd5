package io.jdask.spi;

/**
 * Something that happened to one task, as every backend reports it.
 *
 * @param runId the computation ({@link RunEvent#runId()}) the task belongs to
 * @param key the task's key
 * @param group the task's group (key prefix), for colours and per-group progress
 * @param worker the backend's worker: "sync", "threads", "executor", or a worker process
 * @param thread the thread that ran the task (one row of the dashboard's task stream)
 * @param startNanos when it started, in nanoseconds since the epoch ({@link EventClock})
 * @param endNanos when it ended; equal to {@code startNanos} for STARTED and RELEASED
 * @param state what happened
 * @param resultBytes size of the result where the backend knows it, else -1
 * @param error for FAILED, the exception's class and message; else null
 */
public record TaskEvent(
    long runId,
    String key,
    String group,
    String worker,
    String thread,
    long startNanos,
    long endNanos,
    State state,
    long resultBytes,
    String error) {

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

  public long durationNanos() {
    return endNanos - startNanos;
  }
}
