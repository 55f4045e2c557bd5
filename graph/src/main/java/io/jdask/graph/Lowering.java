package io.jdask.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lowers a graph of {@link Task} objects, reachable from the requested outputs, into the
 * int-indexed arrays of a {@link Plan}.
 *
 * <p>One iterative depth-first traversal does four jobs at once:
 *
 * <ul>
 *   <li><b>cull</b>: only tasks the outputs need are visited;
 *   <li><b>deduplicate</b>: a task object reached twice, or two tasks with one explicit key (pure
 *       calls built twice), become one node;
 *   <li><b>order</b>: nodes are numbered in post-order, dependencies first, children in argument
 *       order. That number is the static priority: running the lowest-numbered ready node first
 *       finishes a branch before it starts the next, the idea behind {@code dask.order}, and
 *       keeps a reduction's live intermediates few;
 *   <li><b>check</b>: a task met again while it is still on the traversal stack closes a cycle,
 *       which is reported with its keys; a reference to a missing key is reported too.
 * </ul>
 *
 * Data tasks used as arguments are inlined as constants rather than becoming nodes.
 *
 * <h2>Numbering in place</h2>
 *
 * The traversal asks of every task it meets whether it has a node yet. One lowering at a time
 * in the JVM keeps that answer in two fields of the task itself ({@code Task.loweredBy} and
 * {@code Task.loweredNode}), stamped with the lowering's id, a counter, so numbers left by
 * earlier lowerings are ignored and never need clearing. A lowering that starts while another
 * holds that right keeps the answer in a {@link TaskIndex} instead, and never touches the
 * fields: two lowerings of graphs that share tasks, on two threads, cannot see each other's
 * numbers. The right is an {@link AtomicBoolean}, so each holder's writes happen before the next
 * holder's reads.
 *
 * <p>Why: the hash table's lookups went to random places in arrays of a million entries, and on
 * the 200k-task tree they missed the cache at almost every one; the task's own fields are on
 * the line the traversal has just read. Lowering that tree took 203 ns a task with the table and
 * 68 in place ({@code BuildBenchmark.lower}), for 8 bytes more a task.
 */
final class Lowering {
  static final int GRAY = -1; // on the traversal stack
  private static final AtomicLong LOWERINGS = new AtomicLong();
  private static final AtomicBoolean IN_PLACE_TAKEN = new AtomicBoolean();

  private final TaskIndex index; // null: this lowering numbers tasks in their own fields
  private final long id;
  private final Map<String, Integer> byKey = new HashMap<>();
  private Task[][] tasks; // in Pages, like every per-node array here
  private int n;
  private final IntList argStart;
  private final IntList argSource;
  private final IntList depStart;
  private final IntList deps;
  private int[][] depMark; // depMark[d] == node + 1 while collecting node's deps: dedup in O(1)
  private final Map<Long, int[]> nestedLeaves = new HashMap<>();

  private Task[] stack = new Task[64];
  private int[] cursorArg = new int[64];
  private int[] cursorLeaf = new int[64];
  private int[] scratchBase = new int[64];
  private int sp;
  // One entry per dependency reference of the frames on the stack, in argument order: the
  // node it resolved to, or Plan.INLINE for data. Frames nest, so one stack serves them all,
  // and finishing a node needs no second lookup of its dependencies.
  private final IntList scratch = new IntList(256);

  Lowering(int expectedSize, boolean inPlace) {
    int cap = Math.max(16, expectedSize);
    index = inPlace ? null : new TaskIndex(cap);
    id = LOWERINGS.incrementAndGet();
    tasks = Pages.ensure(new Task[1][], cap - 1);
    argStart = new IntList(cap + 1);
    argSource = new IntList(cap * 2);
    depStart = new IntList(cap + 1);
    deps = new IntList(cap * 2);
    depMark = Pages.ensure(new int[1][], cap - 1);
  }

  static Plan lower(List<Task> outputs, boolean fuse) {
    boolean inPlace = IN_PLACE_TAKEN.compareAndSet(false, true); // else another lowering has it
    try {
      return lower(outputs, fuse, inPlace);
    } finally {
      if (inPlace) {
        IN_PLACE_TAKEN.set(false);
      }
    }
  }

  /** True while some lowering numbers tasks in their fields (for tests). */
  static boolean inPlaceTaken() {
    return IN_PLACE_TAKEN.get();
  }

  /** Lowers numbering in the tasks' fields, or in a table; the caller holds the right to the fields if {@code inPlace}. */
  static Plan lower(List<Task> outputs, boolean fuse, boolean inPlace) {
    Lowering l = new Lowering(64, inPlace);
    int[] out = new int[outputs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.visitRoot(outputs.get(i));
    }
    l.argStart.add(l.argSource.size());
    l.depStart.add(l.deps.size());
    return new Plan(
        Pages.trim(l.tasks, l.n),
        l.n,
        l.argStart.toPages(),
        l.argSource.toPages(),
        l.depStart.toPages(),
        l.deps.toPages(),
        l.deps.size(),
        l.nestedLeaves,
        out,
        fuse);
  }

