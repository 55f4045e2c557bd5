package io.jdask.dashboard;

import io.jdask.spi.RunEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the dashboard knows about one computation: progress per task group and busy time per
 * task stream row. Kept incrementally as events arrive, so a status costs O(groups + rows), not
 * O(tasks). Owned by the dashboard thread.
 *
 * <p>Events of one run arrive from several threads' lanes in no particular order, so a run can
 * be created by its first task event and learn its STARTED details later.
 */
final class RunStats {
  final long id;
  String backend = "?";
  String state = "running";
  String error;
  int totalTasks = -1;
  long startNanos = Long.MAX_VALUE;
  long endNanos = Long.MIN_VALUE; // set when the run ended
  long firstTaskStart = Long.MAX_VALUE;
  long lastTaskEnd = Long.MIN_VALUE;
  long busyNanos;
  long longestNanos;
  int running;

  /** group -> {total, done, running, failed}; total is -1 until the STARTED event says. */
  final Map<String, int[]> groups = new LinkedHashMap<>();
  /** The same counts by task stream group id ({@link TaskTable#groupOf}): an array index per task. */
  private int[][] byId = new int[8][];
  /** The STARTED event while the run runs and its totals were not needed yet (see {@link #totals}). */
  private RunEvent pendingTotals;
  /** task stream row -> {busy nanos, tasks}, null for rows this run did not use. */
  long[][] rows = new long[8][];
  private int rowsUsed;

  RunStats(long id) {
    this.id = id;
  }

  void started(RunEvent e) {
    backend = e.backend();
    totalTasks = e.totalTasks();
    startNanos = Math.min(startNanos, e.epochNanos());
    pendingTotals = e;
  }

  void ended(String kind, String err, long at) {
    state = kind;
    error = err;
    endNanos = at;
    if (!kind.equals("finished")) {
      totals(); // the tasks that never ran are "waiting": the totals say how many
    }
    pendingTotals = null; // a finished run's totals are its counts; and the plan is let go
  }

  /**
   * Sets each group's total from the STARTED event, if not done yet. Counting them can be a pass
   * over every task of the plan, so it is done when a view of the running run is asked for, not
   * for every run: with no page open, a run of a million trivial tasks never pays for it.
   */
  void totals() {
    RunEvent e = pendingTotals;
    if (e != null) {
      pendingTotals = null;
      e.tasksPerGroup().forEach((g, n) -> group(g)[0] = n);
    }
  }

  boolean ended() {
    return endNanos != Long.MIN_VALUE;
  }

  void taskStarted(int groupId, TaskTable table, long at) {
    counts(groupId, table)[2]++;
    running++;
    firstTaskStart = Math.min(firstTaskStart, at);
  }

  /** A task ended; {@code wasRunning} if its start was counted by {@link #taskStarted}. */
  void taskDone(int groupId, TaskTable table, boolean failed, boolean wasRunning) {
    counts(groupId, table)[failed ? 3 : 1]++;
    if (wasRunning) {
      taskStopped(groupId, table);
    }
  }

  /**
   * A task counted by {@link #taskStarted} no longer runs, and is not done by this call: a
   * counted task of the task stream, whose end comes in its span's counts.
   */
  void taskStopped(int groupId, TaskTable table) {
    int[] g = counts(groupId, table);
    if (g[2] > 0) {
      g[2]--;
      running--;
    }
  }

  /** {@code n} tasks of a group ended, none failed, none counted as running; nothing if n is 0. */
  void tasksDone(int groupId, TaskTable table, int n) {
    if (n > 0) {
      counts(groupId, table)[1] += n;
    }
  }

  /**
   * A bar of the task stream ended on {@code row}: one task, or {@code tasks} short ones timed
   * together. Busy time is the sum of bars; the longest task is taken from bars of one task.
   */
  void bar(int row, long start, long end, int tasks) {
    long d = end - start;
    if (row >= rows.length) {
      rows = java.util.Arrays.copyOf(rows, Math.max(row + 1, rows.length * 2));
    }
    long[] r = rows[row];
    if (r == null) {
      r = rows[row] = new long[2];
      rowsUsed++;
    }
    r[0] += d;
    r[1] += tasks;
    busyNanos += d;
    if (tasks == 1) {
      longestNanos = Math.max(longestNanos, d);
    }
    firstTaskStart = Math.min(firstTaskStart, start);
    lastTaskEnd = Math.max(lastTaskEnd, end);
  }

  /** When the run ends, tasks still marked running never finished: they no longer run. */
  void clearRunning() {
    for (int[] g : groups.values()) {
      g[2] = 0;
    }
    running = 0;
  }

  /** The start of the run's time span: its STARTED event or its first task, whichever is first. */
  long spanStart() {
    return Math.min(startNanos, firstTaskStart);
  }

  /**
   * The end of its span: its end event or its last task, whichever is last (a failed run ends
   * as soon as one task throws, and a sibling still running reports after that), else now.
   */
  long spanEnd(long now) {
    return Math.max(ended() ? endNanos : now, lastTaskEnd);
  }

  /** Rows (threads) that ran tasks of this run. */
  int rowsUsed() {
    return rowsUsed;
  }

  /**
   * The counts of a group by its task stream id ({@link TaskTable#groupOf}): an array index per
   * task instead of a string lookup (groups alternate task by task in most graphs).
   */
  private int[] counts(int groupId, TaskTable table) {
    int[] c = groupId < byId.length ? byId[groupId] : null;
    return c != null ? c : newCounts(groupId, table.group(groupId));
  }

  private int[] newCounts(int groupId, String name) {
    if (groupId >= byId.length) {
      byId = java.util.Arrays.copyOf(byId, Math.max(groupId + 1, byId.length * 2));
    }
    return byId[groupId] = group(name);
  }

  private int[] group(String name) {
    return groups.computeIfAbsent(name, k -> new int[] {-1, 0, 0, 0});
  }
}
