package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.util.Arrays;

/**
 * How long the first computation on a fresh PROCESSES(2) takes: starting two worker JVMs, their
 * handshakes, shipping one function, one trivial task. Not JMH: it is a cold start by nature.
 */
final class WorkerStart {
  record Stat(double median, double min, double max) {}

  private WorkerStart() {}

  static Integer one(Integer x) {
    return x;
  }

  static Stat measure(int repeats) {
    double[] ms = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      Jdask.shutdown();
      try (var s = Config.with(Scheduler.PROCESSES, 2)) {
        long t0 = System.nanoTime();
        Delayed.of(WorkerStart::one).call(r).compute();
        ms[r] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Jdask.shutdown();
    Arrays.sort(ms);
    return new Stat(ms[repeats / 2], ms[0], ms[repeats - 1]);
  }
}
