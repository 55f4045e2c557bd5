package io.jdask.dashboard;

import io.jdask.graph.Plan;
import io.jdask.spi.RunEvent;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskRecords;
import io.jdask.spi.TaskStreamReader;
import io.jdask.spi.WorkerEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Everything the pages show, built from events only: the task stream ({@link TaskTable}), one
 * {@link RunStats} per computation, the workers, and the graph page's graph. One thread (the
 * dashboard's, or a report's) applies events and asks for views; nothing here is thread-safe.
 *
 * <p>Times leave the model as milliseconds since {@code origin} (epoch nanoseconds), as doubles
 * rounded to the microsecond: small numbers for JSON and for the browser's float arithmetic.
 */
final class StreamModel {
  /** Runs kept in the status; older ones keep their bars but leave the run list. */
  static final int MAX_RUNS = 50;

  private final long origin;
  private final TaskTable table = new TaskTable();
  private final LinkedHashMap<Long, RunStats> runs = new LinkedHashMap<>();
  /** row -> the task running on it now, or null. */
  private Now[] running = new Now[16];
  /** row -> the first task of the span being read on it: its group, and its key (token, or string when given whole). */
  private int[] spanGroup = new int[16];
  private long[] spanStart = new long[16];
  private int[] spanTasks = new int[16];
  private long[] spanKeyId = new long[16];
  private String[] spanKey = new String[16];
  // The row of the last record: a thread's records come in runs, so most lookups end here.
  private Thread lastThread;
  private String lastWorker;
  private int lastRow;
  private String recentName0;
  private String recentName1;
  private int recentGroup0;
  private int recentGroup1;
  private final Map<String, Set<Integer>> workerRows = new LinkedHashMap<>();
  private final Map<String, WorkerEvent> remoteWorkers = new LinkedHashMap<>();
  private GraphView graph;
  /** True once a graph was given to showGraph: it stays, and runs no longer replace it. */
  private boolean graphPinned;
  /**
   * What the graph page says when there is no graph to draw, made when the page asks: a
   * String.format per run was about a sixth of this thread's CPU on the trivial tree
   * (async-profiler).
   */
  private Supplier<String> graphNote = () -> String.format(Locale.ROOT, "no run yet: the graph page draws the latest run of at"
      + " most %,d tasks, or the graph given to dashboard.showGraph(outputs)", GraphView.MAX_NODES);
  private RunStats lastRun; // events come in runs of one computation: saves a boxed map lookup

  StreamModel(long originEpochNanos) {
    this.origin = originEpochNanos;
  }

  void apply(Object event) {
    if (event instanceof TaskEvent t) {
      task(t);
    } else if (event instanceof RunEvent r) {
      run(r);
    } else if (event instanceof WorkerEvent w) {
      remoteWorkers.put(w.worker(), w);
    } else if (event instanceof TaskStreamReader.CountedTask c) {
      countedRunning(c);
    }
  }

  /**
   * A counted task of this JVM found running across two looks (a long one in a span of short
   * ones): shown running on its row until the next record of that row, which comes after it.
   */
  private void countedRunning(TaskStreamReader.CountedTask c) {
    RunStats run = runs.get(c.runId());
    if (run == null || run.ended()) {
      return; // seen late: its run is over
    }
    int row = rowOf(c.worker(), c.thread());
    Now now = running[row];
    if (now != null) {
      if (!now.counted() || now.run() == c.runId() && now.node() == c.node()) {
        return; // a task with a record runs there (this look was stale), or it is shown already
      }
      countedStopped(row);
    }
    int g = table.groupOf(c.group());
    running[row] = new Now(c.runId(), c.node(), c.sinceNanos(), table.group(g), c.key(), true);
    run.taskStarted(g, table, c.sinceNanos());
  }

