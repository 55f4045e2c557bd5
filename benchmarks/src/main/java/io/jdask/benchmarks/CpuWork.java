package io.jdask.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A CPU-bound task of a fixed length: it computes until its own thread has used the requested
 * CPU time. Counting iterations instead was fooled by the JIT (a calibration made before C2
 * compiled the loop ran 200 times faster afterwards); thread CPU time is what "10 ms of CPU"
 * means, on any backend and after any amount of compilation.
 */
final class CpuWork {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private CpuWork() {}

  /** Works for {@code cpuMillis} ms of this thread's CPU time; returns a value of the work. */
  static double burn(int cpuMillis, int seed) {
    long until = THREADS.getCurrentThreadCpuTime() + cpuMillis * 1_000_000L;
    double x = seed + 0.5;
    do {
      for (int i = 0; i < 10_000; i++) {
        x = x * 1.0000001 + 1e-9;
        if (x > 1e6) {
          x -= 1e6;
        }
      }
    } while (THREADS.getCurrentThreadCpuTime() < until);
    return x;
  }
}
