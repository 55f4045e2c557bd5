package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Heap held by a built, not yet computed, graph of {@value #TASKS} tasks ({@value #LEAVES}
 * leaves summed by a tree of adds), built with {@code Delayed} and with the low-level
 * {@code Task} API; and the time to compute that graph on THREADS(2). Not a JMH benchmark: JMH
 * measures time, and retained heap is read here as used heap after full collections, before and
 * after building, with the graph kept reachable in between.
 *
 * <p>Run by {@link BenchRunner} (filter {@code HeapPerTask} to run only this), in the runner's own
 * JVM:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.BenchRunner HeapPerTask
 * </pre>
 */
final class HeapPerTask {
  static final int LEAVES = 500_000;
  static final int TASKS = Graphs.treeTasks(LEAVES);
  private static final int REPEATS = 3;

  /** Median and spread of several measurements. */
  record Stat(double median, double min, double max) {
    static Stat of(double[] values) {
      double[] v = values.clone();
      Arrays.sort(v);
      return new Stat(v[v.length / 2], v[0], v[v.length - 1]);
    }
  }

  private HeapPerTask() {}

  /** Bytes of heap per task retained by a Delayed-built graph. */
  static Stat delayedBytesPerTask() {
    return bytesPerTask(() -> Graphs.delayedTree(LEAVES));
  }

  /** Bytes of heap per task retained by a Task-built graph. */
  static Stat taskBytesPerTask() {
    return bytesPerTask(() -> Graphs.taskTree(LEAVES));
  }

  private static Stat bytesPerTask(Supplier<Object> build) {
    build.get(); // first build outside the measurement: class loading and one-time caches
    double[] perTask = new double[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
      long before = usedHeapAfterGc();
      Object graph = build.get();
      long after = usedHeapAfterGc();
      Reference.reachabilityFence(graph); // the graph must be alive while `after` is read
      perTask[r] = (double) (after - before) / TASKS;
    }
    return Stat.of(perTask);
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    // Several collections: one may leave garbage that only became unreachable during it.
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while measuring heap", e);
      }
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /**
   * Milliseconds to compute the Delayed-built graph on THREADS(2), over several computes of one
   * graph after a few warm-up computes (this JVM has not run jdask before).
   */
  static Stat computeMillisThreads2(int warmups, int repeats) {
    Config.set(Scheduler.THREADS, 2);
    try {
      Delayed<Long> graph = Graphs.delayedTree(LEAVES);
      for (int i = 0; i < warmups; i++) {
        Graphs.check(Graphs.treeSum(LEAVES), graph.compute());
      }
      double[] millis = new double[repeats];
      for (int i = 0; i < repeats; i++) {
        long t0 = System.nanoTime();
        Object r = graph.compute();
        millis[i] = (System.nanoTime() - t0) / 1e6;
        Graphs.check(Graphs.treeSum(LEAVES), r);
      }
      return Stat.of(millis);
    } finally {
      Jdask.shutdown();
      Config.reset();
    }
  }
}