  /** The counted task shown running on {@code row} ended: its span's counts will say so. */
  private void countedStopped(int row) {
    Now now = running[row];
    running[row] = null;
    RunStats run = runs.get(now.run());
    if (run != null) {
      run.taskStopped(table.groupOf(now.group()), table);
    }
  }

  /** Shows this graph from now on, whatever runs next (showGraph). */
  void graph(GraphView g) {
    graph = g;
    graphPinned = true;
  }

  /** A task of another JVM, from its events. */
  private void task(TaskEvent e) {
    if (graph != null && graph.follows(e.runId())) { // before e.key(): making a key costs
      graph.state(e.runId(), e.key(), e.state());
    }
    if (e.state() == TaskEvent.State.RELEASED) {
      return;
    }
    int row = row(e.worker(), e.thread());
    RunStats run = runStats(e.runId());
    if (e.state() == TaskEvent.State.STARTED) {
      int group = table.groupOf(e.group());
      run.taskStarted(group, table, e.startNanos());
      running[row] = new Now(e.runId(), -1, e.startNanos(), e.group(), e.key(), false);
      return;
    }
    Now now = running[row];
    boolean wasRunning = now != null && now.run == e.runId() && now.start == e.startNanos();
    if (wasRunning) {
      running[row] = null;
    }
    boolean failed = e.state() == TaskEvent.State.FAILED;
    int group = table.groupOf(e.group());
    run.taskDone(group, table, failed, wasRunning);
    run.bar(row, e.startNanos(), e.endNanos(), 1);
    table.add(e.runId(), row, group, e.startNanos(), e.endNanos(), failed, 1, 0, e.key());
  }

  /**
   * Tasks of this JVM, from the task stream: a slice of one thread's log, its last task
   * possibly still running (then handed again next time). Every task counts in the progress; a
   * bar is added when a span closes (one task, or several short ones timed together, named after
   * the first). Keys are read only for running tasks and keys given whole; a generated key is
   * kept as its group and token. This loop runs for every task on a core the workers need too,
   * so it reads columns and looks up nothing per task that it can look up per run.
   */
  void records(TaskRecords b) {
    Thread thread = b.thread();
    int n = b.size();
    int i = 0;
    while (i < n) { // one segment per run (a thread may run tasks of several in one slice)
      long runId = b.runId(i);
      int row = rowOf(b.worker(i), thread);
      int to = i + 1;
      while (to < n && b.sameRunAsPrevious(to)) {
        to++;
      }
      i = segment(b, i, to, runId, row, runStats(runId), graph != null && graph.follows(runId));
    }
  }

  /**
   * Records {@code from .. to - 1} of one run on one row. The row's span state stays in locals,
   * and reaches the row's arrays once per segment. Returns {@code to}.
   */
  private int segment(TaskRecords b, int from, int to, long runId, int row, RunStats run, boolean followed) {
    if (running[row] != null && running[row].counted()) {
      countedStopped(row); // a record of this row: the counted task before it has ended
    }
    long start = spanStart[row];
    int tasks = spanTasks[row];
    for (int i = from; i < to; i++) {
      boolean opens = b.opensSpan(i);
      if (opens) {
        start = b.startNanos(i);
        tasks = 0;
      }
      boolean failed = false;
      if (b.counted(i)) {
        // Tasks of one group counted inside the span: no key, never running, never failed.
        int k = b.tasks(i);
        if (k > 0) {
          run.tasksDone(groupOf(b.group(i)), table, k);
          tasks += k;
        }
      } else {
        // Only the first task of a slice can have been handed before, as running.
        boolean wasRunning = i == 0 && running[row] != null && running[row].is(runId, b.node(i), start);
        if (b.running(i)) {
          if (!wasRunning) {
            int g = table.groupOf(b.group(i));
            running[row] = new Now(runId, b.node(i), start, table.group(g), b.key(i), false);
            run.taskStarted(g, table, start);
            if (followed) {
              graphState(b, i, TaskEvent.State.STARTED);
            }
          }
          break; // the last of the slice; its span goes on
        }
        failed = b.failed(i);
        int group = groupOf(b, i);
        if (wasRunning) {
          running[row] = null;
        }
        run.taskDone(group, table, failed, wasRunning);
        if (opens) {
          spanOpens(b, i, row, group);
        }
        if (followed) {
          graphState(b, i, failed ? TaskEvent.State.FAILED : TaskEvent.State.FINISHED);
        }
        tasks++;
      }
      if (b.closesSpan(i)) {
        spanCloses(b, i, runId, row, run, start, tasks, failed);
      }
    }
    spanStart[row] = start;
    spanTasks[row] = tasks;
    return to;
  }

