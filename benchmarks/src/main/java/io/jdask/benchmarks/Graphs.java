package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.DelayedFn1;
import io.jdask.DelayedFn2;
import io.jdask.Scheduler;
import io.jdask.graph.Task;
import io.jdask.graph.TaskFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * The graphs the benchmarks measure, built one way for every benchmark so that their figures are
 * comparable. The task functions are trivial on purpose: what is left is jdask's own cost.
 */
final class Graphs {
  // One binding per function, reused for every call, as Delayed.of's documentation advises.
  private static final DelayedFn1<Integer, Long> LEAF = Delayed.of(Graphs::leaf);
  private static final DelayedFn2<Long, Long, Long> ADD = Delayed.of(Graphs::add);
  private static final DelayedFn1<Long, Long> INC = Delayed.of(Graphs::inc);

  // The same functions in the untyped low-level form, for graphs built from Task directly.
  private static final TaskFunction LEAF_TASK = args -> (long) (Integer) args[0];
  private static final TaskFunction ADD_TASK = args -> (Long) args[0] + (Long) args[1];

  private Graphs() {}

  static Long leaf(Integer i) {
    return (long) i;
  }

  static Long add(Long a, Long b) {
    return a + b;
  }

  static Long inc(Long x) {
    return x + 1;
  }

  /** Tasks in a tree over {@code leaves} leaves: the leaves and {@code leaves - 1} adds. */
  static int treeTasks(int leaves) {
    return 2 * leaves - 1;
  }

  /** The value a tree over {@code leaves} leaves computes: 0 + 1 + ... + (leaves - 1). */
  static long treeSum(int leaves) {
    return (long) leaves * (leaves - 1) / 2;
  }

  /**
   * {@code leaves} independent tasks (leaf i returns i) summed by a balanced binary tree of
   * 2-argument adds, built with {@code Delayed}. Only the root is returned: the tasks hold each
   * other, so the root keeps the whole graph alive.
   */
  static Delayed<Long> delayedTree(int leaves) {
    List<Delayed<Long>> level = new ArrayList<>(leaves);
    for (int i = 0; i < leaves; i++) {
      level.add(LEAF.call(i));
    }
    while (level.size() > 1) {
      List<Delayed<Long>> up = new ArrayList<>((level.size() + 1) / 2);
      for (int i = 0; i + 1 < level.size(); i += 2) {
        up.add(ADD.call(level.get(i), level.get(i + 1)));
      }
      if (level.size() % 2 == 1) {
        up.add(level.get(level.size() - 1)); // the odd one out joins the next level
      }
      level = up;
    }
    return level.get(0);
  }

  /** The same tree as {@link #delayedTree}, built with the low-level {@link Task} API. */
  static Task taskTree(int leaves) {
    List<Task> level = new ArrayList<>(leaves);
    for (int i = 0; i < leaves; i++) {
      level.add(Task.of("leaf", LEAF_TASK, i));
    }
    while (level.size() > 1) {
      List<Task> up = new ArrayList<>((level.size() + 1) / 2);
      for (int i = 0; i + 1 < level.size(); i += 2) {
        up.add(Task.of("add", ADD_TASK, level.get(i), level.get(i + 1)));
      }
      if (level.size() % 2 == 1) {
        up.add(level.get(level.size() - 1));
      }
      level = up;
    }
    return level.get(0);
  }

  /** A linear chain of {@code length} tasks: inc(0), inc(inc(0)), ...; it computes length. */
  static Delayed<Long> chain(int length) {
    Delayed<Long> d = INC.call(0L);
    for (int i = 1; i < length; i++) {
      d = INC.call(d);
    }
    return d;
  }

  /** Selects the scheduler named by a benchmark parameter: "sync" or "threads2". */
  static void useScheduler(String name) {
    switch (name) {
      case "sync" -> Config.set(Scheduler.SYNC);
      case "threads2" -> Config.set(Scheduler.THREADS, 2);
      default -> throw new IllegalArgumentException("unknown scheduler parameter: " + name);
    }
  }

  /** Fails loudly if a benchmark computed the wrong value: a fast wrong answer measures nothing. */
  static void check(long expected, Object actual) {
    if (!(actual instanceof Long l) || l != expected) {
      throw new IllegalStateException("expected " + expected + ", computed " + actual);
    }
  }
}
