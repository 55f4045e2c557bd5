package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.DelayedFn2;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    return stat(ms);
  }

  /**
   * The first computation of {@link ProcessesBenchmark}'s 200 CPU-bound tasks on workers that
   * have just started (their start is not counted): what a short program sees before the JIT
   * has compiled the worker runtime.
   */
  static Stat measureColdCpu(int repeats) {
    double[] ms = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      Jdask.shutdown();
      try (var s = Config.with(Scheduler.PROCESSES, 2)) {
        Delayed.of(WorkerStart::one).call(r).compute();
        List<Delayed<Double>> cpu = new ArrayList<>();
        DelayedFn2<Integer, Integer, Double> burn = Delayed.of(CpuWork::burn);
        for (int i = 0; i < ProcessesBenchmark.CPU_TASKS; i++) {
          cpu.add(burn.call(10, i));
        }
        long t0 = System.nanoTime();
        Jdask.compute(cpu);
        ms[r] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Jdask.shutdown();
    return stat(ms);
  }

  private static Stat stat(double[] ms) {
    Arrays.sort(ms);
    return new Stat(ms[ms.length / 2], ms[0], ms[ms.length - 1]);
  }
}