  /** Task {@code i} opens a span on {@code row}: the span's bar is named after it. */
  private void spanOpens(TaskRecords b, int i, int row, int group) {
    long keyId = b.keyId(i);
    spanGroup[row] = group;
    spanKeyId[row] = keyId;
    spanKey[row] = keyId == 0 ? b.key(i) : null;
  }

  /** Task {@code i} closes the span on {@code row} that began at {@code start}: its bar. */
  private void spanCloses(TaskRecords b, int i, long runId, int row, RunStats run, long start, int tasks,
      boolean failed) {
    long end = b.endNanos(i);
    run.bar(row, start, end, tasks);
    table.add(runId, row, spanGroup[row], start, end, failed, tasks, spanKeyId[row], spanKey[row]);
  }

  /**
   * The group id of task {@code i}: by the identity of its group's string, which is the same
   * object for every task of a group made by one Delayed function, against the last two seen
   * (groups alternate in most graphs); else through the table.
   */
  private int groupOf(TaskRecords b, int i) {
    return b.keyId(i) != 0 ? groupOf(b.group(i)) : table.groupOf(b.group(i));
  }

  /** The group id of a generated key's group name, as {@link #groupOf(TaskRecords, int)}. */
  private int groupOf(String name) {
    if (name == recentName0) {
      return recentGroup0;
    }
    if (name == recentName1) {
      return recentGroup1;
    }
    int g = table.groupOf(name);
    recentName1 = recentName0;
    recentGroup1 = recentGroup0;
    recentName0 = name;
    recentGroup0 = g;
    return g;
  }

  private int rowOf(String worker, Thread thread) {
    if (thread == lastThread && worker == lastWorker) {
      return lastRow;
    }
    lastThread = thread;
    lastWorker = worker;
    lastRow = row(worker, thread.getName());
    return lastRow;
  }

  private void graphState(TaskRecords b, int i, TaskEvent.State state) {
    if (graph.isRun(b.runId(i))) {
      graph.state(b.runId(i), b.node(i), state);
    } else {
      graph.state(b.runId(i), b.key(i), state); // a shown graph: its own numbering
    }
  }

  private int row(String worker, String thread) {
    int rowsBefore = table.rowCount();
    int row = table.rowOf(worker, thread);
    if (table.rowCount() != rowsBefore) {
      workerRows.computeIfAbsent(worker, w -> new TreeSet<>()).add(row);
      if (row >= running.length) {
        int n = Math.max(row + 1, running.length * 2);
        running = Arrays.copyOf(running, n);
        spanGroup = Arrays.copyOf(spanGroup, n);
        spanStart = Arrays.copyOf(spanStart, n);
        spanTasks = Arrays.copyOf(spanTasks, n);
        spanKeyId = Arrays.copyOf(spanKeyId, n);
        spanKey = Arrays.copyOf(spanKey, n);
      }
    }
    return row;
  }

  /**
   * The task running on a row: its run, node (-1 for another JVM's), start, group and key; {@code
   * counted} if it has no record of its own (its start is then when it was first seen running).
   */
  private record Now(long run, int node, long start, String group, String key, boolean counted) {
    boolean is(long runId, int nodeIndex, long startNanos) {
      return run == runId && node == nodeIndex && start == startNanos;
    }
  }

