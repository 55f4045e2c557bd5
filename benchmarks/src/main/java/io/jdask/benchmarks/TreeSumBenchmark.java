package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
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
 * Per-task overhead of a wide graph: {@value #LEAVES} independent trivial tasks summed by a
 * binary tree of 2-argument adds, {@value #TASKS} tasks in all, on SYNC and on THREADS(2). Nothing
 * fuses here (every add has two inputs), so every task goes through the scheduler.
 *
 * <p>{@code compute} recomputes one graph built at setup (lowering included: every compute lowers
 * its graph); {@code buildAndCompute} also builds it, as a user program would. Run alone, after
 * {@code mvn -q -B -DskipTests package -pl benchmarks -am} from the repository root:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.BenchRunner TreeSumBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TreeSumBenchmark {
  static final int LEAVES = 100_000;
  static final int TASKS = 2 * LEAVES - 1;

  @Param({"sync", "threads2"})
  public String scheduler;

  private Delayed<Long> tree;

  @Setup
  public void setUp() {
    Graphs.useScheduler(scheduler);
    tree = Graphs.delayedTree(LEAVES);
    Graphs.check(Graphs.treeSum(LEAVES), tree.compute());
  }

  @TearDown
  public void tearDown() {
    Jdask.shutdown();
    Config.reset();
  }

  @Benchmark
  public Long compute() {
    return tree.compute();
  }

  @Benchmark
  public Long buildAndCompute() {
    return Graphs.delayedTree(LEAVES).compute();
  }
}
