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
 */
final class TaskTable {
  /** Bars kept at most; past it, new bars are counted and dropped (a week-long session must not fill the heap). */
  static final int MAX_BARS = 2_000_000;

  private final List<String> rowWorkers = new ArrayList<>();
  private final List<String> rowThreads = new ArrayList<>();
  private final Map<String, Integer> rowIds = new HashMap<>();
  private final List<String> groups = new ArrayList<>();
  private final Map<String, Integer> groupIds = new HashMap<>();

  private int size;
  private int[] row = new int[1024];
  private int[] group = new int[1024];
  private long[] run = new long[1024];
  private long[] start = new long[1024];
  private long[] end = new long[1024];
  private boolean[] failed = new boolean[1024];
  private String[] key = new String[1024];
  private long dropped;

  int rowOf(String worker, String thread) {
    String id = worker + '\u0000' + thread;
    Integer r = rowIds.get(id);
    if (r == null) {
      r = rowWorkers.size();
      rowIds.put(id, r);
      rowWorkers.add(worker);
      rowThreads.add(thread);
    }
    return r;
  }

  int groupOf(String name) {
    Integer g = groupIds.get(name);
    if (g == null) {
      g = groups.size();
      groupIds.put(name, g);
      groups.add(name);
    }
    return g;
  }

  void add(long runId, int row, int group, long startNanos, long endNanos, boolean isFailed, String taskKey) {
    if (size == MAX_BARS) {
      dropped++;
      return;
    }
    if (size == start.length) {
      int n = Math.min(MAX_BARS, size * 2);
      this.row = Arrays.copyOf(this.row, n);
      this.group = Arrays.copyOf(this.group, n);
      this.run = Arrays.copyOf(this.run, n);
      this.start = Arrays.copyOf(this.start, n);
      this.end = Arrays.copyOf(this.end, n);
      this.failed = Arrays.copyOf(this.failed, n);
      this.key = Arrays.copyOf(this.key, n);
    }
    this.row[size] = row;
    this.group[size] = group;
    this.run[size] = runId;
    this.start[size] = startNanos;
    this.end[size] = endNanos;
    this.failed[size] = isFailed;
    this.key[size] = taskKey;
    size++;
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
    return row[i];
  }

  int groupAt(int i) {
    return group[i];
  }

  long run(int i) {
    return run[i];
  }

  long start(int i) {
    return start[i];
  }

  long end(int i) {
    return end[i];
  }

  boolean failed(int i) {
    return failed[i];
  }

  String key(int i) {
    return key[i];
  }
}