  private int visitRoot(Task root) {
    int known = lookup(root);
    if (known >= 0) {
      return known;
    }
    push(root);
    while (true) {
      int f = sp - 1;
      Task next = advance(f);
      if (next != null) {
        push(next);
        continue;
      }
      int node = finish(stack[f], scratchBase[f]);
      stack[--sp] = null;
      if (sp == 0) {
        return node;
      }
      scratch.add(node); // the parent's pending reference
    }
  }

  /**
   * Advances the cursor of stack frame {@code f}, recording resolved references on the scratch
   * stack; returns the first dependency not visited yet, or null when all are resolved.
   */
  private Task advance(int f) {
    Task t = stack[f];
    int argc = t.argCount();
    while (cursorArg[f] < argc) {
      Object a = t.arg(cursorArg[f]);
      Object ref;
      if (a instanceof NestedArg nested) {
        Object[] leaves = nested.leaves();
        if (cursorLeaf[f] < leaves.length) {
          ref = leaves[cursorLeaf[f]++];
        } else {
          cursorArg[f]++;
          cursorLeaf[f] = 0;
          continue;
        }
      } else {
        cursorArg[f]++;
        if (!(a instanceof Task || a instanceof KeyRef)) {
          continue;
        }
        ref = a;
      }
      Task d = t.resolve(ref);
      if (d.isData()) {
        scratch.add(Plan.INLINE);
        continue;
      }
      int state = lookup(d);
      if (state == GRAY) {
        throw new IllegalArgumentException("the graph has a cycle: " + describeCycle(d));
      }
      if (state == TaskIndex.ABSENT) {
        return d;
      }
      scratch.add(state);
    }
    return null;
  }

  private int lookup(Task t) {
    int i = get(t);
    if (i != TaskIndex.ABSENT || !t.hasExplicitKey()) {
      return i;
    }
    Integer k = byKey.get(t.key());
    if (k != null) {
      put(t, k);
      return k;
    }
    return TaskIndex.ABSENT;
  }

  private int get(Task t) {
    if (index == null) {
      return t.loweredBy == id ? t.loweredNode : TaskIndex.ABSENT;
    }
    return index.get(t);
  }

  private void put(Task t, int node) {
    if (index == null) {
      t.loweredBy = id;
      t.loweredNode = node;
    } else {
      index.put(t, node);
    }
  }

  private void push(Task t) {
    if (sp == stack.length) {
      int cap = sp * 2;
      stack = Arrays.copyOf(stack, cap);
      cursorArg = Arrays.copyOf(cursorArg, cap);
      cursorLeaf = Arrays.copyOf(cursorLeaf, cap);
      scratchBase = Arrays.copyOf(scratchBase, cap);
    }
    put(t, GRAY);
    stack[sp] = t;
    cursorArg[sp] = 0;
    cursorLeaf[sp] = 0;
    scratchBase[sp] = scratch.size();
    sp++;
  }

  /** Numbers a task whose dependencies are all numbered; its references are on the scratch stack from {@code base}. */
  private int finish(Task t, int base) {
    int node = n++;
    int[] markPage = Pages.page(node) < depMark.length ? depMark[Pages.page(node)] : null;
    if (markPage == null || Pages.slot(node) >= markPage.length) {
      tasks = Pages.ensure(tasks, node);
      depMark = Pages.ensure(depMark, node);
    }
    Pages.set(tasks, node, t);
    put(t, node);
    if (t.hasExplicitKey()) {
      byKey.putIfAbsent(t.key(), node);
    }
    argStart.add(argSource.size());
    depStart.add(deps.size());
    int s = base;
    for (int j = 0; j < t.argCount(); j++) {
      Object a = t.arg(j);
      if (a instanceof Task || a instanceof KeyRef) {
        int src = scratch.get(s++);
        argSource.add(src);
        if (src >= 0) {
          addDep(node, src);
        }
      } else if (a instanceof NestedArg nested) {
        int[] li = new int[nested.leaves().length];
        for (int k = 0; k < li.length; k++) {
          li[k] = scratch.get(s++);
          if (li[k] >= 0) {
            addDep(node, li[k]);
          }
        }
        nestedLeaves.put(Plan.nestedKey(node, j), li);
        argSource.add(Plan.NESTED);
      } else {
        argSource.add(Plan.CONST);
      }
    }
    scratch.truncate(base);
    return node;
  }

  private void addDep(int node, int d) {
    if (Pages.get(depMark, d) != node + 1) {
      Pages.set(depMark, d, node + 1);
      deps.add(d);
    }
  }

  private String describeCycle(Task repeated) {
    List<String> keys = new ArrayList<>();
    int from = sp - 1;
    while (from > 0 && stack[from] != repeated) {
      from--;
    }
    for (int i = from; i < sp; i++) {
      keys.add(stack[i].key());
    }
    keys.add(repeated.key());
    return String.join(" -> ", keys);
  }
}
