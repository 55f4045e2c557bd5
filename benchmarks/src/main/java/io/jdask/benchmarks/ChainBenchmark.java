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
 * Per-task overhead of a deep graph: a linear chain of {@value #LENGTH} tasks (x -> x + 1), on
 * SYNC and THREADS(2), with fusion of linear chains on and off. Fused, the whole chain is one
 * scheduling unit run back to back on one thread; unfused, every task is a trip through the
 * scheduler's lock and ready queue, with no parallelism to gain from it.
 *
 * <p>Run alone, after {@code mvn -q -B -DskipTests package -pl benchmarks -am} from the
 * repository root:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.BenchRunner ChainBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChainBenchmark {
  static final int LENGTH = 10_000;

  @Param({"sync", "threads2"})
  public String scheduler;

  @Param({"true", "false"})
  public String fuse;

  private Delayed<Long> chain;

  @Setup
  public void setUp() {
    Graphs.useScheduler(scheduler);
    Config.set(Config.FUSE, fuse);
    chain = Graphs.chain(LENGTH);
    Graphs.check(LENGTH, chain.compute());
  }

  @TearDown
  public void tearDown() {
    Jdask.shutdown();
    Config.reset();
  }

  @Benchmark
  public Long compute() {
    return chain.compute();
  }
}
