package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.dashboard.Dashboard;
import io.jdask.spi.Subscription;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvents;
import io.jdask.spi.TaskListener;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * What the dashboard costs a computation, on top of what any listener costs: the tree sum of
 * {@link TreeSumBenchmark} on THREADS(2) with the counting listener of {@link
 * EventOverheadBenchmark} ({@code counting}), and with a running dashboard instead ({@code
 * dashboard}: its listener queues every event, and its own thread builds the task stream model
 * of every task, including each task's key string, competing with the two workers for the two
 * cores). No page is open: an open page adds the JSON and WebSocket work of sending the bars.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.BenchRunner 'EventOverhead|DashboardOverhead'
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DashboardOverheadBenchmark {
  @Param({"counting", "dashboard"})
  public String listener;

  private Delayed<Long> tree;
  private Subscription subscription;
  private Dashboard dashboard;
  private final LongAdder finished = new LongAdder();

  @Setup
  public void setUp() {
    Graphs.useScheduler("threads2");
    tree = Graphs.delayedTree(TreeSumBenchmark.LEAVES);
    if (listener.equals("counting")) {
      subscription = TaskEvents.subscribe(new TaskListener() {
        @Override
        public void onTask(TaskEvent e) {
          if (e.state() == TaskEvent.State.FINISHED) {
            finished.increment();
          }
        }
      });
    } else {
      dashboard = Dashboard.start("127.0.0.1", 0);
    }
    Graphs.check(Graphs.treeSum(TreeSumBenchmark.LEAVES), tree.compute());
  }

  @TearDown
  public void tearDown() {
    if (subscription != null) {
      subscription.close();
    }
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
