package io.jdask.dashboard;

import io.jdask.spi.TaskEvent;
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
 * <p>Key strings are made late. An in-process event formats its key on demand (tens of ns and
 * two allocations), and the dashboard thread shares the machine with the workers, so while a
 * computation runs and no page asks for keys, the key column holds the event itself; {@link
 * #materializeKeys} turns them into strings when the machine is idle (no run in progress), or
 * when a view needs them. The events only keep alive tasks that the running graph holds anyway.
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

  private int size;
  private int[] row = new int[1024];
  private int[] group = new int[1024];
  private long[] run = new long[1024];
  private long[] start = new long[1024];
  private long[] end = new long[1024];
  private boolean[] failed = new boolean[1024];
  private Object[] key = new Object[1024]; // a String, or the TaskEvent to read it from
  private int materialized; // keys below this index are strings
  private long dropped;

  int rowOf(String worker, String thread) {
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
    Integer g = groupIds.get(name);
    if (g == null) {
      g = groups.size();
      groupIds.put(name, g);
      groups.add(name);
    }
    return g;
  }

  /** Adds a bar; {@code taskKey} is its key, or a {@code TaskEvent} to read the key from later. */
  void add(long runId, int row, int group, long startNanos, long endNanos, boolean isFailed, Object taskKey) {
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
    Object k = key[i];
    if (k instanceof TaskEvent e) {
      String s = e.key();
      key[i] = s;
      return s;
    }
    return (String) k;
  }

  /** Turns every pending key into its string, dropping the event it came from. */
  void materializeKeys() {
    for (int i = materialized; i < size; i++) {
      key(i);
    }
    materialized = size;
  }

  /** Bars whose key is still an event. */
  int pendingKeys() {
    return size - materialized;
  }
}
