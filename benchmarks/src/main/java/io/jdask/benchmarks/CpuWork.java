package io.jdask.benchmarks;

/** A deterministic CPU-bound task of a chosen length, for speedup measurements. */
final class CpuWork {
  private CpuWork() {}

  /** Burns CPU for {@code iterations} steps of a cheap recurrence; returns its value. */
  static double spin(long iterations, int seed) {
    double x = seed + 0.5;
    for (long i = 0; i < iterations; i++) {
      x = x * 1.0000001 + 1e-9;
      if (x > 1e6) {
        x -= 1e6;
      }
    }
    return x;
  }

  /** Iterations that take about {@code millis} ms on this machine, measured after warm-up. */
  static long calibrate(double millis) {
    long n = 1_000_000;
    for (int round = 0; round < 6; round++) {
      long t0 = System.nanoTime();
      spin(n, 1);
      double ms = (System.nanoTime() - t0) / 1e6;
      n = Math.max(1000, (long) (n * millis / Math.max(ms, 0.01)));
    }
    return n;
  }
}
