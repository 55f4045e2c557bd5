package io.jdask.dashboard;

import java.util.List;

/**
 * The JSON shapes of the API and the WebSocket messages, one record each, serialized by
 * Jackson as they are. {@code docs/dashboard.md} documents every field; times are milliseconds
 * since {@link Status#originEpochMs()} unless named otherwise.
 */
final class Views {
  private Views() {}

  /** A slice of the task stream: bars {@code first .. first + key.size() - 1}, as columns. */
  record Tasks(
      String type,
      double originEpochMs,
      List<Row> rows,
      List<String> groups,
      int first,
      int total,
      long dropped,
      int[] row,
      int[] group,
      long[] run,
      double[] start,
      double[] end,
      int[] failed,
      int[] tasks,
      String[] key) {}

  /** A task stream row: one thread of one worker. */
  record Row(int id, String worker, String thread) {}

  /** Everything but the bars: runs with progress and load balance, running tasks, workers. */
  record Status(
      String type,
      double originEpochMs,
      double now,
      int bars,
      List<Run> runs,
      List<Running> running,
      List<Worker> workers) {}

  /** A task running now, drawn from its start to now. */
  record Running(int row, int group, String key, long run, double start) {}

  record Run(
      long id,
      String backend,
      String state,
      String error,
      int totalTasks,
      double start,
      double end,
      List<GroupProgress> groups,
      Balance balance) {}

  /** Progress of one task group; waiting is what is neither done, running nor failed. */
  record GroupProgress(String group, int total, int done, int running, int failed, int waiting) {}

  /**
   * Load balance of a run: the makespan against its lower bound, busy time / threads (no
   * schedule of these tasks on these threads can finish sooner), and the idle thread time.
   */
  record Balance(
      int threads,
      double makespanMs,
      double busyMs,
      double lowerBoundMs,
      double idleMs,
      double efficiency,
      double longestTaskMs,
      List<RowBusy> rows) {}

  record RowBusy(int row, long tasks, double busyMs, double busyPercent) {}

  /**
   * A worker: in-process backends' workers are this JVM (memory and CPU sampled here); workers
   * of other processes report themselves. CPU is in cores busy (1.5 = one and a half cores).
   * Unknown figures are -1.
   */
  record Worker(
      String worker,
      boolean inProcess,
      int threads,
      int tasksRunning,
      long heapUsedBytes,
      long heapMaxBytes,
      long offHeapUsedBytes,
      double cpuCores,
      double lastSeen) {}

  /**
   * The graph page's graph: nodes with their state, and edges from dependency to dependent.
   * {@code run} is the run it was built from, -1 for a graph given to showGraph or none.
   */
  record Graph(long run, List<Node> nodes, int[][] edges, String note) {}

  record Node(int id, String key, String group, String state) {}
}
