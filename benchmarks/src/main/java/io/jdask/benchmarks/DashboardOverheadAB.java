package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.dashboard.Dashboard;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The comparison of {@link DashboardOverheadBenchmark}, interleaved: blocks of computations of
 * the 200,000-task tree on THREADS(2) with nobody listening, then with a dashboard, then without
 * again, and so on, in one JVM. On a machine shared with other work, load drifts over the
 * minutes a JMH run takes, and JMH measures one parameter after the other; alternating blocks
 * puts both sides under the same drift, so their ratio means more than either figure. It also
 * reports the CPU time of the dashboard's own thread, which on two cores is taken from the workers,
 * how often the workers parked, and the ratio of each round's two blocks, whose spread says how
 * far to trust the overall figure.
 *
 * <p>With {@code leafMicros > 0} the leaves busy-spin that long instead of returning at once, over
 * {@code leaves} leaves: the overhead for tasks of a realistic size rather than trivial ones.
 *
 * <p>With {@code warmIn > 0} each block first runs that many computations unmeasured. A dashboard
 * just started has its task stream's buffers young, and the collector copies them until they are
 * promoted; one left open for a while has not. Both sides get the same warm-in.
 *
 * <pre>
 * java -Xmx2g -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.DashboardOverheadAB [rounds [leafMicros leaves [warmIn]]]
 * </pre>
 */
public final class DashboardOverheadAB {
  private DashboardOverheadAB() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int leafMicros = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    int leaves = args.length > 2 ? Integer.parseInt(args[2]) : TreeSumBenchmark.LEAVES;
    int warmIn = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    int perBlock = 5;
    Graphs.useScheduler("threads2");
    Delayed<Long> tree = leafMicros > 0 ? spinTree(leaves, leafMicros) : Graphs.delayedTree(leaves);
    long expected = Graphs.treeSum(leaves);
    List<Double> none = new ArrayList<>();
    List<Double> dashboard = new ArrayList<>();
    long[] noneWaits = new long[1];
    long[] dashboardWaits = new long[1];
    List<Double> ratios = new ArrayList<>(); // per round: its dashboard block against its own no-listener block
    long dashboardCpuNanos = 0;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = -2; round < rounds; round++) { // two rounds of warm-up, not recorded
      block(tree, expected, warmIn, perBlock, round >= 0 ? none : null, noneWaits);
      try (Dashboard d = Dashboard.start("127.0.0.1", 0)) {
        block(tree, expected, warmIn, perBlock, round >= 0 ? dashboard : null, dashboardWaits);
        if (round >= 0) {
          for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("jdask-dashboard")) { // started with this dashboard: its CPU is this block's
              dashboardCpuNanos += threads.getThreadCpuTime(t.getId());
            }
          }
        }
      }
      if (round >= 0) {
        int from = none.size() - perBlock;
        ratios.add(median(dashboard.subList(from, from + perBlock)) / median(none.subList(from, from + perBlock)));
      }
    }
    Jdask.shutdown();
    Config.reset();
    double c = median(none);
    double d = median(dashboard);
    int tasks = 2 * leaves - 1;
    System.out.printf(Locale.ROOT, "tree of %,d tasks, leaves %s, THREADS(2), %d unmeasured computes first in each block%n", tasks,
        leafMicros > 0 ? "spinning " + leafMicros + " us" : "trivial", warmIn);
    System.out.printf(Locale.ROOT, "no listener: median %.1f ms per compute, %.3f us/task (%d computes)%n",
        c, c * 1e3 / tasks, none.size());
    System.out.printf(Locale.ROOT, "dashboard:   median %.1f ms per compute, %.3f us/task (%d computes)%n",
        d, d * 1e3 / tasks, dashboard.size());
    System.out.printf(Locale.ROOT, "dashboard thread: %.2f ms CPU per compute%n", dashboardCpuNanos / 1e6 / (dashboard.size() + rounds * warmIn));
    System.out.printf(Locale.ROOT, "worker waits (parks) per compute: no listener %.0f, dashboard %.0f%n",
        noneWaits[0] / (double) none.size(), dashboardWaits[0] / (double) dashboard.size());
    System.out.printf(Locale.ROOT, "dashboard vs no listener: %+.1f %%%n", 100 * (d / c - 1));
    List<Double> r = new ArrayList<>(ratios);
    Collections.sort(r);
    System.out.printf(Locale.ROOT, "  round by round: median %+.1f %%, from %+.1f %% to %+.1f %% (%d rounds)%n",
        100 * (median(r) - 1), 100 * (r.get(0) - 1), 100 * (r.get(r.size() - 1) - 1), r.size());
  }

  static long spin(int k, int micros) {
    long end = System.nanoTime() + micros * 1_000L;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    return k;
  }

  private static Delayed<Long> spinTree(int leaves, int micros) {
    List<Delayed<Long>> level = new ArrayList<>();
    for (int i = 0; i < leaves; i++) {
      level.add(Delayed.of(DashboardOverheadAB::spin).name("leaf").call(i, micros));
    }
    while (level.size() > 1) {
      List<Delayed<Long>> up = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        up.add(i + 1 < level.size()
            ? Delayed.of((Long a, Long b) -> a + b).name("add").call(level.get(i), level.get(i + 1))
            : level.get(i));
      }
      level = up;
    }
    return level.get(0);
  }

  private static void block(Delayed<Long> tree, long expected, int warmIn, int n, List<Double> out, long[] waits) {
    for (int i = 0; i < warmIn; i++) {
      Graphs.check(expected, tree.compute());
    }
    for (int i = 0; i < n; i++) {
      long w0 = workerWaits();
      long t0 = System.nanoTime();
      long sum = tree.compute();
      long t1 = System.nanoTime();
      long w1 = workerWaits();
      Graphs.check(expected, sum);
      if (out != null) {
        out.add((t1 - t0) / 1e6);
        waits[0] += w1 - w0;
      }
    }
  }

  /**
   * How often the THREADS workers have parked or blocked so far. A park costs a wake-up: when
   * the runners shared one lock, a change in this count moved the wall time far more than the
   * few nanoseconds of work it came with. With a queue per runner it is about 2 a computation.
   */
  private static long workerWaits() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("jdask-threads")) {
        ThreadInfo info = mx.getThreadInfo(t.getId());
        if (info != null) {
          n += info.getWaitedCount() + info.getBlockedCount();
        }
      }
    }
    return n;
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
