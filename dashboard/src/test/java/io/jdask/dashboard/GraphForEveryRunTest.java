package io.jdask.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Delayed;
import io.jdask.graph.Plan;
import io.jdask.spi.RunEvent;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvent.State;
import io.jdask.spi.TaskEvents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The graph page draws a run from the plan its STARTED event carries, without showGraph. */
class GraphForEveryRunTest {
  private static final long T0 = 1_000_000_000_000L;

  static int inc(int x) {
    return x + 1;
  }

  static int add(int x, int y) {
    return x + y;
  }

  private static RunEvent started(long run, Plan plan) {
    return new RunEvent(run, RunEvent.Kind.STARTED, "threads(2)", plan.taskCount(), plan.tasksPerGroup(), T0, null, plan);
  }

  private static TaskEvent event(long run, String key, State state) {
    return new TaskEvent(run, key, key.substring(0, key.indexOf('-')), "threads", "t1", T0, T0, state, -1, null);
  }

  /** key -> state, and the edges as "from -> to" by key. */
  private static Map<String, String> states(Views.Graph g) {
    Map<String, String> states = new HashMap<>();
    g.nodes().forEach(n -> states.put(n.key(), n.state()));
    return states;
  }

  private static Set<String> edges(Views.Graph g) {
    Set<String> edges = new HashSet<>();
    for (int[] e : g.edges()) {
      edges.add(g.nodes().get(e[0]).key() + " -> " + g.nodes().get(e[1]).key());
    }
    return edges;
  }

  @Test
  void aRunIsDrawnFromItsPlanAndColouredByItsEvents() {
    // x -> y is a fused chain (fusion on, as backends run it); z needs y and w.
    Delayed<Integer> x = Delayed.of(GraphForEveryRunTest::inc).name("inc").call(1);
    Delayed<Integer> y = Delayed.of(GraphForEveryRunTest::inc).name("inc").call(x);
    Delayed<Integer> w = Delayed.of(GraphForEveryRunTest::inc).name("inc").call(0);
    Delayed<Integer> z = Delayed.of(GraphForEveryRunTest::add).name("add").call(y, w);
    Plan plan = Plan.of(List.of(z.task()), true);
    StreamModel m = new StreamModel(T0);
    m.apply(started(7, plan));
    m.apply(event(7, x.key(), State.FINISHED));
    m.apply(event(7, x.key(), State.RELEASED)); // ignored: released is worked out from the plan
    m.apply(event(7, y.key(), State.FINISHED)); // y ran: x, its only dependent done, is released
    m.apply(event(7, w.key(), State.FINISHED));
    m.apply(event(7, z.key(), State.STARTED));
    m.apply(event(6, y.key(), State.FAILED)); // another run's event does not colour this graph

    Views.Graph g = m.graphView();
    assertEquals(7, g.run());
    assertEquals(Map.of(x.key(), "released", y.key(), "memory", w.key(), "memory", z.key(), "running"), states(g));
    assertEquals(Set.of(x.key() + " -> " + y.key(), y.key() + " -> " + z.key(), w.key() + " -> " + z.key()), edges(g));

    // z's end releases its inputs; z, the output, stays. A late FINISHED of x (drained from
    // another thread's lane after y's) does not bring it back.
    m.apply(event(7, z.key(), State.FINISHED));
    m.apply(event(7, x.key(), State.FINISHED));
    assertEquals(Map.of(x.key(), "released", y.key(), "released", w.key(), "released", z.key(), "memory"),
        states(m.graphView()));

    // The next run replaces it.
    Plan next = Plan.of(List.of(x.task()), true);
    m.apply(started(8, next));
    assertEquals(Map.of(x.key(), "waiting"), states(m.graphView()));
  }

  @Test
  void aRunOfAtMostMaxNodesIsDrawnALargerOneIsNot() {
    StreamModel m = new StreamModel(T0);
    m.apply(started(1, leavesAndList(GraphView.MAX_NODES - 1)));
    assertEquals(GraphView.MAX_NODES, m.graphView().nodes().size());

    m.apply(started(2, leavesAndList(GraphView.MAX_NODES)));
    Views.Graph g = m.graphView();
    assertEquals(0, g.nodes().size());
    assertEquals(-1, g.run());
    assertTrue(g.note().contains("run 2 has 5,001 tasks"), g.note());
  }

  private static Plan leavesAndList(int leaves) {
    List<Delayed<Integer>> xs = new ArrayList<>();
    for (int i = 0; i < leaves; i++) {
      xs.add(Delayed.of(GraphForEveryRunTest::inc).name("inc").call(i));
    }
    return Plan.of(List.of(Delayed.list(xs).task()), true);
  }

  @Test
  void aGraphGivenToShowGraphStaysAndRunsDoNotReplaceIt() {
    Delayed<Integer> x = Delayed.of(GraphForEveryRunTest::inc).name("inc").call(1);
    Delayed<Integer> other = Delayed.of(GraphForEveryRunTest::inc).name("inc").call(2);
    StreamModel m = new StreamModel(T0);
    m.graph(GraphView.of(List.of(x.task())));
    m.apply(started(3, Plan.of(List.of(other.task()), true)));
    m.apply(event(3, x.key(), State.FINISHED));
    m.apply(event(3, x.key(), State.RELEASED));
    m.apply(event(4, x.key(), State.STARTED)); // computed again: a new run colours it again
    Views.Graph g = m.graphView();
    assertEquals(-1, g.run());
    assertEquals(Map.of(x.key(), "running"), states(g));
  }

  @Test
  void theFeedHandsARunsStartBeforeItsTasksAndDropsReleasedEvents() throws Exception {
    Plan small = Plan.of(List.of(Delayed.of(GraphForEveryRunTest::inc).name("inc").call(1).task()), true);
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try (EventFeed feed = new EventFeed()) {
      // The worker's lane exists, and is drained, before this thread's.
      worker.submit(() -> TaskEvents.publish(event(900, "a-1", State.FINISHED))).get();
      TaskEvents.publish(event(900, "a-1", State.RELEASED));
      TaskEvents.publish(started(901, small));
      worker.submit(() -> {
        TaskEvents.publish(event(901, "b-1", State.FINISHED));
        TaskEvents.publish(event(901, "b-1", State.RELEASED));
      }).get();
      List<String> seen = new ArrayList<>();
      feed.drain(o -> seen.add(o instanceof RunEvent r ? "run " + r.runId()
          : ((TaskEvent) o).state() + " " + ((TaskEvent) o).key()), b -> seen.add("records " + b.size()));
      assertEquals(List.of("run 901", "FINISHED a-1", "FINISHED b-1"), seen);
    } finally {
      worker.shutdown();
    }
  }
}
