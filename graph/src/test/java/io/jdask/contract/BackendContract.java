package io.jdask.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.DelayedFn2;
import io.jdask.Jdask;
import io.jdask.TaskFailedException;
import io.jdask.graph.Plan;
import io.jdask.graph.Task;
import io.jdask.graph.TaskFunction;
import io.jdask.graph.TaskGraph;
import io.jdask.spi.RunEvent;
import io.jdask.spi.TaskEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every backend owes its users. Each backend's test class extends this one and
 * says how to select the backend; the tests observe execution through the event stream, so they
 * hold for tasks that run in other JVMs too.
 */
public abstract class BackendContract {
  private Config.Scope scope;
  protected Recorder events;

  /** Selects the backend under test for the current thread. */
  protected abstract Config.Scope useBackend();

  /** How many tasks the backend runs at once. */
  protected abstract int parallelism();

  @BeforeEach
  void selectBackend() {
    scope = useBackend();
    events = new Recorder();
  }

  @AfterEach
  void restore() {
    events.close();
    scope.close();
  }

  @Test
  void computesTheQuickStartGraphAndRunsNothingBeforeCompute() {
    Delayed<Integer> a = Delayed.of(Fixtures::inc).call(1);
    Delayed<Integer> b = Delayed.of((Integer x, Integer y) -> x + y).call(a, 10);
    assertEquals(0, events.tasks().size(), "building a graph must not run it");
    assertEquals(12, b.compute());
    assertEquals(1, events.started("inc"));
    assertEquals(1, events.started("lambda"));
  }

  @Test
  void sharedTasksRunOnceAcrossOutputs() {
    Delayed<Integer> a = Delayed.of(Fixtures::inc).call(1);
    Delayed<Integer> b = Delayed.of(Fixtures::add).call(a, 1);
    Delayed<Integer> c = Delayed.of(Fixtures::add).call(a, 2);
    assertEquals(List.of(3, 4, 2), Jdask.compute(b, c, a));
    assertEquals(1, events.started("inc"));
    assertEquals(2, events.started("add"));
  }

  @Test
  void pureCallsBuiltTwiceRunOnceAndOrdinaryCallsDoNot() {
    DelayedFn2<Integer, Integer, Integer> pureAdd = Delayed.of(Fixtures::add).pure();
    Delayed<Integer> x1 = pureAdd.call(3, 4);
    Delayed<Integer> x2 = pureAdd.call(3, 4);
    Delayed<Integer> y = pureAdd.call(4, 3);
    assertEquals(x1.key(), x2.key());
    assertNotEquals(x1.key(), y.key());
    assertTrue(x1.key().startsWith("add-"), x1.key());
    assertEquals(List.of(7, 7, 7), Jdask.compute(x1, x2, y));
    assertEquals(2, events.started("add"), "equal pure calls are computed once");

    Delayed<Integer> s1 = Delayed.of(Fixtures::square).call(5);
    Delayed<Integer> s2 = Delayed.of(Fixtures::square).call(5);
    assertNotEquals(s1.key(), s2.key());
    assertEquals(List.of(25, 25), Jdask.compute(s1, s2));
    assertEquals(2, events.started("square"));
  }

  @Test
  void listsAndMapsContainingDelayedAreResolved() {
    Delayed<Integer> one = Delayed.of(Fixtures::inc).call(0);
    Delayed<Integer> two = Delayed.of(Fixtures::inc).call(1);
    Delayed<Integer> total = Delayed.of(Fixtures::sum).callUnchecked(List.of(one, two, 10));
    assertEquals(13, total.compute());

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", one);
    m.put("b", List.of(two, 5));
    Delayed<String> shown = Delayed.of((Map<String, Object> x) -> x.toString()).callUnchecked(m);
    assertEquals("{a=1, b=[2, 5]}", shown.compute());
  }

