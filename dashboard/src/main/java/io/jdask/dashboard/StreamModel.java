package io.jdask.dashboard;

import io.jdask.graph.Plan;
import io.jdask.spi.RunEvent;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.WorkerEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
  /** row -> the STARTED event of the task running on it now, or null. */
  private TaskEvent[] running = new TaskEvent[16];
  private final Map<String, Set<Integer>> workerRows = new LinkedHashMap<>();
  private final Map<String, WorkerEvent> remoteWorkers = new LinkedHashMap<>();
  private GraphView graph;
  /** True once a graph was given to showGraph: it stays, and runs no longer replace it. */
  private boolean graphPinned;
  /** What the graph page says when there is no graph to draw. */
  private String graphNote = String.format(Locale.ROOT, "no run yet: the graph page draws the latest run of at"
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
    }
  }

  /** Shows this graph from now on, whatever runs next (showGraph). */
  void graph(GraphView g) {
    graph = g;
    graphPinned = true;
  }

  private void task(TaskEvent e) {
    if (graph != null && graph.follows(e.runId())) { // before e.key(): making a key costs
      graph.state(e.runId(), e.key(), switch (e.state()) {
        case STARTED -> "running";
        case FINISHED -> "memory";
        case FAILED -> "failed";
        case RELEASED -> "released";
      });
    }
    if (e.state() == TaskEvent.State.RELEASED) {
      return;
    }
    int rowsBefore = table.rowCount();
    int row = table.rowOf(e.worker(), e.thread());
    if (table.rowCount() != rowsBefore) {
      workerRows.computeIfAbsent(e.worker(), w -> new TreeSet<>()).add(row);
      if (row >= running.length) {
        running = java.util.Arrays.copyOf(running, Math.max(row + 1, running.length * 2));
      }
    }
    RunStats run = runStats(e.runId());
    if (e.state() == TaskEvent.State.STARTED) {
      run.taskStarted(e.group(), e.startNanos());
      running[row] = e;
      return;
    }
    boolean failed = e.state() == TaskEvent.State.FAILED;
    run.taskEnded(e.group(), row, e.startNanos(), e.endNanos(), failed);
    running[row] = null;
    table.add(e.runId(), row, table.groupOf(e.group()), e.startNanos(), e.endNanos(), failed, e.key());
  }



  private void run(RunEvent e) {
    RunStats run = runStats(e.runId());
    if (e.kind() == RunEvent.Kind.STARTED) {
      run.started(e.backend(), e.totalTasks(), e.tasksPerGroup(), e.epochNanos());
      if (!graphPinned) {
        runGraph(e);
      }
      return;
    }
    run.ended(e.kind().name().toLowerCase(Locale.ROOT), e.error(), e.epochNanos());
    run.clearRunning();
    // Tasks of a failed or cancelled run that never reported back are not running any more.
    for (int i = 0; i < running.length; i++) {
      if (running[i] != null && running[i].runId() == e.runId()) {
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
    graphNote = plan == null
        ? "run " + e.runId() + " (" + e.backend() + ") published no graph structure"
        : String.format(Locale.ROOT, "run %d has %,d tasks: the graph page draws runs of at most %,d;"
            + " dashboard.showGraph(outputs) draws the part behind some outputs", e.runId(), plan.size(),
            GraphView.MAX_NODES);
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
    String[] key = new String[n];
    for (int i = 0; i < n; i++) {
      int t = from + i;
      row[i] = table.row(t);
      group[i] = table.groupAt(t);
      run[i] = table.run(t);
      start[i] = ms(table.start(t));
      end[i] = ms(table.end(t));
      failed[i] = table.failed(t) ? 1 : 0;
      key[i] = table.key(t);
    }
    return new Views.Tasks("tasks", originEpochMs(), rows(), List.copyOf(table.groups()), from,
        table.size(), table.dropped(), row, group, run, start, end, failed, key);
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
      TaskEvent r = running[row];
      if (r != null) {
        now.add(new Views.Running(row, table.groupOf(r.group()), r.key(), r.runId(), ms(r.startNanos())));
      }
    }
    return new Views.Status("status", originEpochMs(), ms(nowNanos), table.size(), runViews, now, workers(nowNanos, jvm));
  }

  Views.Run run(long id, long nowNanos) {
    RunStats r = runs.get(id);
    return r == null ? null : runView(r, nowNanos);
  }

  Views.Graph graphView() {
    return graph == null ? new Views.Graph(-1, List.of(), new int[0][], graphNote) : graph.view();
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
