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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * sum, mean and std of {@value MemoryBandwidthBenchmark#VALUES} float64 values held in memory
 * (a persisted random array in chunks of {@value #CHUNK}) on THREADS(2): a reduction tree over
 * 50 chunks. Held against {@link MemoryBandwidthBenchmark} with two threads (target: at least
 * 80% of it). Run: {@code bin/jdask bench 'MemoryBandwidth|ArrayReduction'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ArrayReductionBenchmark {
  static final long CHUNK = 8_000_000L;

  @Param({"sum", "mean", "std"})
  public String op;

  private Config.Scope scope;
  private PersistedArray held;
  private NdArray reduced;

  @Setup
  public void setUp() {
    scope = Config.with(Scheduler.THREADS, 2);
    held = NdArray.random(1).uniform(new long[] {MemoryBandwidthBenchmark.VALUES}, new long[] {CHUNK}).persist();
    NdArray x = held.array();
    reduced = switch (op) {
      case "sum" -> x.sum();
      case "mean" -> x.mean();
      default -> x.std();
    };
  }

  @TearDown
  public void tearDown() {
    held.close();
    scope.close();
    Jdask.shutdown();
  }

  @Benchmark
  public double reduce() {
    return reduced.compute().doubleValue();
  }
}
