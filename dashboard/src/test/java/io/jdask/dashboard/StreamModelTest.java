package io.jdask.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jdask.spi.RunEvent;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvent.State;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model alone: events in, views out, with times chosen so every figure is exact. */
class StreamModelTest {
  private static final long T0 = 1_000_000_000_000L; // the origin, epoch nanos
  private static final long MS = 1_000_000L;

  private static TaskEvent task(String key, String group, String thread, long startMs, long endMs, State state) {
    return new TaskEvent(1, key, group, "threads", thread, T0 + startMs * MS, T0 + endMs * MS, state, -1,
        state == State.FAILED ? "java.lang.ArithmeticException: / by zero" : null);
  }

  @Test
  void barsProgressAndBalanceOfARun() {
    StreamModel m = new StreamModel(T0);
    // Task events of a run may be drained before the run's STARTED event: both orders work.
    m.apply(task("a-1", "a", "t1", 0, 0, State.STARTED));
    m.apply(task("a-1", "a", "t1", 0, 40, State.FINISHED));
    m.apply(new RunEvent(1, RunEvent.Kind.STARTED, "threads(2)", 4, Map.of("a", 2, "b", 2), T0, null));
    m.apply(task("a-2", "a", "t2", 0, 10, State.FINISHED));
    m.apply(task("b-1", "b", "t2", 10, 30, State.FAILED));
    m.apply(task("b-2", "b", "t2", 30, 30, State.STARTED));

    Views.Run running = m.run(1, T0 + 35 * MS);
    assertEquals("running", running.state());
    assertEquals(List.of(new Views.GroupProgress("a", 2, 2, 0, 0, 0), new Views.GroupProgress("b", 2, 0, 1, 1, 0)),
        running.groups());
    assertEquals(1, m.status(T0 + 35 * MS, new JvmSampler()).running().size());

    m.apply(new RunEvent(1, RunEvent.Kind.FAILED, "threads(2)", 4, Map.of(), T0 + 50 * MS, "b-1 failed"));
    Views.Run run = m.run(1, T0 + 99 * MS);
    assertEquals("failed", run.state());
    assertEquals(new Views.GroupProgress("b", 2, 0, 0, 1, 1), run.groups().get(1), "b-2 never finished: not running now");
    assertEquals(0, m.status(T0 + 99 * MS, new JvmSampler()).running().size());

    Views.Balance b = run.balance();
    assertEquals(2, b.threads());
    assertEquals(50.0, b.makespanMs());
    assertEquals(70.0, b.busyMs()); // 40 + 10 + 20
    assertEquals(35.0, b.lowerBoundMs());
    assertEquals(30.0, b.idleMs()); // 2 x 50 - 70
    assertEquals(0.7, b.efficiency());
    assertEquals(40.0, b.longestTaskMs());

    assertEquals(List.of(new Views.RowBusy(0, 1, 40.0, 80.0), new Views.RowBusy(1, 2, 30.0, 60.0)), b.rows());

    Views.Tasks t = m.tasks(0, 100);
    assertEquals(3, t.total());
    assertEquals(List.of("a", "b"), t.groups());
    assertArrayEquals(new String[] {"a-1", "a-2", "b-1"}, t.key());
    assertArrayEquals(new int[] {0, 1, 1}, t.row());
    assertArrayEquals(new int[] {0, 0, 1}, t.failed());
    assertArrayEquals(new double[] {10.0, 30.0}, new double[] {t.start()[2], t.end()[2]});
    assertEquals(List.of(new Views.Row(0, "threads", "t1"), new Views.Row(1, "threads", "t2")), t.rows());
    assertArrayEquals(new String[] {"b-1"}, m.tasks(2, 5).key());

    // A sibling that was running when the run failed reports after the run's end: the span
    // grows to cover it, so busy time never exceeds threads x makespan.
    m.apply(task("a-3", "a", "t1", 45, 60, State.FINISHED));
    Views.Balance late = m.run(1, T0 + 99 * MS).balance();
    assertEquals(60.0, late.makespanMs());
    assertEquals(85.0, late.busyMs());
  }

  @Test
  void keysComeBackExactlyWhetherStoredAsTokensOrStrings() {
    StreamModel m = new StreamModel(T0);
    String[] keys = {"inc-00000000000000ff", "inc-ffffffffffffffff", "inc-00000000000000FF", "inc-3-4",
        "inc-0123456789abcdef0", "other-0123456789abcdef"};
    for (String k : keys) {
      m.apply(task(k, "inc", "t1", 0, 1, State.FINISHED));
    }
    assertArrayEquals(keys, m.tasks(0, 10).key());
  }

  @Test
  void releasedEventsAreNotBars() {
    StreamModel m = new StreamModel(T0);
    m.apply(task("a-1", "a", "t1", 0, 5, State.FINISHED));
    m.apply(task("a-1", "a", "t1", 9, 9, State.RELEASED));
    assertEquals(1, m.bars());
  }
}
