package io.jdask.benchmarks;

import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.util.MemoryUtil;
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
 * The plain-Java baseline for the array benchmarks: summing {@value #VALUES} float64 values
 * (3.2 GB) that sit in native memory, with the loop jdask's sum kernel uses (four independent
 * accumulators over raw addresses), split over {@code threads} platform threads. What the
 * machine's memory delivers to such a loop is the bandwidth {@link ArrayReductionBenchmark} is
 * held against. Run: {@code bin/jdask bench MemoryBandwidth}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MemoryBandwidthBenchmark {
  static final long VALUES = 400_000_000L;
  static final long BYTES = VALUES * 8;

  @Param({"1", "2"})
  public int threads;

  private long address;

  @Setup
  public void setUp() {
    address = MemoryUtil.allocateMemory(BYTES);
    for (long i = 0; i < VALUES; i++) {
      MemoryUtil.putLong(address + i * 8, Double.doubleToRawLongBits(i & 1023));
    }
  }

  @TearDown
  public void tearDown() {
    MemoryUtil.freeMemory(address);
  }

  @Benchmark
  public double sum() throws InterruptedException {
    double[] parts = new double[threads];
    Thread[] workers = new Thread[threads];
    long per = BYTES / threads;
    for (int t = 0; t < threads; t++) {
      int k = t;
      long from = address + k * per;
      long to = k == threads - 1 ? address + BYTES : from + per;
      workers[t] = new Thread(() -> parts[k] = sum(from, to));
      workers[t].start();
    }
    double s = 0;
    for (int t = 0; t < threads; t++) {
      workers[t].join();
      s += parts[t];
    }
    return s;
  }

  static double sum(long from, long to) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    long a = from;
    for (; a + 32 <= to; a += 32) {
      s0 += Double.longBitsToDouble(MemoryUtil.getLong(a));
      s1 += Double.longBitsToDouble(MemoryUtil.getLong(a + 8));
      s2 += Double.longBitsToDouble(MemoryUtil.getLong(a + 16));
      s3 += Double.longBitsToDouble(MemoryUtil.getLong(a + 24));
    }
    for (; a < to; a += 8) {
      s0 += Double.longBitsToDouble(MemoryUtil.getLong(a));
    }
    return (s0 + s1) + (s2 + s3);
  }
}
