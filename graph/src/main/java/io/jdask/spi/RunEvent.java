package io.jdask.spi;

import java.util.Map;

/**
 * The start or end of one computation.
 *
 * @param runId identifies the computation in the task events that belong to it
 * @param kind what happened
 * @param backend the backend's name, e.g. "threads(2)"
 * @param totalTasks tasks in the computation after culling
 * @param tasksPerGroup for STARTED, the number of tasks per group (empty otherwise)
 * @param epochNanos when it happened ({@link EventClock})
 * @param error for FAILED, what failed; else null
 */
public record RunEvent(
    long runId,
    Kind kind,
    String backend,
    int totalTasks,
    Map<String, Integer> tasksPerGroup,
    long epochNanos,
    String error) {

  /** The moments of a computation's life. */
  public enum Kind {
    STARTED,
    FINISHED,
    FAILED,
    CANCELLED
  }
}
