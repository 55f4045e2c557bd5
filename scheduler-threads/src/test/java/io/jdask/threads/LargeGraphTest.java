package io.jdask.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.DelayedFn1;
import io.jdask.DelayedFn2;
import io.jdask.Scheduler;
import io.jdask.graph.Task;
import io.jdask.graph.TaskFunction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A graph of a million tasks builds and computes on THREADS within the 2 GiB heap this module's
 * tests run with (see its pom): the lowering and the scheduler hold int arrays, not maps.
 */
class LargeGraphTest {
  private static final int LEAVES = 500_000;

  @Test
  void aMillionDelayedTasksComputeOnThreads() {
    DelayedFn1<Integer, Long> leaf = Delayed.of((Integer i) -> (long) i);
    DelayedFn2<Long, Long, Long> add = Delayed.of((Long a, Long b) -> a + b);
    List<Delayed<Long>> level = new ArrayList<>(LEAVES);
    for (int i = 0; i < LEAVES; i++) {
      level.add(leaf.call(i));
    }
    int tasks = LEAVES;
    while (level.size() > 1) {
      List<Delayed<Long>> next = new ArrayList<>(level.size() / 2 + 1);
      for (int i = 0; i < level.size(); i += 2) {
        if (i + 1 < level.size()) {
          next.add(add.call(level.get(i), level.get(i + 1)));
          tasks++;
        } else {
          next.add(level.get(i));
        }
      }
      level = next;
    }
    assertEquals(999_999, tasks);
    try (var s = Config.with(Scheduler.THREADS, 2)) {
      assertEquals((long) LEAVES * (LEAVES - 1) / 2, level.get(0).compute());
    }
  }

  @Test
  void aMillionLowLevelTasksComputeOnThreads() {
    TaskFunction leaf = args -> 1L;
    TaskFunction add = args -> (Long) args[0] + (Long) args[1];
    List<Task> level = new ArrayList<>(LEAVES);
    for (int i = 0; i < LEAVES; i++) {
      level.add(Task.of("leaf", leaf));
    }
    while (level.size() > 1) {
      List<Task> next = new ArrayList<>(level.size() / 2 + 1);
      for (int i = 0; i < level.size(); i += 2) {
        next.add(i + 1 < level.size() ? Task.of("add", add, level.get(i), level.get(i + 1)) : level.get(i));
      }
      level = next;
    }
    try (var s = Config.with(Scheduler.THREADS, 2)) {
      assertEquals((long) LEAVES, Delayed.fromTask(level.get(0)).compute());
    }
  }
}
