package io.jdask.examples;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.dashboard.PerformanceReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Static against dynamic load balancing, the experiment of seed 002 ({@code bin/jdask example
 * load-balance [output-dir]}): 64 tasks of seeded random duration on 4 workers.
 *
 * <ul>
 *   <li><b>static</b>: task {@code i} is assigned to worker {@code i % 4} before anything runs,
 *       by chaining each worker's share into one sequence (each task takes the previous one of
 *       its worker as an argument), so each chain runs on one thread however long it takes;
 *   <li><b>dynamic</b>: the 64 tasks are independent, and whichever thread is free takes the
 *       next one, which is how jdask schedules.
 * </ul>
 *
 * <p>Each run is recorded in a self-contained performance report ({@code
 * load-balance-static.html}, {@code load-balance-dynamic.html}); their task streams show the
 * static run's threads idling while the unluckiest chain finishes. The program prints both
 * makespans next to the lower bound (total task time / 4).
 */
public final class LoadBalance {
  static final int TASKS = 64;
  static final int WORKERS = 4;

  private LoadBalance() {}

  /** What one strategy measured. */
  record Result(String strategy, double makespanMs, Path report) {}

  /** Seeded task durations in ms, uniform in [0, maxMillis). */
  static int[] durations(long seed, int maxMillis) {
    Random random = new Random(seed);
    int[] ms = new int[TASKS];
    for (int i = 0; i < TASKS; i++) {
      ms[i] = random.nextInt(maxMillis);
    }
    return ms;
  }

  /** The dummy task: sleeps, then says which task it was. */
  static int work(int task, int millis) throws InterruptedException {
    Thread.sleep(millis);
    return task;
  }

  /** Same, after the previous task of its worker's chain. */
  static int workAfter(int previous, int task, int millis) throws InterruptedException {
    return work(task, millis);
  }

  static List<Delayed<Integer>> staticGraph(int[] ms) {
    List<Delayed<Integer>> chainEnds = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      Delayed<Integer> chain = Delayed.of(LoadBalance::work).name("task").call(w, ms[w]);
      for (int i = w + WORKERS; i < TASKS; i += WORKERS) {
        chain = Delayed.of(LoadBalance::workAfter).name("task").call(chain, i, ms[i]);
      }
      chainEnds.add(chain);
    }
    return chainEnds;
  }

  static List<Delayed<Integer>> dynamicGraph(int[] ms) {
    List<Delayed<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      tasks.add(Delayed.of(LoadBalance::work).name("task").call(i, ms[i]));
    }
    return tasks;
  }

  static Result run(String strategy, List<Delayed<Integer>> graph, Path dir) {
    Path report = dir.resolve("load-balance-" + strategy + ".html");
    long t0;
    long t1;
    try (PerformanceReport r = PerformanceReport.to(report);
        Config.Scope scope = Config.with(Scheduler.THREADS, WORKERS)) {
      t0 = System.nanoTime();
      Jdask.compute(graph);
      t1 = System.nanoTime();
    }
    return new Result(strategy, (t1 - t0) / 1e6, report);
  }

  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : ".");
    int maxMillis = 200;
    int[] ms = durations(2002L, maxMillis);
    long total = 0;
    long longestChain = 0;
    for (int w = 0; w < WORKERS; w++) {
      long chain = 0;
      for (int i = w; i < TASKS; i += WORKERS) {
        chain += ms[i];
      }
      longestChain = Math.max(longestChain, chain);
      total += chain;
    }
    System.out.printf("%d tasks of 0-%d ms (seed 2002) on %d workers: total %d ms, lower bound %.0f ms%n",
        TASKS, maxMillis, WORKERS, total, total / (double) WORKERS);
    try {
      Result fixed = run("static", staticGraph(ms), dir);
      Result dynamic = run("dynamic", dynamicGraph(ms), dir);
      System.out.printf("static round-robin: makespan %5.0f ms (its longest chain: %d ms)  report: %s%n",
          fixed.makespanMs(), longestChain, fixed.report().toAbsolutePath());
      System.out.printf("dynamic:            makespan %5.0f ms                           report: %s%n",
          dynamic.makespanMs(), dynamic.report().toAbsolutePath());
    } finally {
      Jdask.shutdown();
    }
  }
}
