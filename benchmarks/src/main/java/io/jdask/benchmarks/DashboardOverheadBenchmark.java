package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.dashboard.Dashboard;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the dashboard costs a computation: the tree sum of {@link TreeSumBenchmark} on
 * THREADS(2) with nobody listening ({@code none}), and with a running dashboard ({@code
 * dashboard}): each task is recorded in its thread's task stream log, and the dashboard's own
 * thread reads every record into its model, competing with the two workers for the two cores).
 * No page is open: an open page adds the JSON and WebSocket work of sending the bars.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.BenchRunner DashboardOverhead
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DashboardOverheadBenchmark {
  @Param({"none", "dashboard"})
  public String listener;

  private Delayed<Long> tree;
  private Dashboard dashboard;

  @Setup
  public void setUp() {
    Graphs.useScheduler("threads2");
    tree = Graphs.delayedTree(TreeSumBenchmark.LEAVES);
    if (listener.equals("dashboard")) {
      dashboard = Dashboard.start("127.0.0.1", 0);
    }
    Graphs.check(Graphs.treeSum(TreeSumBenchmark.LEAVES), tree.compute());
  }

  @TearDown
  public void tearDown() {
    if (dashboard != null) {
      dashboard.close();
    }
    Jdask.shutdown();
    Config.reset();
  }

  @Benchmark
  public Long compute() {
    return tree.compute();
  }
}
