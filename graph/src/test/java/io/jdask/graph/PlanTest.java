package io.jdask.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {
  private static final TaskFunction ONE = args -> 1;
  private static final TaskFunction SUM =
      args -> {
        int s = 0;
        for (Object a : args) {
          s += (Integer) a;
        }
        return s;
      };

  @Test
  void nodesAreNumberedDependenciesFirstDepthFirst() {
    // A binary reduction over 4 leaves: post-order interleaves leaves with their combines,
    // so the lowest-numbered ready node always finishes a branch before starting another.
    Task l0 = Task.of("leaf", ONE);
    Task l1 = Task.of("leaf", ONE);
    Task l2 = Task.of("leaf", ONE);
    Task l3 = Task.of("leaf", ONE);
    Task a = Task.of("add", SUM, l0, l1);
    Task b = Task.of("add", SUM, l2, l3);
    Task root = Task.of("add", SUM, a, b);
    Plan p = Plan.of(List.of(root), false);
    assertEquals(
        List.of(l0.key(), l1.key(), a.key(), l2.key(), l3.key(), b.key(), root.key()), p.keys());
    for (int i = 0; i < p.size(); i++) {
      for (int k = 0; k < p.depCount(i); k++) {
        assertTrue(p.dep(i, k) < i, "dependencies come first");
      }
    }
  }

  @Test
  void onlyWhatTheOutputsNeedIsLowered() {
    Task needed = Task.of("x", ONE);
    Task.of("unused", SUM, needed); // depends on needed, but nothing asks for it
    Task out = Task.of("out", SUM, needed);
    Plan p = Plan.of(List.of(out), false);
    assertEquals(List.of(needed.key(), out.key()), p.keys());
  }

  @Test
  void aTaskReachedTwiceAndEqualExplicitKeysBecomeOneNode() {
    Task shared = Task.of("shared", ONE);
    Task k1 = Task.keyed("same-key", SUM, shared);
    Task k2 = Task.keyed("same-key", SUM, shared);
    Task out = Task.of("out", SUM, k1, k2, shared);
    Plan p = Plan.of(List.of(out), false);
    assertEquals(3, p.size());
    assertEquals(2, p.depCount(p.size() - 1), "dependencies are counted once each");
  }

  @Test
  void linearChainsFuseIntoOneUnitButOutputsAndBranchesDoNot() {
    Task x = Task.of("x", ONE);
    Task y = Task.of("y", SUM, x);
    Task z = Task.of("z", SUM, y);
    Plan fused = Plan.of(List.of(z), true);
    assertEquals(3, fused.size());
    assertEquals(1, fused.units());
    assertEquals(2, fused.tail(0));
    assertFalse(fused.isHead(1));

    Plan notFused = Plan.of(List.of(z), false);
    assertEquals(3, notFused.units());

    // y is also an output: it must be kept, so the chain breaks after it.
    Plan withOutput = Plan.of(List.of(z, y), true);
    assertEquals(2, withOutput.units());

    // x feeds two tasks: no fusion across the branch.
    Task w = Task.of("w", SUM, x);
    Task both = Task.of("both", SUM, y, w);
    Plan branch = Plan.of(List.of(both), true);
    assertEquals(branch.size(), branch.units(), "no node has a single dependent with a single dependency here");
  }

  @Test
  void dataArgumentsAreInlinedNotScheduled() {
    Task data = Task.data("value", 41);
    Task inc = Task.of("inc", args -> (Integer) args[0] + 1, data);
    Plan p = Plan.of(List.of(inc), true);
    assertEquals(1, p.size());
    assertEquals(1, p.taskCount());
  }

  @Test
  void aMillionNodeChainLowersWithoutRecursion() {
    Task t = Task.of("start", ONE);
    for (int i = 0; i < 1_000_000; i++) {
      t = Task.of("step", SUM, t);
    }
    Plan p = Plan.of(List.of(t), true);
    assertEquals(1_000_001, p.size());
    assertEquals(1, p.units());
  }

  @Test
  void keysReferToTheirGraphAndDependenciesResolve() {
    TaskGraph g = TaskGraph.builder().add("a-1", ONE).add("b-1", SUM, TaskGraph.ref("a-1"), 5).build();
    Task b = g.task("b-1");
    assertEquals(List.of(g.task("a-1")), b.dependencies());
    assertEquals("b", b.group());
    List<Task> deps = new ArrayList<>(Task.of("c", SUM, List.of(b, 1)).dependencies());
    assertEquals(List.of(b), deps, "tasks inside a list argument are dependencies");
  }

  @Test
  void aGraphOverSeveralPagesHasTheDependenciesAndDependentsOfItsTasks() {
    // Sums of three leaves, one of them far away: edges cross page boundaries both ways, some
    // leaves are shared, and a task naming one leaf twice depends on it once.
    int leaves = 2 * Pages.SIZE + 100;
    Task[] leaf = new Task[leaves];
    for (int i = 0; i < leaves; i++) {
      leaf[i] = Task.of("leaf", ONE);
    }
    List<Task> sums = new ArrayList<>();
    for (int i = 0; i + 1 < leaves; i += 2) {
      Task far = leaf[(int) ((i * 7919L) % leaves)];
      sums.add(Task.of("sum", SUM, leaf[i], leaf[i + 1], far, i % 10 == 0 ? far : leaf[i]));
    }
    Task total = Task.of("total", SUM, sums.toArray());
    Plan p = Plan.of(List.of(total), true);
    assertEquals(leaves + sums.size() + 1, p.size());

    java.util.Map<Task, Integer> node = new java.util.IdentityHashMap<>();
    for (int i = 0; i < p.size(); i++) {
      node.put(p.task(i), i);
    }
    int[] dependentsSeen = new int[p.size()];
    for (int i = 0; i < p.size(); i++) {
      java.util.Set<Integer> expected = new java.util.LinkedHashSet<>();
      for (Task d : p.task(i).dependencies()) {
        expected.add(node.get(d));
      }
      List<Integer> actual = new ArrayList<>();
      for (int k = 0; k < p.depCount(i); k++) {
        actual.add(p.dep(i, k));
      }
      assertEquals(new ArrayList<>(expected), actual, "dependencies of node " + i);
      for (int d : actual) {
        boolean found = false;
        for (int k = 0; k < p.dependentCount(d); k++) {
          found |= p.dependent(d, k) == i;
        }
        assertTrue(found, "node " + i + " is a dependent of node " + d);
        dependentsSeen[d]++;
      }
    }
    for (int d = 0; d < p.size(); d++) {
      assertEquals(dependentsSeen[d], p.dependentCount(d), "dependents of node " + d);
      assertEquals(p.depCount(d) == 0 || p.dependentCount(p.dep(d, 0)) > 1 || p.depCount(d) > 1
          || p.isOutput(p.dep(d, 0)), p.isHead(d), "node " + d + " heads a unit");
    }
    assertTrue(p.isOutput(p.size() - 1));
    assertEquals(sums.size() + 1, p.tasksPerGroup().get("sum") + p.tasksPerGroup().get("total"));
  }
}