  private void run(RunEvent e) {
    RunStats run = runStats(e.runId());
    if (e.kind() == RunEvent.Kind.STARTED) {
      run.started(e);
      if (!graphPinned) {
        runGraph(e);
      }
      return;
    }
    run.ended(e.kind().name().toLowerCase(Locale.ROOT), e.error(), e.epochNanos());
    run.clearRunning();
    // Tasks of a failed or cancelled run that never reported back are not running any more.
    for (int i = 0; i < running.length; i++) {
      if (running[i] != null && running[i].run() == e.runId()) {
        running[i] = null;
      }
    }
  }

  /**
   * The latest run replaces the graph: drawn from the plan its STARTED event carries when it is
   * small enough. Built here, on the model's thread, not on the thread that started the run.
   */
  private void runGraph(RunEvent e) {
    Plan plan = e.plan();
    if (plan != null && plan.size() <= GraphView.MAX_NODES) {
      graph = GraphView.of(e.runId(), plan);
      return;
    }
    graph = null;
    long run = e.runId();
    if (plan == null) {
      String backend = e.backend();
      graphNote = () -> "run " + run + " (" + backend + ") published no graph structure";
    } else {
      int size = plan.size();
      graphNote = () -> String.format(Locale.ROOT, "run %d has %,d tasks: the graph page draws runs"
          + " of at most %,d; dashboard.showGraph(outputs) draws the part behind some outputs", run, size,
          GraphView.MAX_NODES);
    }
  }

  private RunStats runStats(long id) {
    if (lastRun != null && lastRun.id == id) {
      return lastRun;
    }
    RunStats r = runs.get(id);
    if (r != null) {
      lastRun = r;
    }
    if (r == null) {
      r = new RunStats(id);
      runs.put(id, r);
      if (runs.size() > MAX_RUNS) {
        Long eldest = runs.keySet().iterator().next();
        runs.remove(eldest);
      }
      lastRun = r;
    }
    return r;
  }

  int bars() {
    return table.size();
  }

  /** Bars {@code from .. min(from + limit, bars) - 1}, with all rows and groups known so far. */
  Views.Tasks tasks(int from, int limit) {
    int to = Math.min(table.size(), from + Math.max(0, limit));
    from = Math.min(Math.max(0, from), to);
    int n = to - from;
    int[] row = new int[n];
    int[] group = new int[n];
    long[] run = new long[n];
    double[] start = new double[n];
    double[] end = new double[n];
    int[] failed = new int[n];
    int[] tasks = new int[n];
    String[] key = new String[n];
    for (int i = 0; i < n; i++) {
      int t = from + i;
      row[i] = table.row(t);
      group[i] = table.groupAt(t);
      run[i] = table.run(t);
      start[i] = ms(table.start(t));
      end[i] = ms(table.end(t));
      failed[i] = table.failed(t) ? 1 : 0;
      tasks[i] = table.tasks(t);
      key[i] = table.key(t);
    }
    return new Views.Tasks("tasks", originEpochMs(), rows(), List.copyOf(table.groups()), from,
        table.size(), table.dropped(), row, group, run, start, end, failed, tasks, key);
  }

  private List<Views.Row> rows() {
    List<Views.Row> rows = new ArrayList<>(table.rowCount());
    for (int r = 0; r < table.rowCount(); r++) {
      rows.add(new Views.Row(r, table.rowWorker(r), table.rowThread(r)));
    }
    return rows;
  }

  Views.Status status(long nowNanos, JvmSampler jvm) {
    List<Views.Run> runViews = new ArrayList<>(runs.size());
    for (RunStats r : runs.values()) {
      runViews.add(runView(r, nowNanos));
    }
    List<Views.Running> now = new ArrayList<>();
    for (int row = 0; row < running.length; row++) {
      Now r = running[row];
      if (r != null) {
        now.add(new Views.Running(row, table.groupOf(r.group()), r.key(), r.run(), ms(r.start())));
      }
    }
    return new Views.Status("status", originEpochMs(), ms(nowNanos), table.size(), runViews, now, workers(nowNanos, jvm));
  }

