package io.jdask.dashboard;

import io.jdask.Delayed;
import io.jdask.Jdask;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The graphs of known shape the dashboard tests run: 32 {@code load} tasks, each followed by a
 * {@code crunch} task, 64 bars in all, each sleeping a seeded random 5 to 30 ms; and a tree sum
 * of busy-spinning tasks ({@link #tree}).
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

  /** Busy for {@code micros} µs (0: returns at once), then returns {@code value}. */
  static long spin(long value, int micros) {
    long end = System.nanoTime() + micros * 1_000L;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    return value;
  }

  /**
   * A binary tree of adds over {@code leaves} leaves 0 .. leaves - 1: 2 * leaves - 1 tasks, each
   * busy {@code micros} µs; its value is leaves * (leaves - 1) / 2.
   */
  static Delayed<Long> tree(int leaves, int micros) {
    List<Delayed<Long>> level = new ArrayList<>();
    for (int i = 0; i < leaves; i++) {
      level.add(Delayed.of((Integer k) -> spin(k, micros)).name("leaf").call(i));
    }
    while (level.size() > 1) {
      List<Delayed<Long>> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        next.add(i + 1 < level.size()
            ? Delayed.of((Long a, Long b) -> spin(a + b, micros)).name("add").call(level.get(i), level.get(i + 1))
            : level.get(i));
      }
      level = next;
    }
    return level.get(0);
  }
}
