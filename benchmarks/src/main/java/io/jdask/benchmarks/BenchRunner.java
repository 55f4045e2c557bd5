package io.jdask.benchmarks;

import io.jdask.processes.SerializationBenchmark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs jdask's overhead benchmarks and prints one line per figure, per task: {@link
 * TreeSumBenchmark}, {@link EventOverheadBenchmark}, {@link DashboardOverheadBenchmark}, {@link ChainBenchmark}, {@link BuildBenchmark} through JMH (one fork each),
 * then {@link HeapPerTask} in this JVM. After {@code mvn -q -B -DskipTests package -pl benchmarks
 * -am} from the repository root:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.BenchRunner [--quick] [REGEX]
 * </pre>
 *
 * {@code REGEX} selects benchmarks by name, as JMH does (found anywhere in
 * {@code io.jdask.benchmarks.Class.method}), and {@code HeapPerTask} if it matches that name;
 * {@code --quick} runs 1 warm-up and 2 measured iterations instead of 3 and 5. The full run takes
 * about two minutes on two cores, {@code --quick} about one.
 *
 * <p>{@code io.jdask.processes.SerializationBenchmark} (java.io against Fory and Kryo on the
 * PROCESSES scheduler's messages, about three minutes) is not in the default run: name it, as in
 * {@code BenchRunner SerializationBenchmark}, to get one line per codec and message, in
 * microseconds per message and, for the batch of 64 units, per task. Nor is {@link
 * MatmulBenchmark} (a 4,000 x 4,000 matrix product on THREADS(2), in GFLOP/s): {@code BenchRunner
 * --quick Matmul}.
 */
public final class BenchRunner {
  /**
   * The flags every jdask JVM gets (the parent pom's {@code jdask.jvm.flags}), so the forks run
   * as a user's JVM would, and a fixed heap so that GC behaves the same from run to run.
   */
  static final String[] FORK_JVM_ARGS = {
    "-XX:+IgnoreUnrecognizedVMOptions",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow",
    "--enable-native-access=ALL-UNNAMED",
    "-Xmx2g",
  };

  static final double TREE_TARGET_US = 5.0;
  static final double HEAP_TARGET_BYTES = 300.0;
  static final double EVENTS_TARGET_PCT = 5.0;
  static final double PROCESSES_TARGET_US = 50.0;
  static final double SPEEDUP_TARGET = 1.8;
  static final double BANDWIDTH_TARGET_PCT = 80.0;
  static final double RSS_TARGET_GB = 1.5;

  /** Run when named only (see {@link #runJmh}). */
  static final List<Class<?>> ARRAY_BENCHMARKS = List.of(MemoryBandwidthBenchmark.class,
      ArrayReductionBenchmark.class, TransposeAddBenchmark.class, OutOfCoreBenchmark.class, MatmulBenchmark.class);

  private BenchRunner() {}

  public static void main(String[] args) throws RunnerException {
    boolean quick = false;
    String filter = null;
    for (String a : args) {
      if (a.equals("--quick")) {
        quick = true;
      } else if (a.startsWith("-") || filter != null) {
        System.err.println("usage: BenchRunner [--quick] [REGEX]");
        System.exit(2);
      } else {
        filter = a;
      }
    }
    List<String> lines = new ArrayList<>();
    lines.addAll(runJmh(filter, quick));
    if (filter == null || Pattern.compile(filter).matcher(HeapPerTask.class.getSimpleName()).find()) {
      lines.addAll(runHeap(quick));
    }
    if (filter == null || Pattern.compile(filter).matcher(WorkerStart.class.getSimpleName()).find()) {
      WorkerStart.Stat st = WorkerStart.measure(quick ? 2 : 5);
      lines.add(String.format(Locale.ROOT, "%-44s %8.0f ms  (first compute on a fresh PROCESSES(2), median; range %.0f-%.0f ms)",
          "processes.workerStart", st.median(), st.min(), st.max()));
      WorkerStart.Stat cold = WorkerStart.measureColdCpu(quick ? 1 : 3);
      lines.add(String.format(Locale.ROOT, "%-44s %8.0f ms  (200 tasks of ~10 ms, first compute after the workers start, median; range %.0f-%.0f ms)",
          "processes.cpu200.cold", cold.median(), cold.min(), cold.max()));
    }
    System.out.println();
    System.out.println("jdask overhead (" + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + Runtime.version() + (quick ? ", --quick" : "") + ")");
    if (lines.isEmpty()) {
      System.out.println("  nothing matched '" + filter + "'");
    }
    lines.forEach(l -> System.out.println("  " + l));
  }

  private static List<String> runJmh(String filter, boolean quick) throws RunnerException {
    String all = Pattern.quote(BenchRunner.class.getPackageName() + ".");
    String processes = Pattern.quote(ProcessesBenchmark.class.getName() + ".");
    ChainedOptionsBuilder first = new OptionsBuilder()
        .include(filter == null ? all : filter)
        .exclude(processes);
    for (Class<?> c : ARRAY_BENCHMARKS) {
      first.exclude(Pattern.quote(c.getName() + "."));
    }
    List<RunResult> results = new ArrayList<>();
    results.addAll(runPass(first
        .warmupIterations(quick ? 1 : 3)
        .measurementIterations(quick ? 2 : 5)
        .measurementTime(TimeValue.seconds(1))));
    // The array benchmarks are not overhead figures: gigabytes per run, seconds per operation,
    // minutes in all. They run when named, with fewer iterations of one operation or more each,
    // and with room for their chunks in direct memory (which the JVM caps at the heap size).
    if (filter != null) {
      ChainedOptionsBuilder arrays = new OptionsBuilder();
      boolean any = false;
      for (Class<?> c : ARRAY_BENCHMARKS) {
        if (Pattern.compile(filter).matcher(c.getName()).find()) {
          arrays.include(Pattern.quote(c.getName() + "."));
          any = true;
        }
      }
      if (any) {
        results.addAll(runPass(arrays
            .warmupIterations(quick ? 1 : 2)
            .measurementIterations(quick ? 2 : 3)
            .measurementTime(TimeValue.seconds(1)), "-XX:MaxDirectMemorySize=16g"));
      }
    }
    // Fresh worker JVMs reach steady state slowly: at about a hundred messages a second, their
    // serialization and scheduling code is compiled by C2 over some ten seconds, and on two cores
    // that compilation takes CPU from the tasks. JMH's figure is the steady state, so this class
    // gets a longer warm-up; the cold figure (first compute on fresh workers) is printed apart.
    List<String> selected = new ArrayList<>();
    for (String method : List.of("trivialTasks", "cpuBoundTasks")) {
      String name = ProcessesBenchmark.class.getName() + "." + method;
      if (filter == null || Pattern.compile(filter).matcher(name).find()) {
        selected.add(Pattern.quote(name) + "$");
      }
    }
    if (!selected.isEmpty()) {
      ChainedOptionsBuilder b = new OptionsBuilder();
      selected.forEach(b::include);
      results.addAll(runPass(b
          .warmupIterations(quick ? 3 : 12)
          .measurementIterations(quick ? 2 : 5)
          .measurementTime(TimeValue.seconds(2))));
    }
    List<String> lines = new ArrayList<>();
    double eventsOff = Double.NaN;
    double eventsOn = Double.NaN;
    double none = Double.NaN;
    double dashboard = Double.NaN;
    for (RunResult r : results) {
      lines.add(describe(r));
      if (r.getParams().getBenchmark().endsWith("DashboardOverheadBenchmark.compute")) {
        double us = toMicros(r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreUnit());
        if (r.getParams().getParam("listener").equals("dashboard")) {
          dashboard = us;
        } else {
          none = us;
        }
      }
      if (r.getParams().getBenchmark().endsWith("EventOverheadBenchmark.compute")) {
        double us = toMicros(r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreUnit());
        if (r.getParams().getParam("events").equals("on")) {
          eventsOn = us;
        } else {
          eventsOff = us;
        }
      }
    }
    double cpuSync = Double.NaN;
    double cpuProcesses = Double.NaN;
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith("ProcessesBenchmark.cpuBoundTasks")) {
        double us = toMicros(r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreUnit());
        if (r.getParams().getParam("scheduler").equals("sync")) {
          cpuSync = us;
        } else {
          cpuProcesses = us;
        }
      }
    }
    if (!Double.isNaN(cpuSync) && !Double.isNaN(cpuProcesses)) {
      double speedup = cpuSync / cpuProcesses;
      lines.add(String.format(Locale.ROOT, "%-44s %8.2f x         (SYNC / PROCESSES(2), 200 tasks of ~10 ms)",
          "processes.cpu200.speedup", speedup)
          + (speedup >= SPEEDUP_TARGET ? "  [target >= 1.8 x: met]" : "  [target >= 1.8 x: MISSED]"));
    }
    lines.addAll(ArrayFigures.summarize(results));
    if (!Double.isNaN(eventsOff) && !Double.isNaN(eventsOn)) {
      double pct = 100 * (eventsOn / eventsOff - 1);
      lines.add(String.format(Locale.ROOT, "%-44s %+8.1f %%        (listener on vs off, same graph)",
          "events.threads2.overhead", pct) + target(pct, EVENTS_TARGET_PCT, "%"));
    }
    if (!Double.isNaN(none) && !Double.isNaN(dashboard)) {
      double pct = 100 * (dashboard / none - 1);
      lines.add(String.format(Locale.ROOT, "%-44s %+8.1f %%        (dashboard vs no listener, same graph)",
          "dashboard.threads2.overhead", pct) + target(pct, EVENTS_TARGET_PCT, "%"));
    }
    return lines;
  }

  private static Collection<RunResult> runPass(ChainedOptionsBuilder builder, String... extraJvmArgs)
      throws RunnerException {
    String[] jvmArgs = Arrays.copyOf(FORK_JVM_ARGS, FORK_JVM_ARGS.length + extraJvmArgs.length);
    System.arraycopy(extraJvmArgs, 0, jvmArgs, FORK_JVM_ARGS.length, extraJvmArgs.length);
    Options options = builder
        .forks(1)
        .warmupTime(TimeValue.seconds(1))
        .jvmArgsAppend(jvmArgs)
        .shouldFailOnError(true)
        .build();
    try {
      return new Runner(options).run();
    } catch (NoBenchmarksException e) {
      return List.of(); // the filter selected only HeapPerTask, or nothing
    }
  }

  /** One line for one JMH result: time per task, from time per operation. */
  private static String describe(RunResult r) {
    String benchmark = r.getParams().getBenchmark();
    String cls = benchmark.substring(0, benchmark.lastIndexOf('.'));
    String method = benchmark.substring(cls.length() + 1);
    cls = cls.substring(cls.lastIndexOf('.') + 1);
    Result<?> result = r.getPrimaryResult();
    double opUs = toMicros(result.getScore(), result.getScoreUnit());
    double errUs = toMicros(result.getScoreError(), result.getScoreUnit());
    switch (cls) {
      case "TreeSumBenchmark" -> {
        String sched = r.getParams().getParam("scheduler");
        int tasks = TreeSumBenchmark.TASKS;
        String line = perTaskUs("tree100k." + sched + "." + method + ".perTask", opUs, errUs, tasks, "compute");
        return sched.equals("threads2") ? line + target(opUs / tasks, TREE_TARGET_US, "us") : line;
      }
      case "EventOverheadBenchmark" -> {
        String label = "events.threads2." + r.getParams().getParam("events") + ".perTask";
        return perTaskUs(label, opUs, errUs, TreeSumBenchmark.TASKS, "compute");
      }
      case "ProcessesBenchmark" -> {
        String sched = r.getParams().getParam("scheduler");
        if (method.equals("trivialTasks")) {
          String line = perTaskUs("processes.trivial10k." + sched + ".perTask", opUs, errUs,
              ProcessesBenchmark.TRIVIAL, "compute");
          return sched.equals("processes2") ? line + target(opUs / ProcessesBenchmark.TRIVIAL, PROCESSES_TARGET_US, "us") : line;
        }
        return String.format(Locale.ROOT, "%-44s %8.1f ms/compute  (%s, %d tasks of ~10 ms)",
            "processes.cpu200." + sched, opUs / 1e3, error(errUs / 1e3, 1), ProcessesBenchmark.CPU_TASKS);
      }
      case "DashboardOverheadBenchmark" -> {
        String label = "dashboard.threads2." + r.getParams().getParam("listener") + ".perTask";
        return perTaskUs(label, opUs, errUs, TreeSumBenchmark.TASKS, "compute");
      }
      case "ChainBenchmark" -> {
        String fuse = Boolean.parseBoolean(r.getParams().getParam("fuse")) ? "fuseOn" : "fuseOff";
        String label = "chain10k." + r.getParams().getParam("scheduler") + "." + fuse + ".perTask";
        return perTaskUs(label, opUs, errUs, ChainBenchmark.LENGTH, "compute");
      }
      case "BuildBenchmark" -> {
        int tasks = BuildBenchmark.TASKS;
        return String.format(Locale.ROOT, "%-44s %8.1f ns/task  (%s, %,d tasks; %.1f ms per %s)",
            "build100k." + method + ".perTask", opUs * 1e3 / tasks, error(errUs * 1e3 / tasks, 1), tasks,
            opUs / 1e3, method.equals("lower") ? "lowering" : "build");
      }
      case "MemoryBandwidthBenchmark", "ArrayReductionBenchmark", "TransposeAddBenchmark", "OutOfCoreBenchmark" -> {
        return ArrayFigures.describe(cls, method, r, opUs, errUs);
      }
      case "MatmulBenchmark" -> {
        double s = opUs / 1e6;
        double lo = MatmulBenchmark.FLOP / ((opUs + errUs) / 1e6) / 1e9;
        double hi = MatmulBenchmark.FLOP / ((opUs - errUs) / 1e6) / 1e9;
        return String.format(Locale.ROOT, "%-44s %8.2f GFLOP/s  (%s; %.2f s per compute of x.matmul(y).sum(), %,d x %,d in %,d x %,d chunks)",
            "matmul4k.threads2", MatmulBenchmark.FLOP / s / 1e9,
            Double.isNaN(errUs) ? "±n/a" : String.format(Locale.ROOT, "%.2f-%.2f", lo, hi), s,
            MatmulBenchmark.N, MatmulBenchmark.N, MatmulBenchmark.CHUNK, MatmulBenchmark.CHUNK);
      }
      case "SerializationBenchmark" -> {
        // Round trip (encode + decode) of one PROCESSES message; a batched Execute also per task.
        String label = "ser." + r.getParams().getParam("codec") + "." + method;
        if (method.equals("execute64")) {
          int tasks = SerializationBenchmark.BATCH;
          return String.format(Locale.ROOT, "%-44s %8.3f us/task  (%s, %d tasks; %.1f us per message)",
              label + ".perTask", opUs / tasks, error(errUs / tasks, 3), tasks, opUs);
        }
        return String.format(Locale.ROOT, "%-44s %8.3f us/msg   (%s, encode + decode)", label, opUs, error(errUs, 3));
      }
      default -> {
        return String.format(Locale.ROOT, "%-44s %10.3f %s", benchmark, result.getScore(), result.getScoreUnit());
      }
    }
  }

  private static String perTaskUs(String label, double opUs, double errUs, int tasks, String op) {
    return String.format(Locale.ROOT, "%-44s %8.3f us/task  (%s, %,d tasks; %.1f ms per %s)",
        label, opUs / tasks, error(errUs / tasks, 3), tasks, opUs / 1e3, op);
  }

  /** JMH's 99.9% confidence half-width; it has none for fewer than three iterations (--quick). */
  private static String error(double err, int decimals) {
    return Double.isNaN(err) ? "±n/a" : String.format(Locale.ROOT, "±%." + decimals + "f", err);
  }

  private static List<String> runHeap(boolean quick) {
    List<String> lines = new ArrayList<>();
    int tasks = HeapPerTask.TASKS;
    HeapPerTask.Stat delayed = HeapPerTask.delayedBytesPerTask();
    lines.add(bytesLine("heap1m.delayed.perTask", delayed, tasks));
    HeapPerTask.Stat task = HeapPerTask.taskBytesPerTask();
    lines.add(bytesLine("heap1m.task.perTask", task, tasks));
    HeapPerTask.Stat ms = HeapPerTask.computeMillisThreads2(quick ? 1 : 3, quick ? 3 : 5);
    lines.add(String.format(Locale.ROOT,
        "%-44s %8.3f us/task  (%.0f ms per compute, median; range %.0f-%.0f ms, %,d tasks)",
        "compute1m.threads2.perTask", ms.median() * 1e3 / tasks, ms.median(), ms.min(), ms.max(), tasks));
    return lines;
  }

  private static String bytesLine(String label, HeapPerTask.Stat s, int tasks) {
    return String.format(Locale.ROOT, "%-44s %8.1f bytes/task  (median; range %.1f-%.1f, %,d tasks)",
        label, s.median(), s.min(), s.max(), tasks) + target(s.median(), HEAP_TARGET_BYTES, "bytes");
  }

  private static String target(double value, double limit, String unit) {
    return value < limit
        ? String.format(Locale.ROOT, "  [target < %s %s: met]", fmt(limit), unit)
        : String.format(Locale.ROOT, "  [target < %s %s: MISSED by %.0f%%]", fmt(limit), unit, 100 * (value / limit - 1));
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  static double toMicros(double value, String unit) {
    return switch (unit) {
      case "ns/op" -> value / 1e3;
      case "us/op" -> value;
      case "ms/op" -> value * 1e3;
      case "s/op" -> value * 1e6;
      default -> throw new IllegalStateException("unexpected JMH unit " + unit);
    };
  }
}
