package io.jdask.examples;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.DelayedFn2;
import io.jdask.Jdask;
import io.jdask.ProgressBar;
import io.jdask.Scheduler;
import io.jdask.array.NdArray;
import io.jdask.dashboard.Dashboard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The demo behind {@code bin/jdask demo}: builds three graphs (the quick start, the calc_mean
 * study, a tree sum of 100,000 tasks) and runs each on every backend on the classpath, printing
 * results and timings. Backends whose modules are not yet on the classpath are listed as such.
 * The dashboard serves the runs live; {@code --wait} keeps it serving after them until Enter.
 */
public final class Demo {
  private Demo() {}

  static int inc(int x) {
    return x + 1;
  }

  static long add(long a, long b) {
    return a + b;
  }

  /** A binary tree of adds over {@code leaves} leaf tasks; returns the root. */
  static Delayed<Long> treeSum(int leaves) {
    DelayedFn2<Long, Long, Long> add = Delayed.of(Demo::add);
    List<Delayed<Long>> level = new ArrayList<>(leaves);
    for (int i = 0; i < leaves; i++) {
      level.add(Delayed.of((Integer k) -> (long) k).name("leaf").call(i));
    }
    while (level.size() > 1) {
      List<Delayed<Long>> next = new ArrayList<>(level.size() / 2 + 1);
      for (int i = 0; i < level.size(); i += 2) {
        next.add(i + 1 < level.size() ? add.call(level.get(i), level.get(i + 1)) : level.get(i));
      }
      level = next;
    }
    return level.get(0);
  }

  public static void main(String[] args) throws IOException {
    boolean wait = List.of(args).contains("--wait");
    try (Dashboard dashboard = Dashboard.start()) { // prints its URL
      run();
      if (wait) {
        System.out.println();
        System.out.println("dashboard still at " + dashboard.url() + " - press Enter (or Ctrl-C) to stop");
        System.in.read();
      }
    }
  }

  /** The arrays example at demo size, on the default scheduler, through a stored copy. */
  private static void arrays() {
    System.out.println();
    long t0 = System.nanoTime();
    NdArray x = NdArray.random(42).uniform(new long[] {4_000, 4_000}, new long[] {1_000, 1_000});
    double m = x.add(x.transpose()).mean().compute().doubleValue();
    long t1 = System.nanoTime();
    Path dir;
    try {
      dir = Files.createTempDirectory("jdask-demo-array");
      Files.delete(dir);
      x.store(dir);
      double s = NdArray.open(dir).std().compute().doubleValue();
      long t2 = System.nanoTime();
      System.out.printf("arrays on %s: (x + x.T).mean() of 4,000^2 uniform = %.5f in %.0f ms; stored as %d chunk files, "
              + "opened mapped, std = %.5f in %.0f ms%n",
          Config.scheduler(), m, (t1 - t0) / 1e6, x.blockCount(), s, (t2 - t1) / 1e6);
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run() {
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.println("jdask demo on " + cores + " cores (Java " + Runtime.version() + ")");
    System.out.println("default scheduler: " + Config.scheduler() + " with " + Config.numWorkers() + " workers");
    System.out.println();

    Delayed<Integer> a = Delayed.of(Demo::inc).call(1);
    Delayed<Integer> b = Delayed.of((Integer x, Integer y) -> x + y).call(a, 10);
    List<Delayed<CalcMean.Stats>> study = CalcMean.study(42L, 10, 1_000);
    int leaves = 100_000;
    Delayed<Long> tree = treeSum(leaves);
    int treeTasks = 2 * leaves - 1;

    ExecutorService userPool = Executors.newFixedThreadPool(cores);
    Map<String, Supplier<Config.Scope>> backends = new LinkedHashMap<>();
    backends.put("sync", () -> Config.with(Scheduler.SYNC));
    backends.put("threads(" + cores + ")", () -> Config.with(Scheduler.THREADS, cores));
    backends.put("executor(" + cores + ")", () -> Config.with(userPool));
    for (Scheduler s : List.of(Scheduler.PROCESSES, Scheduler.DISTRIBUTED)) {
      try (Config.Scope probe = Config.with(s, 2)) {
        backends.put(s.id() + "(2)", () -> Config.with(s, 2));
      } catch (IllegalStateException notOnClasspath) {
        System.out.println(s.id() + ": not available (" + notOnClasspath.getMessage() + ")");
      }
    }
    System.out.println();
    System.out.printf("%-13s | %-16s | %-20s | %-32s%n", "backend", "quick start", "calc_mean (task 0)", "tree sum of " + treeTasks + " tasks");
    try (ProgressBar bar = ProgressBar.show(System.err, Duration.ofSeconds(2))) {
      for (Map.Entry<String, Supplier<Config.Scope>> backend : backends.entrySet()) {
        try (Config.Scope scope = backend.getValue().get()) {
          long t0 = System.nanoTime();
          int quick = b.compute();
          long t1 = System.nanoTime();
          List<Object> stats = Jdask.compute(study);
          long t2 = System.nanoTime();
          long total = tree.compute();
          long t3 = System.nanoTime();
          CalcMean.Stats first = (CalcMean.Stats) stats.get(0);
          System.out.printf("%-13s | %3d in %6.1f ms | %+.5f in %5.1f ms | %d in %4.0f ms, %.2f us/task%n",
              backend.getKey(), quick, (t1 - t0) / 1e6, first.mean(), (t2 - t1) / 1e6,
              total, (t3 - t2) / 1e6, (t3 - t2) / 1e3 / treeTasks);
          if (total != (long) leaves * (leaves - 1) / 2) {
            throw new IllegalStateException("wrong tree sum on " + backend.getKey() + ": " + total);
          }
        }
      }
      arrays();
    } finally {
      userPool.shutdown();
      Jdask.shutdown();
    }
    System.out.println();
    System.out.println("quick start: inc(1) + 10. calc_mean: the mean of task 0's 1,000 draws, identical on every backend.");
    System.out.println("tree sum: first runs, JIT warm-up included; bin/jdask bench measures steady state.");
  }
}
