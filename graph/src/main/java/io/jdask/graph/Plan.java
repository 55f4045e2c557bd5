package io.jdask.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A graph lowered for execution: nodes numbered 0…n-1 in a topological order that is also
 * their static priority (lower runs first), with dependencies, dependents and argument sources
 * as flat int arrays, so a scheduler's hot path reads arrays and never walks maps of objects.
 *
 * <p>Linear chains may be fused: when node {@code d}'s only dependent is {@code i}, {@code i}'s
 * only dependency is {@code d} and {@code d} is not an output, both run as one schedulable
 * <em>unit</em>, back to back on one thread, without a trip through the scheduler. A unit is
 * named by its head (the first node); {@link #next(int)} walks it. A unit's dependencies are its
 * head's, its dependents its tail's. Every node still reports its own task events.
 *
 * <p>A plan is immutable and shared by all the threads of a run.
 */
public final class Plan {
  /** Argument source: the task's own argument is a constant. */
  static final int CONST = -1;
  /** Argument source: a data task, inlined. */
  static final int INLINE = -2;
  /** Argument source: a list, set or map containing tasks. */
  static final int NESTED = -3;

  // Every column is in pages (see Pages): flat, those of a graph of a few hundred thousand
  // tasks would be humongous for G1.
  //
  // What the scheduler reads of a node on its hot path (where its arguments, dependencies and
  // dependents start, its fused successor, whether it heads a unit and is an output) is one
  // record of four ints, RECORD_* below, so that one page lookup serves a node's reads. A
  // node's counts are the next record's starts minus its own, and every page ends with a copy
  // of the next page's first record, so the next record is always on the same page. Running a
  // 16,383-task tree on SYNC took 82 ns a task so, 85 with a paged column for each field, and
  // 71 with the flat columns of before (scratch harness, LocalRun alone, medians of 10 rounds).
  private static final int RECORD = 4;
  private static final int RECORD_ARGS = 0;
  private static final int RECORD_DEPS = 1;
  private static final int RECORD_DEPENDENTS = 2;
  private static final int RECORD_NEXT = 3; // fused successor + 1 (0: none), and the flags
  private static final int NODE_SHIFT = Pages.SHIFT - 2;
  private static final int NODES_PER_PAGE = 1 << NODE_SHIFT;
  private static final int NODE_MASK = NODES_PER_PAGE - 1;
  private static final int OUTPUT = 1 << 31;
  private static final int HEAD = 1 << 30;
  private static final int NEXT_MASK = HEAD - 1;
  /** The most nodes a plan holds: what the record's successor field can number. */
  static final int MAX_NODES = NEXT_MASK - 1;

  private final Task[][] tasks;
  private final int n;
  private final int[][] records;
  private final int[][] argSource;
  private final int[][] deps;
  private final int[][] dependents;
  private final Map<Long, int[]> nestedLeaves;
  private final int[] outputs;
  private final int units;
  private final int dataNodes;

  /**
   * Takes the lowering's columns, in pages: {@code argStart} and {@code depStart} hold {@code
   * n + 1} entries (the last one the total), {@code deps} {@code edges}.
   */
  Plan(
      Task[][] tasks,
      int n,
      int[][] argStart,
      int[][] argSource,
      int[][] depStart,
      int[][] deps,
      int edges,
      Map<Long, int[]> nestedLeaves,
      int[] outputs,
      boolean fuse) {
    if (n > MAX_NODES) {
      throw new IllegalArgumentException(
          "the graph has " + n + " tasks; a plan holds at most " + MAX_NODES);
    }
    this.tasks = tasks;
    this.n = n;
    this.argSource = argSource;
    this.deps = deps;
    this.nestedLeaves = nestedLeaves;
    this.outputs = outputs;
    // Dependents in CSR form: count each node's dependents into dependentStart[d + 1], sum up.
    // (Page by page where the walk is sequential: a Pages.get per entry made building the plan
    // of a 10,000-task chain three times slower than with flat arrays.)
    int[][] dependentStart = Pages.ints(n + 1);
    for (int[] page : deps) {
      for (int d : page) {
        dependentStart[(d + 1) >>> Pages.SHIFT][(d + 1) & Pages.MASK]++;
      }
    }
    int sum = 0;
    for (int[] page : dependentStart) {
      for (int j = 0; j < page.length; j++) {
        sum += page[j];
        page[j] = sum;
      }
    }
    dependents = Pages.ints(edges);
    int[][] fill = Pages.ints(n); // the next free slot of each node's dependents
    for (int p = 0; p < fill.length; p++) {
      System.arraycopy(dependentStart[p], 0, fill[p], 0, fill[p].length);
    }
    for (int i = 0, k = 0; i < n; i++) {
      for (int end = Pages.get(depStart, i + 1); k < end; k++) {
        int d = Pages.get(deps, k);
        int at = fill[d >>> Pages.SHIFT][d & Pages.MASK]++;
        Pages.set(dependents, at, i);
      }
    }
    records = new int[(n + NODE_MASK) >>> NODE_SHIFT][];
    for (int p = 0; p < records.length; p++) {
      int first = p << NODE_SHIFT;
      int count = Math.min(NODES_PER_PAGE, n - first);
      int[] page = new int[(count + 1) * RECORD]; // and the next page's first record
      for (int j = 0; j <= count; j++) {
        int node = first + j;
        page[j * RECORD + RECORD_ARGS] = Pages.get(argStart, node);
        page[j * RECORD + RECORD_DEPS] = Pages.get(depStart, node);
        page[j * RECORD + RECORD_DEPENDENTS] = Pages.get(dependentStart, node);
        page[j * RECORD + RECORD_NEXT] = HEAD;
      }
      records[p] = page;
    }
    for (int o : outputs) {
      records[o >>> NODE_SHIFT][((o & NODE_MASK) << 2) + RECORD_NEXT] |= OUTPUT;
    }
    int fused = 0;
    if (fuse) {
      for (int i = 0; i < n; i++) {
        if (depCount(i) == 1) {
          int d = dep(i, 0);
          if (dependentCount(d) == 1 && !isOutput(d)) {
            records[d >>> NODE_SHIFT][((d & NODE_MASK) << 2) + RECORD_NEXT] += i + 1;
            records[i >>> NODE_SHIFT][((i & NODE_MASK) << 2) + RECORD_NEXT] &= ~HEAD;
            fused++;
          }
        }
      }
    }
    units = n - fused;
    int data = 0;
    for (Task[] page : tasks) {
      for (Task t : page) {
        data += t.isData() ? 1 : 0;
      }
    }
    dataNodes = data;
  }

  /** Lowers the graph needed by {@code outputs}; see {@link Lowering}. */
  public static Plan of(List<Task> outputs, boolean fuse) {
    return Lowering.lower(outputs, fuse);
  }

  public int size() {
    return n;
  }

  /**
   * The number of nodes that run a function: all nodes but data requested as outputs (a
   * persisted or literal value), which are handed back without running anything.
   */
  public int taskCount() {
    return n - dataNodes;
  }

  /** The number of schedulable units (nodes minus those fused into a predecessor). */
  public int units() {
    return units;
  }

  public Task task(int node) {
    return Pages.get(tasks, node);
  }

  public String key(int node) {
    return task(node).key();
  }

  public String group(int node) {
    return task(node).group();
  }

  public int depCount(int node) {
    return count(node, RECORD_DEPS);
  }

  public int dep(int node, int k) {
    return Pages.get(deps, start(node, RECORD_DEPS) + k);
  }

  public int dependentCount(int node) {
    return count(node, RECORD_DEPENDENTS);
  }

  public int dependent(int node, int k) {
    return Pages.get(dependents, start(node, RECORD_DEPENDENTS) + k);
  }

  /** Where the node's entries of a column start (a {@code RECORD_*} field). */
  private int start(int node, int field) {
    return records[node >>> NODE_SHIFT][((node & NODE_MASK) << 2) + field];
  }

  /** How many entries of a column the node has: the next record's start minus its own. */
  private int count(int node, int field) {
    int[] page = records[node >>> NODE_SHIFT];
    int at = ((node & NODE_MASK) << 2) + field;
    return page[at + RECORD] - page[at];
  }

  /** The output nodes, one per requested output, in request order (repeats allowed). */
  public int[] outputs() {
    return outputs.clone();
  }

  public int outputCount() {
    return outputs.length;
  }

  public int output(int k) {
    return outputs[k];
  }

  public boolean isOutput(int node) {
    return start(node, RECORD_NEXT) < 0; // OUTPUT is the sign bit
  }

  /** True if the node starts a unit (it is scheduled, rather than run by its predecessor). */
  public boolean isHead(int node) {
    return (start(node, RECORD_NEXT) & HEAD) != 0;
  }

  /** The next node of this node's unit, or -1 if it is the unit's tail. */
  public int next(int node) {
    return (start(node, RECORD_NEXT) & NEXT_MASK) - 1;
  }

  /** The last node of the unit headed by {@code head}. */
  public int tail(int head) {
    int t = head;
    while (next(t) >= 0) {
      t = next(t);
    }
    return t;
  }

  /**
   * Runs one node: resolves its arguments from {@code results} (indexed by node, in {@link
   * Pages}) and applies its function. The caller guarantees that every dependency's result is
   * present.
   */
  public Object run(int node, Object[][] results) throws Exception {
    Task t = task(node);
    if (t.isData()) {
      return t.value();
    }
    int s = start(node, RECORD_ARGS);
    int argc = count(node, RECORD_ARGS);
    Object[] args = new Object[argc];
    for (int k = 0; k < argc; k++) {
      int src = Pages.get(argSource, s + k);
      if (src >= 0) {
        args[k] = Pages.get(results, src);
      } else if (src == CONST) {
        args[k] = t.arg(k);
      } else if (src == INLINE) {
        args[k] = t.resolve(t.arg(k)).value();
      } else {
        args[k] = resolveNested(node, k, t, d -> Pages.get(results, d));
      }
    }
    return t.function().apply(args);
  }

  /** Rebuilds a nested argument, each task inside replaced by {@code value.apply(node)}, data inlined. */
  private Object resolveNested(int node, int k, Task t, IntFunction<Object> value) {
    NestedArg nested = (NestedArg) t.arg(k);
    int[] leafNodes = nestedLeaves.get(nestedKey(node, k));
    Object[] leaves = nested.leaves();
    Object[] values = new Object[leafNodes.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = leafNodes[i] >= 0 ? value.apply(leafNodes[i]) : t.resolve(leaves[i]).value();
    }
    return nested.resolve(values);
  }

  /**
   * The node's arguments for running in another JVM: each dependency replaced by
   * {@code ref.apply(dependency)} (inside nested collections too), data inlined, constants as
   * they are. {@code kinds[k]} receives what argument {@code k} is: {@link #ARG_CONSTANT},
   * {@link #ARG_REFERENCE}, or {@link #ARG_NESTED} (a list, set or map holding references).
   */
  public Object[] portableArgs(int node, IntFunction<Object> ref, byte[] kinds) {
    Task t = task(node);
    int s = start(node, RECORD_ARGS);
    int argc = count(node, RECORD_ARGS);
    Object[] args = new Object[argc];
    for (int k = 0; k < argc; k++) {
      int src = Pages.get(argSource, s + k);
      if (src >= 0) {
        args[k] = ref.apply(src);
        kinds[k] = ARG_REFERENCE;
      } else if (src == CONST) {
        args[k] = t.arg(k);
        kinds[k] = ARG_CONSTANT;
      } else if (src == INLINE) {
        args[k] = t.resolve(t.arg(k)).value();
        kinds[k] = ARG_CONSTANT;
      } else {
        args[k] = resolveNested(node, k, t, ref);
        kinds[k] = ARG_NESTED;
      }
    }
    return args;
  }

  /** The number of arguments of a node (0 for data). */
  public int argCount(int node) {
    return count(node, RECORD_ARGS);
  }

  /** {@link #portableArgs} kind: a constant. */
  public static final byte ARG_CONSTANT = 0;
  /** {@link #portableArgs} kind: a reference to a dependency's result. */
  public static final byte ARG_REFERENCE = 1;
  /** {@link #portableArgs} kind: an ArrayList, LinkedHashSet or LinkedHashMap holding references. */
  public static final byte ARG_NESTED = 2;

  static long nestedKey(int node, int arg) {
    return ((long) node << 32) | (arg & 0xffffffffL);
  }

  /** The number of tasks per group, data outputs excepted (for progress displays). */
  public Map<String, Integer> tasksPerGroup() {
    // A group's tasks mostly share one String object, and most graphs alternate between a few
    // groups: count against the last two groups seen, by identity, and update the map only
    // when a third comes, rather than a hash lookup per task.
    Map<String, Integer> counts = new java.util.HashMap<>();
    String g0 = null;
    String g1 = null;
    int c0 = 0;
    int c1 = 0;
    for (int i = 0; i < n; i++) {
      Task t = task(i);
      if (t.isData()) {
        continue;
      }
      String g = t.group();
      if (g == g0) {
        c0++;
      } else if (g == g1) {
        c1++;
      } else {
        if (g1 != null) {
          counts.merge(g1, c1, Integer::sum);
        }
        g1 = g0;
        c1 = c0;
        g0 = g;
        c0 = 1;
      }
    }
    if (g0 != null) {
      counts.merge(g0, c0, Integer::sum);
    }
    if (g1 != null) {
      counts.merge(g1, c1, Integer::sum);
    }
    return counts;
  }

  /** The keys of the nodes, in priority order (for diagnostics and tests). */
  public List<String> keys() {
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(key(i));
    }
    return keys;
  }
}
