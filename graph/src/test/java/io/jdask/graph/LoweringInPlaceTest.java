package io.jdask.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lowering numbers tasks in their own fields, one lowering at a time, and in a table
 * otherwise (see {@link Lowering}): both must give the same plan, numbers left by an earlier
 * lowering must not leak into the next, and lowerings on several threads over shared tasks must
 * each get their own.
 */
class LoweringInPlaceTest {
  private static final TaskFunction ONE = args -> 1;
  private static final TaskFunction SUM = args -> args.length;

  /**
   * A binary tree over {@code leaves}, as a list of its levels' tasks, root last; each add also
   * reads a leaf far away, so that leaves are met again after their first visit, when a number
   * lost to another lowering would show.
   */
  private static List<Task> tree(List<Task> leaves) {
    List<Task> all = new ArrayList<>(leaves);
    List<Task> level = leaves;
    int far = 0;
    while (level.size() > 1) {
      List<Task> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        Task farLeaf = leaves.get((int) ((far++ * 7919L) % leaves.size()));
        next.add(i + 1 < level.size()
            ? Task.of("add", SUM, level.get(i), level.get(i + 1), farLeaf)
            : level.get(i));
      }
      all.addAll(next);
      level = next;
    }
    return all;
  }

  private static List<Task> leaves(int n) {
    List<Task> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      leaves.add(Task.of("leaf", ONE));
    }
    return leaves;
  }

  /** What a scheduler reads of a plan, as one comparable value. */
  private static String shape(Plan p) {
    StringBuilder s = new StringBuilder().append(p.keys()).append(p.units());
    for (int i = 0; i < p.size(); i++) {
      s.append(';').append(i).append(p.isHead(i) ? 'h' : '-').append(p.isOutput(i) ? 'o' : '-').append(p.next(i));
      for (int k = 0; k < p.depCount(i); k++) {
        s.append(',').append(p.dep(i, k));
      }
      for (int k = 0; k < p.dependentCount(i); k++) {
        s.append('<').append(p.dependent(i, k));
      }
    }
    return s.toString();
  }

  @Test
  void inPlaceAndInATableTheLoweringGivesTheSamePlan() {
    List<Task> all = tree(leaves(1000));
    Task root = all.get(all.size() - 1);
    Task shared = all.get(1500);
    Task nested = Task.of("nested", SUM, List.of(shared, all.get(10), Map.of("k", all.get(11))), shared);
    TaskGraph g = TaskGraph.builder()
        .add("x-1", ONE)
        .add("y-1", SUM, TaskGraph.ref("x-1"), TaskGraph.ref("x-1"), Task.data("d", 3))
        .build();
    Task pure1 = Task.keyed("pure-1", SUM, shared);
    Task pure2 = Task.keyed("pure-1", SUM, shared); // the same key: one node
    List<List<Task>> requests = List.of(
        List.of(root),
        List.of(nested, root, nested),
        List.of(g.task("y-1"), pure1, pure2, all.get(3)));
    for (List<Task> outputs : requests) {
      for (boolean fuse : new boolean[] {true, false}) {
        assertEquals(shape(Lowering.lower(outputs, fuse, false)), shape(Plan.of(outputs, fuse)),
            "outputs " + outputs.size() + ", fuse " + fuse);
      }
    }
  }

  @Test
  void numbersLeftByAnEarlierLoweringAreIgnored() {
    List<Task> all = tree(leaves(300));
    Task root = all.get(all.size() - 1);
    Task inner = all.get(400); // numbered deep inside the whole tree's plan
    String whole = shape(Lowering.lower(List.of(root), true, false));
    String part = shape(Lowering.lower(List.of(inner), true, false));
    for (int round = 0; round < 3; round++) {
      assertEquals(whole, shape(Plan.of(List.of(root), true)), "round " + round);
      assertEquals(part, shape(Plan.of(List.of(inner), true)), "round " + round);
    }
  }

  @Test
  void aFailedLoweringGivesTheFieldsBack() {
    TaskGraph cyclic = TaskGraph.builder()
        .add("a-1", SUM, TaskGraph.ref("b-1"))
        .add("b-1", SUM, TaskGraph.ref("a-1"))
        .build();
    assertThrows(IllegalArgumentException.class, () -> Plan.of(List.of(cyclic.task("a-1")), true));
    assertFalse(Lowering.inPlaceTaken());
    List<Task> all = tree(leaves(8));
    assertEquals(15, Plan.of(List.of(all.get(all.size() - 1)), true).size()); // 8 leaves, 7 adds
  }

  @Test
  void loweringsOnSeveralThreadsOverSharedTasksEachGetTheirOwnNumbers() throws Exception {
    List<Task> all = tree(leaves(4096));
    Task root = all.get(all.size() - 1);
    List<List<Task>> requests = new ArrayList<>();
    requests.add(List.of(root));
    for (int k = 0; k < 7; k++) {
      requests.add(List.of(all.get(4096 + 300 * k), all.get(6000 + 100 * k))); // overlapping parts
    }
    List<String> expected = new ArrayList<>();
    for (List<Task> r : requests) {
      expected.add(shape(Lowering.lower(r, true, false)));
    }
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          start.await();
          int checked = 0;
          for (int i = 0; i < 60; i++) {
            int r = (first + i) % requests.size();
            assertEquals(expected.get(r), shape(Plan.of(requests.get(r), true)), "request " + r);
            checked++;
          }
          return checked;
        }));
      }
      start.countDown();
      for (Future<Integer> f : done) {
        assertEquals(60, f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
      assertEquals(true, pool.awaitTermination(10, TimeUnit.SECONDS));
    }
    assertFalse(Lowering.inPlaceTaken());
  }
}
