package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
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
 * What recording costs: the tree sum of {@link TreeSumBenchmark} on THREADS(2) with nobody
 * listening, and with a listener that counts events the way {@code ProgressBar} does. With a
 * listener, every task builds a STARTED and a FINISHED event (key string, thread name, two clock
 * reads) and, for every result dropped, a RELEASED one. The budget is 5% of a trivial task.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.BenchRunner EventOverheadBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EventOverheadBenchmark {
  @Param({"off", "on"})
  public String events;

  private Delayed<Long> tree;
  private Subscription subscription;
  private final LongAdder finished = new LongAdder();

  @Setup
  public void setUp() {
    Graphs.useScheduler("threads2");
    tree = Graphs.delayedTree(TreeSumBenchmark.LEAVES);
    if (events.equals("on")) {
      subscription = TaskEvents.subscribe(new TaskListener() {
        @Override
        public void onTask(TaskEvent e) {
          if (e.state() == TaskEvent.State.FINISHED) {
            finished.increment();
          }
        }
      });
    }
    Graphs.check(Graphs.treeSum(TreeSumBenchmark.LEAVES), tree.compute());
    if (events.equals("on") && finished.sum() != TreeSumBenchmark.TASKS) {
      throw new IllegalStateException("the listener saw " + finished.sum() + " tasks finish");
    }
  }

  @TearDown
  public void tearDown() {
    if (subscription != null) {
      subscription.close();
    }
    Jdask.shutdown();
    Config.reset();
  }

  @Benchmark
  public Long compute() {
    return tree.compute();
  }
}
