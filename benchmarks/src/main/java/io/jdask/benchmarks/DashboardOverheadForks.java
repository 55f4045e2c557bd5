package io.jdask.benchmarks;

import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.dashboard.Dashboard;
import io.jdask.dashboard.PerformanceReport;
import io.jdask.spi.TaskStream;
import io.jdask.spi.TaskStreamReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard's overhead as a user meets it: a dashboard started once and left open while
 * computations run, against a JVM that never had one. {@link DashboardOverheadAB} alternates
 * both in one JVM, so its side without a listener runs code the compiler built for both: the
 * recording paths of the runner's loop are compiled in, where a JVM that never records prunes
 * them. And a JMH run measures one side after the other, so drift on a shared machine lands on
 * one side. Here each side runs in JVMs of its own, and the JVMs alternate: none, dashboard,
 * none, dashboard, ... Each JVM builds the tree of
 * {@link TreeSumBenchmark} once, computes it {@code warm} times unmeasured, then {@code measured}
 * times, and reports the mean time per computation (collections included: they are part of what
 * a task costs). A pair is one JVM of each side run back to back; the ratio of each pair says how
 * far to trust the overall one.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.DashboardOverheadForks [pairs [warm measured [base side]]] [-- jvm-options]
 * </pre>
 *
 * The sides are {@code none} (no listener), {@code dashboard} (a dashboard, no page open),
 * {@code report} (a performance report open around all the computations: the dashboard's model
 * without its web server) and {@code stream} (the task stream only, read by a thread that drops
 * what it reads); by default {@code none} against {@code dashboard}. Each JVM gets {@code
 * -Xmx2g}, as in the other dashboard figures, then the options after {@code --} (a collector
 * setting, say, or {@code -Xlog:gc:file=...} to see what the collector did).
 */
public final class DashboardOverheadForks {
  private static final List<String> SIDES = List.of("none", "dashboard", "report", "stream");