  @Test
  void valueListAndThenCompose() {
    Delayed<Integer> v = Delayed.value(20);
    Delayed<Integer> a = Delayed.of(Fixtures::inc).call(v);
    Delayed<List<Integer>> both = Delayed.list(a, Delayed.of(Fixtures::square).call(a));
    Delayed<String> text = both.then(xs -> xs.get(0) + "," + xs.get(1));
    assertEquals("21,441", text.compute());
    assertEquals(List.of(21, 441), both.compute());
    assertEquals(20, v.compute());
  }

  @Test
  void everyArityFromZeroToSix() {
    assertEquals(7, Delayed.of(() -> 7).call().compute());
    assertEquals(2, Delayed.of((Integer a) -> a + 1).call(1).compute());
    Delayed<Integer> one = Delayed.value(1);
    assertEquals(3, Delayed.of((Integer a, Integer b) -> a + b).call(one, 2).compute());
    assertEquals(6, Delayed.of((Integer a, Integer b, Integer c) -> a + b + c).call(1, one, 4).compute());
    assertEquals(7, Delayed.of((Integer a, Integer b, Integer c, Integer d) -> a + b + c + d)
        .call(1, 2, 3, one).compute());
    assertEquals(15, Delayed.of((Integer a, Integer b, Integer c, Integer d, Integer e) -> a + b + c + d + e)
        .call(one, 2, 3, 4, 5).compute());
    assertEquals(21, Delayed.of(
            (Integer a, Integer b, Integer c, Integer d, Integer e, Integer f) -> a + b + c + d + e + f)
        .call(1, 2, 3, 4, 5, Delayed.of(() -> 6).call()).compute());
  }

  @Test
  void aFailingTaskIsNamedAndCarriesTheCause() {
    Delayed<Integer> bad = Delayed.of(Fixtures::divide).call(1, 0);
    Delayed<Integer> after = Delayed.of(Fixtures::inc).call(bad);
    TaskFailedException e = assertThrows(TaskFailedException.class, after::compute);
    assertEquals(bad.key(), e.key());
    assertInstanceOf(ArithmeticException.class, e.getCause());
    assertTrue(e.getMessage().contains(bad.key()), e.getMessage());
    assertNotNull(e.worker());
    assertEquals(0, events.started("inc"), "a dependent of a failed task never starts");
    assertEquals(1, events.count(TaskEvent.State.FAILED, "divide"));
  }

  @Test
  void afterAFailureNothingElseStartsAndTheBackendStaysUsable() throws Exception {
    List<Delayed<?>> outputs = new ArrayList<>();
    outputs.add(Delayed.of(Fixtures::divide).call(1, 0)); // first in priority order
    for (int i = 0; i < 100; i++) {
      outputs.add(Delayed.of(Fixtures::sleepThenReturn).call(5, i));
    }
    assertThrows(TaskFailedException.class, () -> Jdask.compute(outputs.toArray(new Delayed<?>[0])));
    long startedAtFailure = events.started("sleepThenReturn");
    Thread.sleep(300);
    assertEquals(startedAtFailure, events.started("sleepThenReturn"), "no task starts after a failure");
    assertTrue(startedAtFailure < 100, "only tasks already running may finish: " + startedAtFailure);

    assertEquals(12, Delayed.of(Fixtures::add).call(Delayed.of(Fixtures::inc).call(1), 10).compute());
  }

