package io.jdask.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.contract.Fixtures;
import io.jdask.contract.Recorder;
import io.jdask.graph.Task;
import io.jdask.graph.TaskHandle;
import io.jdask.spi.TaskEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runners' queues: each runner keeps the units it made ready, so these tests check that work
 * still reaches every thread when it all starts in one queue, and that no unit is lost, run
 * twice or run before its inputs, whichever runner completes them.
 */
class RunnerQueuesTest {
  @AfterEach
  void reset() {
    Config.reset();
  }

  @Test
  @Timeout(60)
  void workThatOneTaskMakesReadyReachesEveryThread() {
    // One root: every one of the 32 tasks after it is made ready in the queue of the runner that
    // ran it, and only starting runners that steal from that queue spreads them.
    try (var s = Config.with(Scheduler.THREADS, 4); Recorder events = new Recorder()) {
      Delayed<Integer> root = Delayed.of(Fixtures::inc).name("root").call(0);
      List<Delayed<Integer>> fanOut = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        fanOut.add(Delayed.of((Integer r, Integer i2) -> Fixtures.sleepThenReturn(5, r + i2))
            .name("fan").call(root, i));
      }
      int total = Delayed.of(Fixtures::sum).call(Delayed.list(fanOut)).compute();
      assertEquals(32 + 31 * 32 / 2, total);
      Set<String> threads = events.tasks().stream()
          .filter(e -> e.group().equals("fan") && e.state() == TaskEvent.State.FINISHED)
          .map(TaskEvent::thread)
          .collect(Collectors.toSet());
      assertEquals(4, threads.size(), "the fan-out ran on every thread: " + threads);
    }
  }

  @Test
  @Timeout(120)
  void randomGraphsComputeTheSameOnEveryRunnerCount() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int seed = 1; seed <= 12; seed++) {
        RandomGraph g = new RandomGraph(seed, 3000);
        long[] expected = g.expected();
        for (int runners = 1; runners <= 3; runners++) {
          try (var s = Config.with(Scheduler.THREADS, runners)) {
            assertEquals(toList(expected, g.outputs), Jdask.compute(g.handles()),
                "seed " + seed + " on THREADS(" + runners + ")");
          }
        }
        try (var s = Config.with(pool)) {
          assertEquals(toList(expected, g.outputs), Jdask.compute(g.handles()), "seed " + seed + " on a pool of 4");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Jdask.shutdown();
  }

  private static List<Object> toList(long[] values, List<Integer> nodes) {
    List<Object> out = new ArrayList<>();
    for (int n : nodes) {
      out.add(values[n]);
    }
    return out;
  }

  /**
   * A random graph of {@code n} tasks: task i adds i to its inputs' values, taking 0 to 3 inputs,
   * mostly among the last tasks before it (so that chains, which are fused, and subtrees occur),
   * and a few spin for some microseconds so that runners drift apart. Its outputs are the tasks
   * nothing depends on and every 97th task.
   */
  private static final class RandomGraph {
    final int[][] deps;
    final Task[] tasks;
    final List<Integer> outputs = new ArrayList<>();

    RandomGraph(int seed, int n) {
      Random rnd = new Random(seed);
      deps = new int[n][];
      tasks = new Task[n];
      boolean[] used = new boolean[n];
      for (int i = 0; i < n; i++) {
        int k = i == 0 ? 0 : rnd.nextInt(4);
        int[] d = new int[k];
        for (int j = 0; j < k; j++) {
          d[j] = rnd.nextInt(4) == 0 ? rnd.nextInt(i) : Math.max(0, i - 1 - rnd.nextInt(8));
          used[d[j]] = true;
        }
        deps[i] = d;
        int spin = rnd.nextInt(20) == 0 ? rnd.nextInt(50) : 0;
        long self = i;
        Object[] args = new Object[k];
        for (int j = 0; j < k; j++) {
          args[j] = tasks[d[j]];
        }
        tasks[i] = Task.of("t" + i % 5, a -> {
          spin(spin);
          long v = self;
          for (Object x : a) {
            v += (Long) x;
          }
          return v;
        }, args);
      }
      for (int i = 0; i < n; i++) {
        if (!used[i] || i % 97 == 0) {
          outputs.add(i);
        }
      }
    }

    long[] expected() {
      long[] v = new long[deps.length];
      for (int i = 0; i < deps.length; i++) {
        v[i] = i;
        for (int d : deps[i]) {
          v[i] += v[d];
        }
      }
      return v;
    }

    List<TaskHandle> handles() {
      List<TaskHandle> out = new ArrayList<>();
      for (int n : outputs) {
        out.add(Delayed.fromTask(tasks[n]));
      }
      return out;
    }

    private static void spin(int micros) {
      long end = System.nanoTime() + micros * 1_000L;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
    }
  }
}
