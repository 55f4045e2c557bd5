package io.jdask.dashboard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every bar of the task stream, as columns (one primitive array per field) rather than one
 * object per task: 100,000 tasks cost a few MB, and a batch for the browser is a slice of each
 * column. Rows (worker threads) and groups are interned to small ints in order of first sight,
 * so a client that has seen rows 0..n-1 only needs the new ones. Owned by the dashboard thread.
 *
 * <p>Keys are stored compactly. Most keys are {@code group-<16 hex digits>} (a {@code Delayed}
 * call's group and token): for those only the token is kept, as a long, and the string is
 * rebuilt when a view asks for it; other keys (a {@code TaskGraph}'s own) are kept as strings.
 * Keeping a string per bar made the collector copy 200,000 strings per computation of a
 * 200,000-task tree while the workers waited; measured, that was most of the dashboard's cost.
 */
final class TaskTable {
  /** Bars kept at most; past it, new bars are counted and dropped (a week-long session must not fill the heap). */
  static final int MAX_BARS = 2_000_000;

  private final List<String> rowWorkers = new ArrayList<>();
  private final List<String> rowThreads = new ArrayList<>();
  /** thread -> worker -> row; nested rather than a concatenated key, to look up without allocating. */
  private final Map<String, Map<String, Integer>> rowIds = new HashMap<>();
  private final List<String> groups = new ArrayList<>();
  private final Map<String, Integer> groupIds = new HashMap<>();

  // The columns are pages of PAGE bars, added as bars come: grown by doubling, as they were,
  // each column was copied whole at every doubling, up to 16 MB an array near MAX_BARS, and every
  // array of half a G1 region or more is humongous (see io.jdask.graph.Pages); on the trivial
  // tree, the copies were a fifth of the dashboard thread's CPU samples.
  private static final int PAGE_SHIFT = 14;
  private static final int PAGE = 1 << PAGE_SHIFT; // 128 KB of longs
  private static final int MASK = PAGE - 1;

  private int size;
  private int capacity; // bars the pages hold
  private int[][] row = new int[0][];
  private int[][] group = new int[0][];
  private long[][] run = new long[0][];
  private long[][] start = new long[0][];
  private long[][] end = new long[0][];
  private boolean[][] failed = new boolean[0][];
  private int[][] tasks = new int[0][];
  /** Marks a bar whose key is kept as a string (the token ffff...ffff is too, harmlessly). */
  private static final long NOT_A_TOKEN = -1L;
  private long[][] token = new long[0][];
  private String[][] key = new String[0][]; // null where the key is group-token
  private long dropped;

  int rowOf(String worker, String thread) {
    // A thread's name is the same String object in each of its events (Thread.getName), so an
    // identity scan of the first rows finds it without hashing.
    int scan = Math.min(rowThreads.size(), 16);
    for (int r = 0; r < scan; r++) {
      if (rowThreads.get(r) == thread && rowWorkers.get(r) == worker) {
        return r;
      }
    }
    Map<String, Integer> byWorker = rowIds.computeIfAbsent(thread, t -> new HashMap<>(2));
    Integer r = byWorker.get(worker);
    if (r == null) {
      r = rowWorkers.size();
      byWorker.put(worker, r);
      rowWorkers.add(worker);
      rowThreads.add(thread);
    }
    return r;
  }

  int groupOf(String name) {
    int scan = Math.min(groups.size(), 16);
    for (int g = 0; g < scan; g++) {
      if (groups.get(g) == name) { // a group's name is usually one shared String object
        return g;
      }
    }
    Integer g = groupIds.get(name);
    if (g == null) {
      g = groups.size();
      groupIds.put(name, g);
      groups.add(name);
    }
    return g;
  }

  /**
   * A bar: one task, or {@code tasks} consecutive short ones timed together, named by the first.
   * Its key is {@code key}, or, when that is null, {@code group-keyToken}.
   */
  void add(long runId, int row, int group, long startNanos, long endNanos, boolean isFailed, int tasks,
      long keyToken, String key) {
    if (bar(runId, row, group, startNanos, endNanos, isFailed)) {
      long t = key == null ? keyToken : groupToken(key, groups.get(group));
      int p = size >>> PAGE_SHIFT;
      int s = size & MASK;
      this.tasks[p][s] = tasks;
      this.token[p][s] = t;
      this.key[p][s] = t != NOT_A_TOKEN ? null : key != null ? key : groups.get(group) + "-ffffffffffffffff";
      size++;
    }
  }

  /** Writes all but the key of bar {@code size}, if there is room; the caller writes the key and counts it. */
  private boolean bar(long runId, int row, int group, long startNanos, long endNanos, boolean isFailed) {
    if (size == MAX_BARS) {
      dropped++;
      return false;
    }
    if (size == capacity) {
      addPage();
    }
    int p = size >>> PAGE_SHIFT;
    int s = size & MASK;
    this.row[p][s] = row;
    this.group[p][s] = group;
    this.run[p][s] = runId;
    this.start[p][s] = startNanos;
    this.end[p][s] = endNanos;
    this.failed[p][s] = isFailed;
    return true;
  }

  private void addPage() {
    int p = capacity >>> PAGE_SHIFT;
    if (p == start.length) {
      int n = Math.max(4, 2 * p);
      this.row = Arrays.copyOf(this.row, n);
      this.group = Arrays.copyOf(this.group, n);
      this.run = Arrays.copyOf(this.run, n);
      this.start = Arrays.copyOf(this.start, n);
      this.end = Arrays.copyOf(this.end, n);
      this.failed = Arrays.copyOf(this.failed, n);
      this.tasks = Arrays.copyOf(this.tasks, n);
      this.key = Arrays.copyOf(this.key, n);
      this.token = Arrays.copyOf(this.token, n);
    }
    this.row[p] = new int[PAGE];
    this.group[p] = new int[PAGE];
    this.run[p] = new long[PAGE];
    this.start[p] = new long[PAGE];
    this.end[p] = new long[PAGE];
    this.failed[p] = new boolean[PAGE];
    this.tasks[p] = new int[PAGE];
    this.key[p] = new String[PAGE];
    this.token[p] = new long[PAGE];
    capacity += PAGE;
  }

  int size() {
    return size;
  }

  long dropped() {
    return dropped;
  }

  int rowCount() {
    return rowWorkers.size();
  }

  String rowWorker(int r) {
    return rowWorkers.get(r);
  }

  String rowThread(int r) {
    return rowThreads.get(r);
  }

  List<String> groups() {
    return groups;
  }

  String group(int g) {
    return groups.get(g);
  }

  int row(int i) {
    return row[i >>> PAGE_SHIFT][i & MASK];
  }

  int groupAt(int i) {
    return group[i >>> PAGE_SHIFT][i & MASK];
  }

  long run(int i) {
    return run[i >>> PAGE_SHIFT][i & MASK];
  }

  long start(int i) {
    return start[i >>> PAGE_SHIFT][i & MASK];
  }

  long end(int i) {
    return end[i >>> PAGE_SHIFT][i & MASK];
  }

  boolean failed(int i) {
    return failed[i >>> PAGE_SHIFT][i & MASK];
  }

  /** Tasks in bar {@code i}: 1, or more for short tasks timed together. */
  int tasks(int i) {
    return tasks[i >>> PAGE_SHIFT][i & MASK];
  }

  String key(int i) {
    String k = key[i >>> PAGE_SHIFT][i & MASK];
    if (k != null) {
      return k;
    }
    String hex = Long.toHexString(token[i >>> PAGE_SHIFT][i & MASK]);
    return groups.get(groupAt(i)) + "-" + "0".repeat(16 - hex.length()) + hex;
  }

  /**
   * The token of a key that is {@code group-} and 16 lower-case hex digits (exactly what {@link
   * #key} rebuilds), parsed in the same pass that checks it; else {@link #NOT_A_TOKEN}.
   */
  private static long groupToken(String key, String group) {
    int n = group.length();
    if (key.length() != n + 17 || key.charAt(n) != '-' || !key.startsWith(group)) {
      return NOT_A_TOKEN;
    }
    long t = 0;
    for (int i = n + 1; i < key.length(); i++) {
      char c = key.charAt(i);
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) {
        return NOT_A_TOKEN;
      }
      t = t << 4 | d;
    }
    return t; // ffff...ffff equals NOT_A_TOKEN: that one key is kept as a string, which is still right
  }
}
