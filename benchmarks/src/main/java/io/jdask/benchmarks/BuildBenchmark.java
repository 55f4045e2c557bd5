package io.jdask.benchmarks;

import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.graph.Plan;
import io.jdask.graph.Task;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of describing work, with nothing run: building the {@value #TASKS}-task tree of
 * {@link TreeSumBenchmark} with {@code Delayed} and with the low-level {@code Task} API, and
 * lowering a built tree to the {@link Plan} a scheduler executes (which every compute does first),
 * so that the compute figures can be split into build, lowering and execution.
 *
 * <p>Run alone, after {@code mvn -q -B -DskipTests package -pl benchmarks -am} from the
 * repository root:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.BenchRunner BuildBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BuildBenchmark {
  static final int LEAVES = TreeSumBenchmark.LEAVES;
  static final int TASKS = TreeSumBenchmark.TASKS;

  private List<Task> built;

  @Setup
  public void setUp() {
    built = List.of(Graphs.delayedTree(LEAVES).task());
  }

  @Benchmark
  public Delayed<Long> delayed() {
    return Graphs.delayedTree(LEAVES);
  }

  @Benchmark
  public Task task() {
    return Graphs.taskTree(LEAVES);
  }

  @Benchmark
  public Plan lower() {
    return Jdask.plan(built);
  }
}
