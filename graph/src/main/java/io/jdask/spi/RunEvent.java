package io.jdask.spi;

import io.jdask.graph.Plan;
import java.util.Map;

/**
 * The start or end of one computation.
 *
 * @param runId identifies the computation in the task events that belong to it
 * @param kind what happened
 * @param backend the backend's name, e.g. "threads(2)"
 * @param totalTasks tasks in the computation after culling
 * @param tasksPerGroup for STARTED, the number of tasks per group (empty otherwise); null to have
 *     {@link #tasksPerGroup()} count them from the plan when a listener asks
 * @param epochNanos when it happened ({@link EventClock})
 * @param error for FAILED, what failed; else null
 * @param plan for STARTED, the plan the backend runs: every node of the computation with its
 *     key, group and dependencies, so a listener can draw the graph its task events colour.
 *     It is the backend's own instance, shared and immutable: read it, never hold on to it
 *     longer than needed (it references the tasks' functions and arguments). Null for the other
 *     kinds, and for STARTED from a backend that does not publish its structure.
 */
public record RunEvent(
    long runId,
    Kind kind,
    String backend,
    int totalTasks,
    Map<String, Integer> tasksPerGroup,
    long epochNanos,
    String error,
    Plan plan) {

  /** An event without a plan: every end, and a start that does not publish its structure. */
  public RunEvent(long runId, Kind kind, String backend, int totalTasks, Map<String, Integer> tasksPerGroup,
      long epochNanos, String error) {
    this(runId, kind, backend, totalTasks, tasksPerGroup, epochNanos, error, null);
  }

  /**
   * The number of tasks per group. A backend may leave it to the plan: counting is a pass over
   * every task, so it is done on the listener's thread (the dashboard's, say), and only if one
   * asks, rather than on the thread that starts the computation. Counted again on each call.
   */
  @Override
  public Map<String, Integer> tasksPerGroup() {
    if (tasksPerGroup != null) {
      return tasksPerGroup;
    }
    return plan == null ? Map.of() : plan.tasksPerGroup();
  }

  /** The moments of a computation's life. */
  public enum Kind {
    STARTED,
    FINISHED,
    FAILED,
    CANCELLED
  }
}
