package io.jdask.dashboard;

import io.jdask.Delayed;
import io.jdask.Jdask;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The graph of known shape the dashboard tests run: 32 {@code load} tasks, each followed by a
 * {@code crunch} task, 64 bars in all, each sleeping a seeded random 5 to 30 ms.
 */
final class Workload {
  static final int TASKS = 64;

  private Workload() {}

  static long load(int i, int millis) throws InterruptedException {
    Thread.sleep(millis);
    return i;
  }

  static long crunch(long x, int millis) throws InterruptedException {
    Thread.sleep(millis);
    return x * 2;
  }

  static List<Delayed<Long>> graph(long seed) {
    Random random = new Random(seed);
    List<Delayed<Long>> out = new ArrayList<>();
    for (int i = 0; i < TASKS / 2; i++) {
      Delayed<Long> loaded = Delayed.of(Workload::load).name("load").call(i, 5 + random.nextInt(26));
      out.add(Delayed.of(Workload::crunch).name("crunch").call(loaded, 5 + random.nextInt(26)));
    }
    return out;
  }

  /** Runs the graph and checks its result. */
  static void run(long seed) {
    List<Object> results = Jdask.compute(graph(seed));
    long sum = results.stream().mapToLong(r -> (Long) r).sum();
    if (sum != 2L * (TASKS / 2) * (TASKS / 2 - 1) / 2) {
      throw new AssertionError("wrong result " + sum);
    }
  }
}