  @Test
  void interruptingTheCallerCancelsPromptly() throws Exception {
    List<Delayed<?>> sleepers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sleepers.add(Delayed.of(Fixtures::sleepThenReturn).call(50, i));
    }
    AtomicReference<Thread> caller = new AtomicReference<>();
    CompletableFuture<Throwable> outcome =
        CompletableFuture.supplyAsync(
            () -> {
              caller.set(Thread.currentThread());
              try (Config.Scope s = useBackend()) {
                Jdask.compute(sleepers);
                return null;
              } catch (Throwable t) {
                return Thread.currentThread().isInterrupted() ? t : new AssertionError("interrupt flag lost", t);
              }
            });
    while (events.started("sleepThenReturn") < 1) {
      Thread.sleep(5);
    }
    caller.get().interrupt();
    // 200 tasks of 50 ms take 10 s / parallelism; a prompt cancel returns long before that.
    Throwable t = outcome.get(5, TimeUnit.SECONDS);
    assertInstanceOf(CancellationException.class, t);
    long started = events.started("sleepThenReturn");
    Thread.sleep(200);
    assertEquals(started, events.started("sleepThenReturn"), "nothing starts after a cancel");
    assertTrue(started < 200, "cancelled before the end: " + started);
    assertTrue(events.runs().stream().anyMatch(r -> r.kind() == RunEvent.Kind.CANCELLED));
    assertEquals(3, Delayed.of(Fixtures::inc).call(2).compute(), "usable after a cancel");
  }

  @Test
  void aCycleIsRejectedWithItsKeysBeforeAnythingRuns() {
    TaskFunction first = args -> args[0];
    TaskGraph g =
        TaskGraph.builder()
            .add("start", args -> 1)
            .add("a", first, TaskGraph.ref("c"), TaskGraph.ref("start"))
            .add("b", first, TaskGraph.ref("a"))
            .add("c", first, TaskGraph.ref("b"))
            .add("out", first, TaskGraph.ref("a"))
            .build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Delayed.fromTask(g.task("out")).compute());
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    assertTrue(e.getMessage().contains("a -> c -> b -> a"), e.getMessage());
    assertEquals(0, events.tasks().size(), "nothing ran");
  }

  @Test
  void aMissingKeyIsRejectedBeforeAnythingRuns() {
    TaskGraph g = TaskGraph.builder().add("x", args -> 1).add("y", args -> args[0], TaskGraph.ref("nope")).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Delayed.fromTask(g.task("y")).compute());
    assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("'y'"), e.getMessage());
    assertEquals(0, events.tasks().size());
  }

  @Test
  void lowLevelGraphsComputeOnlyWhatTheOutputNeeds() {
    TaskGraph.Builder b = TaskGraph.builder();
    Object[] refs = new Object[10];
    for (int i = 0; i < 10; i++) {
      int v = i;
      b.add("part-" + i, args -> v * v);
      refs[i] = TaskGraph.ref("part-" + i);
    }
    b.add("total", args -> {
      int s = 0;
      for (Object a : args) {
        s += (Integer) a;
      }
      return s;
    }, refs);
    b.add("unneeded", args -> {
      throw new IllegalStateException("culled tasks must not run");
    });
    TaskGraph g = b.build();
    assertEquals(285, Delayed.fromTask(g.task("total")).compute());
    assertEquals(10, events.started("part"));
    assertEquals(0, events.started("unneeded"));
    // Tasks built directly (no TaskGraph) compose with Delayed values too.
    Task direct = Task.of(args -> (Integer) args[0] * 2, g.task("total"));
    assertEquals(570, Delayed.fromTask(direct).compute());
  }

  @Test
  void aTreeReductionKeepsFewLeafResultsAlive() {
    // 2,000 leaves of 1 MiB: 2 GiB if nothing were released, far beyond the test heap.
    List<Delayed<?>> level = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      level.add(Delayed.of(Fixtures::mebibyte).name("leaf").call(i));
    }
    while (level.size() > 1) {
      List<Delayed<?>> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        next.add(i + 1 < level.size()
            ? Delayed.of(Fixtures::combine).callUnchecked(level.get(i), level.get(i + 1))
            : level.get(i));
      }
      level = next;
    }
    assertEquals(2000L, level.get(0).compute());

    int alive = 0;
    int maxAlive = 0;
    for (TaskEvent e : events.tasks()) {
      if (!e.group().equals("leaf")) {
        continue;
      }
      if (e.state() == TaskEvent.State.FINISHED) {
        maxAlive = Math.max(maxAlive, ++alive);
      } else if (e.state() == TaskEvent.State.RELEASED) {
        alive--;
      }
    }
    assertEquals(0, alive, "every leaf result was released");
    int bound = 2 * (parallelism() + 1);
    System.out.printf("%s: at most %d of 2000 leaf results alive at once (bound %d)%n",
        getClass().getSimpleName(), maxAlive, bound);
    assertTrue(maxAlive <= bound, "leaf results alive at once: " + maxAlive + " > " + bound);
  }

  @Test
  void everyTaskReportsWhereAndWhenItRan() {
    Delayed<Integer> a = Delayed.of(Fixtures::inc).call(1);
    Delayed<Integer> b = Delayed.of(Fixtures::square).call(a);
    Delayed<Integer> c = Delayed.of(Fixtures::add).call(a, b);
    assertEquals(6, c.compute());
    List<TaskEvent> finished = events.tasks().stream().filter(e -> e.state() == TaskEvent.State.FINISHED).toList();
    assertEquals(3, finished.size());
    for (TaskEvent e : finished) {
      assertNotNull(e.thread());
      assertNotNull(e.worker());
      assertTrue(e.endNanos() >= e.startNanos());
      assertTrue(e.key().startsWith(e.group() + "-"), e.key());
    }
    RunEvent started = events.runs().get(0);
    assertEquals(RunEvent.Kind.STARTED, started.kind());
    assertEquals(3, started.totalTasks());
    assertEquals(Map.of("inc", 1, "square", 1, "add", 1), started.tasksPerGroup());
    assertEquals(RunEvent.Kind.FINISHED, events.runs().get(1).kind());
  }

  @Test
  void theStartedEventCarriesEveryNodeOfThePlanFusedChainsIncluded() {
    // a -> b -> c is one fused unit (fusion is on by default); d needs c and e.
    Delayed<Integer> a = Delayed.of(Fixtures::inc).call(1);
    Delayed<Integer> b = Delayed.of(Fixtures::square).call(a);
    Delayed<Integer> c = Delayed.of(Fixtures::inc).call(b);
    Delayed<Integer> e = Delayed.of(Fixtures::inc).call(0);
    Delayed<Integer> d = Delayed.of(Fixtures::add).call(c, e);
    assertEquals(6, d.compute());
    Plan plan = events.runs().get(0).plan();
    assertNotNull(plan, "STARTED carries the run's plan");
    assertEquals(5, plan.size());
    assertTrue(plan.units() < plan.size(), "the chain was fused: " + plan.units() + " units");
    Set<String> finished = new HashSet<>();
    events.tasks().stream().filter(t -> t.state() == TaskEvent.State.FINISHED).forEach(t -> finished.add(t.key()));
    assertEquals(Set.copyOf(plan.keys()), finished, "every node of the plan reports, and only those");
    int node = plan.keys().indexOf(d.key());
    assertEquals(Set.of(c.key(), e.key()), Set.of(plan.key(plan.dep(node, 0)), plan.key(plan.dep(node, 1))));
    for (RunEvent end : events.runs().subList(1, events.runs().size())) {
      assertNull(end.plan(), end.kind() + " carries no plan");
    }
  }

  @Test
  void persistComputesOnceAndKeepsTheKey() {
    Delayed<Integer> a = Delayed.of(Fixtures::inc).call(41);
    Delayed<Integer> kept = a.persist();
    assertEquals(a.key(), kept.key());
    assertEquals(1, events.started("inc"));
    assertEquals(43, kept.then(x -> x + 1).compute());
    assertEquals(42, kept.compute());
    assertEquals(1, events.started("inc"), "a persisted value is not computed again");
  }

  @Test
  void aTaskMayComputeAnotherGraph() {
    Delayed<Integer> outer =
        Delayed.of((Integer x) -> Delayed.of(Fixtures::inc).call(x).compute() * 10).call(4);
    List<Delayed<?>> many = new ArrayList<>();
    for (int i = 0; i < 2 * parallelism() + 2; i++) {
      many.add(outer.then(v -> v + 0));
    }
    for (Object r : Jdask.compute(many)) {
      assertEquals(50, r);
    }
  }
}