  Views.Run run(long id, long nowNanos) {
    RunStats r = runs.get(id);
    return r == null ? null : runView(r, nowNanos);
  }

  Views.Graph graphView() {
    return graph == null ? new Views.Graph(-1, List.of(), new int[0][], graphNote.get()) : graph.view();
  }

  List<Views.Worker> workers(long nowNanos, JvmSampler jvm) {
    List<Views.Worker> out = new ArrayList<>();
    for (Map.Entry<String, Set<Integer>> w : workerRows.entrySet()) {
      if (remoteWorkers.containsKey(w.getKey())) {
        continue;
      }
      int tasksRunning = 0;
      for (int row : w.getValue()) {
        tasksRunning += running[row] != null ? 1 : 0;
      }
      out.add(new Views.Worker(w.getKey(), true, w.getValue().size(), tasksRunning, jvm.heapUsed(),
          jvm.heapMax(), jvm.offHeapUsed(), jvm.cpuCores(), ms(nowNanos)));
    }
    if (out.isEmpty() && remoteWorkers.isEmpty()) {
      // Before any task ran, show the JVM the in-process backends will use.
      out.add(new Views.Worker("local", true, 0, 0, jvm.heapUsed(), jvm.heapMax(), jvm.offHeapUsed(),
          jvm.cpuCores(), ms(nowNanos)));
    }
    for (WorkerEvent w : remoteWorkers.values()) {
      out.add(new Views.Worker(w.worker(), false, w.threads(), w.tasksRunning(), w.heapUsedBytes(),
          w.heapMaxBytes(), w.offHeapUsedBytes(), w.cpuLoad(), ms(w.epochNanos())));
    }
    return out;
  }

  private Views.Run runView(RunStats r, long nowNanos) {
    r.totals();
    List<Views.GroupProgress> groups = new ArrayList<>(r.groups.size());
    r.groups.forEach((name, g) -> {
      int total = Math.max(g[0], g[1] + g[2] + g[3]);
      groups.add(new Views.GroupProgress(name, total, g[1], g[2], g[3], total - g[1] - g[2] - g[3]));
    });
    long s = r.spanStart();
    long e = r.spanEnd(nowNanos);
    return new Views.Run(r.id, r.backend, r.state, r.error, r.totalTasks, ms(s), r.ended() ? ms(e) : -1,
        groups, balance(r, s == Long.MAX_VALUE ? 0 : e - s));
  }

  private static Views.Balance balance(RunStats r, long makespan) {
    int threads = r.rowsUsed();
    List<Views.RowBusy> rows = new ArrayList<>(threads);
    for (int row = 0; row < r.rows.length; row++) {
      long[] b = r.rows[row];
      if (b != null) {
        rows.add(new Views.RowBusy(row, b[1], ns(b[0]), makespan > 0 ? round(100.0 * b[0] / makespan) : 0));
      }
    }
    double lower = threads == 0 ? 0 : (double) r.busyNanos / threads;
    return new Views.Balance(threads, ns(makespan), ns(r.busyNanos), ns(Math.round(lower)),
        ns(Math.max(0, (long) threads * makespan - r.busyNanos)),
        makespan > 0 ? round(lower / makespan) : 0, ns(r.longestNanos), rows);
  }

  private double originEpochMs() {
    return origin / 1e6;
  }

  private double ms(long epochNanos) {
    return ns(epochNanos - origin);
  }

  /** Nanoseconds to milliseconds, rounded to the microsecond. */
  private static double ns(long nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }

  private static double round(double x) {
    return Math.round(x * 1e3) / 1e3;
  }
}
