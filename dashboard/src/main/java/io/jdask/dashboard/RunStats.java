package io.jdask.dashboard;

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
  /** task stream row -> {busy nanos, tasks}, null for rows this run did not use. */
  long[][] rows = new long[8][];
  private int rowsUsed;
  // The last group looked up: tasks of one group come in runs, and a group's name is usually
  // the same String object in every event, so an identity check saves most map lookups.
  private String lastGroup;
  private int[] lastCounts;

  RunStats(long id) {
    this.id = id;
  }

  void started(String backendName, int total, Map<String, Integer> perGroup, long at) {
    backend = backendName;
    totalTasks = total;
    startNanos = Math.min(startNanos, at);
    perGroup.forEach((g, n) -> group(g)[0] = n);
  }

  void ended(String kind, String err, long at) {
    state = kind;
    error = err;
    endNanos = at;
  }

  boolean ended() {
    return endNanos != Long.MIN_VALUE;
  }

  void taskStarted(String group, long at) {
    group(group)[2]++;
    running++;
    firstTaskStart = Math.min(firstTaskStart, at);
  }

  /** A task ended; {@code wasRunning} if its start was counted by {@link #taskStarted}. */
  void taskEnded(String group, int row, long start, long end, boolean failed, boolean wasRunning) {
    int[] g = group(group);
    g[failed ? 3 : 1]++;
    if (wasRunning && g[2] > 0) {
      g[2]--;
      running--;
    }
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
    r[1]++;
    busyNanos += d;
    longestNanos = Math.max(longestNanos, d);
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

  private int[] group(String name) {
    if (name == lastGroup) {
      return lastCounts;
    }
    int[] counts = groups.computeIfAbsent(name, k -> new int[] {-1, 0, 0, 0});
    lastGroup = name;
    lastCounts = counts;
    return counts;
  }
}