  private DashboardOverheadForks() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length > 0 && args[0].equals("child")) {
      child(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      return;
    }
    // Options after "--" go to every measured JVM, after -Xmx2g (a collector setting, say).
    List<String> jvmOptions = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        jvmOptions.addAll(List.of(args).subList(i + 1, args.length));
        args = java.util.Arrays.copyOf(args, i);
        break;
      }
    }
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int warm = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int measured = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    String base = args.length > 3 ? args[3] : "none";
    String side = args.length > 4 ? args[4] : "dashboard";
    for (String s : List.of(base, side)) {
      if (!SIDES.contains(s)) {
        throw new IllegalArgumentException("unknown side '" + s + "': one of " + SIDES);
      }
    }
    List<Double> baseMs = new ArrayList<>();
    List<Double> sideMs = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (int p = 0; p < pairs; p++) {
      // Which side goes first alternates too: a JVM started right after another may find the
      // machine in a different state (page cache, the other's exit) than the one before it.
      boolean sideFirst = p % 2 == 1;
      double a = fork(sideFirst ? side : base, warm, measured, jvmOptions);
      double b = fork(sideFirst ? base : side, warm, measured, jvmOptions);
      double n = sideFirst ? b : a;
      double d = sideFirst ? a : b;
      baseMs.add(n);
      sideMs.add(d);
      ratios.add(d / n);
      System.out.printf(Locale.ROOT, "pair %2d: %s %.2f ms, %s %.2f ms, %+.1f %%%n", p + 1, base, n, side, d,
          100 * (d / n - 1));
    }
    int tasks = 2 * TreeSumBenchmark.LEAVES - 1;
    double n = mean(baseMs);
    double d = mean(sideMs);
    System.out.printf(Locale.ROOT, "tree of %,d trivial tasks, THREADS(2), %d pairs of JVMs, %d + %d computes each%n",
        tasks, pairs, warm, measured);
    System.out.printf(Locale.ROOT, "%s: %.2f ms per compute, %.3f us/task%n", base, n, n * 1e3 / tasks);
    System.out.printf(Locale.ROOT, "%s: %.2f ms per compute, %.3f us/task%n", side, d, d * 1e3 / tasks);
    System.out.printf(Locale.ROOT, "%s against %s: %+.1f %% (means of the JVMs' means)%n", side, base, 100 * (d / n - 1));
    Collections.sort(ratios);
    System.out.printf(Locale.ROOT, "  pair by pair: median %+.1f %%, from %+.1f %% to %+.1f %%%n",
        100 * (median(ratios) - 1), 100 * (ratios.get(0) - 1), 100 * (ratios.get(ratios.size() - 1) - 1));
    // Pairs differ by several percent on a shared machine: the standard error of their mean says
    // how close to a threshold a figure can be read.
    System.out.printf(Locale.ROOT, "  mean of the pairs' ratios %+.1f %% ± %.1f %% (standard error)%n",
        100 * (mean(ratios) - 1), 100 * standardError(ratios));
  }

  /** Runs one JVM of one side; returns its mean milliseconds per computation. */
  private static double fork(String side, int warm, int measured, List<String> jvmOptions)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx2g");
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), DashboardOverheadForks.class.getName(),
        "child", side, Integer.toString(warm), Integer.toString(measured)));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    double result = Double.NaN;
    List<String> output = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        output.add(line);
        if (line.startsWith("mean-ms ")) {
          result = Double.parseDouble(line.substring("mean-ms ".length()));
        }
      }
    }
    int rc = p.waitFor();
    if (rc != 0 || Double.isNaN(result)) {
      throw new IllegalStateException("benchmark JVM failed (exit " + rc + "):\n" + String.join("\n", output));
    }
    return result;
  }

  private static void child(String side, int warm, int measured) throws InterruptedException, IOException {
    Graphs.useScheduler("threads2");
    Delayed<Long> tree = Graphs.delayedTree(TreeSumBenchmark.LEAVES);
    long expected = Graphs.treeSum(TreeSumBenchmark.LEAVES);
    Path report = side.equals("report") ? Files.createTempFile("jdask-overhead", ".html") : null;
    try (Dashboard d = side.equals("dashboard") ? Dashboard.start("127.0.0.1", 0) : null;
        PerformanceReport p = report != null ? PerformanceReport.to(report) : null;
        BareReader r = side.equals("stream") ? new BareReader() : null) {
      for (int i = 0; i < warm; i++) {
        Graphs.check(expected, tree.compute());
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < measured; i++) {
        Graphs.check(expected, tree.compute());
      }
      long t1 = System.nanoTime();
      System.out.printf(Locale.ROOT, "mean-ms %.4f%n", (t1 - t0) / 1e6 / measured);
    } finally {
      Jdask.shutdown();
      if (report != null) {
        Files.deleteIfExists(report);
      }
    }
  }

  /**
   * Side {@code stream}: the task stream read every 10 ms, as the dashboard reads it, by a thread
   * that does nothing with the records. What is left of the dashboard's overhead without it is
   * the dashboard's model.
   */
  private static final class BareReader implements AutoCloseable {
    private final TaskStreamReader reader = TaskStream.open();
    private final Thread thread = new Thread(this::run, "jdask-bare-reader");
    private volatile boolean stop;

    BareReader() {
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (!stop) {
        reader.poll(slice -> {});
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join();
      reader.close();
    }
  }

  private static double mean(List<Double> xs) {
    double s = 0;
    for (double x : xs) {
      s += x;
    }
    return s / xs.size();
  }

  private static double standardError(List<Double> xs) {
    if (xs.size() < 2) {
      return Double.NaN;
    }
    double m = mean(xs);
    double squares = 0;
    for (double x : xs) {
      squares += (x - m) * (x - m);
    }
    return Math.sqrt(squares / (xs.size() - 1) / xs.size());
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
