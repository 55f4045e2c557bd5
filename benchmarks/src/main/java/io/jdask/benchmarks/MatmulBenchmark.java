package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.array.NdArray;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Throughput of {@code NdArray.matmul}: {@code x.matmul(y).sum()} for {@value #N} x {@value #N}
 * float64 uniform random matrices in {@value #CHUNK} x {@value #CHUNK} chunks, on THREADS(2).
 * That is 16 output blocks of 4 block products each (64 kernel calls of 2 GFLOP) and their sum
 * trees; drawing the inputs (32 M numbers) and the final sum are part of every compute, and cost
 * about 1% of it.
 *
 * <p>{@link BenchRunner} prints the figure as GFLOP/s, {@code 2 N^3 / time per compute}. The
 * compute takes seconds, so each JMH iteration is a single compute. It is not part of the
 * default run; name it:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.BenchRunner --quick Matmul
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MatmulBenchmark {
  static final long N = 4_000;
  static final long CHUNK = 1_000;
  /** Floating-point operations of one product: a multiply and an add per inner term. */
  static final double FLOP = 2.0 * N * N * N;

  private NdArray total;

  @Setup
  public void setUp() {
    Config.set(Scheduler.THREADS, 2);
    long[] shape = {N, N};
    long[] chunks = {CHUNK, CHUNK};
    NdArray x = NdArray.random(1).uniform(shape, chunks);
    NdArray y = NdArray.random(2).uniform(shape, chunks);
    total = x.matmul(y).sum();
    // Each element of x @ y sums N products of mean 1/4; a wrong product is far off.
    double expected = N * N * N / 4.0;
    double got = compute();
    if (Math.abs(got / expected - 1) > 1e-2) {
      throw new IllegalStateException("sum of x @ y: expected about " + expected + ", computed " + got);
    }
  }

  @TearDown
  public void tearDown() {
    Jdask.shutdown();
    Config.reset();
  }

  @Benchmark
  public double compute() {
    return total.compute().doubleValue();
  }
}
