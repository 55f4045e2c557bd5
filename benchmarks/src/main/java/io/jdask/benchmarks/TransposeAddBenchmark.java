package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.array.NdArray;
import io.jdask.array.PersistedArray;
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
 * {@code (x + x.T).sum()} on a {@value #N} x {@value #N} float64 array held in memory, in
 * {@value #CHUNK} x {@value #CHUNK} chunks, on THREADS(2): per output block one transpose of a
 * 32 MB chunk, one add and one partial sum. Run: {@code bin/jdask bench TransposeAdd}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TransposeAddBenchmark {
  static final long N = 20_000;
  static final long CHUNK = 2_000;

  private Config.Scope scope;
  private PersistedArray held;
  private NdArray result;

  @Setup
  public void setUp() {
    scope = Config.with(Scheduler.THREADS, 2);
    held = NdArray.random(42).uniform(new long[] {N, N}, new long[] {CHUNK, CHUNK}).persist();
    NdArray x = held.array();
    result = x.add(x.transpose()).sum();
  }

  @TearDown
  public void tearDown() {
    held.close();
    scope.close();
    Jdask.shutdown();
  }

  @Benchmark
  public double transposeAddSum() {
    return result.compute().doubleValue();
  }
}
