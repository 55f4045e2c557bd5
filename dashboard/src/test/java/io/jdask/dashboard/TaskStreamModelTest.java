package io.jdask.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.spi.EventClock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The model fed by the real task stream, as the dashboard feeds it, while THREADS(2) runs real
 * graphs: every task counted once in the progress, every task in exactly one bar, short tasks
 * sharing bars, long ones on bars of their own.
 */
class TaskStreamModelTest {
  @AfterAll
  static void shutdown() {
    Jdask.shutdown();
  }

  /** Runs the tree with a pump feeding a model, and returns the model once the pump closed. */
  private static StreamModel record(int leaves, int micros) {
    Pump pump = new Pump("jdask-test-pump", 100, tick -> {});
    try (Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      assertEquals((long) leaves * (leaves - 1) / 2, Workload.tree(leaves, micros).compute());
    } finally {
      pump.close();
    }
    return pump.model();
  }

  private static void assertEveryTaskCountedOnce(StreamModel m, int leaves) {
    Views.Status status = m.status(EventClock.epochNanos(), new JvmSampler());
    Views.Run run = status.runs().get(status.runs().size() - 1);
    assertEquals("finished", run.state());
    Map<String, Views.GroupProgress> groups = run.groups().stream()
        .collect(Collectors.toMap(Views.GroupProgress::group, g -> g));
    assertEquals(new Views.GroupProgress("leaf", leaves, leaves, 0, 0, 0), groups.get("leaf"));
    assertEquals(new Views.GroupProgress("add", leaves - 1, leaves - 1, 0, 0, 0), groups.get("add"));
    assertEquals(List.of(), status.running());
    Views.Tasks bars = m.tasks(0, Integer.MAX_VALUE);
    long tasks = 0;
    for (int t : bars.tasks()) {
      tasks += t;
    }
    assertEquals(2L * leaves - 1, tasks, "every task in exactly one bar");
    Set<String> firstKeys = new HashSet<>();
    for (String k : bars.key()) {
      assertTrue(firstKeys.add(k), "two bars named after " + k);
    }
  }

  @Test
  void tasksOfTwelveMicrosecondsGetABarEach() {
    int leaves = 5_001;
    StreamModel m = record(leaves, 12);
    assertEveryTaskCountedOnce(m, leaves);
    Views.Tasks bars = m.tasks(0, Integer.MAX_VALUE);
    assertEquals(2 * leaves - 1, bars.total());
    for (int i = 0; i < bars.total(); i++) {
      // ms rounded to the µs, start and end each: 12 µs may show as 11
      assertTrue(bars.end()[i] - bars.start()[i] >= 0.011, "a bar spans its task: " + bars.key()[i]);
    }
  }

  @Test
  void trivialTasksShareBarsAndAreAllCounted() {
    int leaves = 20_000;
    StreamModel m = record(leaves, 0);
    assertEveryTaskCountedOnce(m, leaves);
    Views.Tasks bars = m.tasks(0, Integer.MAX_VALUE);
    int largest = 0;
    for (int t : bars.tasks()) {
      largest = Math.max(largest, t);
    }
    assertTrue(bars.total() < leaves / 2 && largest > 8,
        bars.total() + " bars for " + (2 * leaves - 1) + " tasks, the largest of " + largest);
  }
}
