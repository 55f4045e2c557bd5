package io.jdask.graph;

import java.util.ArrayList;
import java.util.Arrays;
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

  private final Task[] tasks;
  private final int[] argStart;
  private final int[] argSource;
  private final int[] depStart;
  private final int[] deps;
  private final int[] dependentStart;
  private final int[] dependents;
  private final Map<Long, int[]> nestedLeaves;
  private final int[] outputs;
  private final boolean[] isOutput;
  private final int[] chainNext; // fused successor, or -1
  private final boolean[] isHead;
  private final int units;
  private final int dataNodes;

  Plan(
      Task[] tasks,
      int[] argStart,
      int[] argSource,
      int[] depStart,
      int[] deps,
      Map<Long, int[]> nestedLeaves,
      int[] outputs,
      boolean fuse) {
    int n = tasks.length;
    this.tasks = tasks;
    this.argStart = argStart;
    this.argSource = argSource;
    this.depStart = depStart;
    this.deps = deps;
    this.nestedLeaves = nestedLeaves;
    this.outputs = outputs;
    this.isOutput = new boolean[n];
    for (int o : outputs) {
      isOutput[o] = true;
    }
    // Dependents in CSR form, by counting.
    dependentStart = new int[n + 1];
    for (int d : deps) {
      dependentStart[d + 1]++;
    }
    for (int i = 0; i < n; i++) {
      dependentStart[i + 1] += dependentStart[i];
    }
    dependents = new int[deps.length];
    int[] fill = Arrays.copyOf(dependentStart, n);
    for (int i = 0; i < n; i++) {
      for (int k = depStart[i]; k < depStart[i + 1]; k++) {
        dependents[fill[deps[k]]++] = i;
      }
    }
    chainNext = new int[n];
    Arrays.fill(chainNext, -1);
    isHead = new boolean[n];
    Arrays.fill(isHead, true);
    int fused = 0;
    if (fuse) {
      for (int i = 0; i < n; i++) {
        if (depStart[i + 1] - depStart[i] == 1) {
          int d = deps[depStart[i]];
          if (dependentCount(d) == 1 && !isOutput[d]) {
            chainNext[d] = i;
            isHead[i] = false;
            fused++;
          }
        }
      }
    }
    units = n - fused;
    int data = 0;
    for (Task t : tasks) {
      data += t.isData() ? 1 : 0;
    }
    dataNodes = data;
  }

  /** Lowers the graph needed by {@code outputs}; see {@link Lowering}. */
  public static Plan of(List<Task> outputs, boolean fuse) {
    return Lowering.lower(outputs, fuse);
  }

  public int size() {
    return tasks.length;
  }

  /**
   * The number of nodes that run a function: all nodes but data requested as outputs (a
   * persisted or literal value), which are handed back without running anything.
   */
  public int taskCount() {
    return tasks.length - dataNodes;
  }

  /** The number of schedulable units (nodes minus those fused into a predecessor). */
  public int units() {
    return units;
  }

  public Task task(int node) {
    return tasks[node];
  }

  public String key(int node) {
    return tasks[node].key();
  }

  public String group(int node) {
    return tasks[node].group();
  }

  public int depCount(int node) {
    return depStart[node + 1] - depStart[node];
  }

  public int dep(int node, int k) {
    return deps[depStart[node] + k];
  }

  public int dependentCount(int node) {
    return dependentStart[node + 1] - dependentStart[node];
  }

  public int dependent(int node, int k) {
    return dependents[dependentStart[node] + k];
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
    return isOutput[node];
  }

  /** True if the node starts a unit (it is scheduled, rather than run by its predecessor). */
  public boolean isHead(int node) {
    return isHead[node];
  }

  /** The next node of this node's unit, or -1 if it is the unit's tail. */
  public int next(int node) {
    return chainNext[node];
  }

  /** The last node of the unit headed by {@code head}. */
  public int tail(int head) {
    int t = head;
    while (chainNext[t] >= 0) {
      t = chainNext[t];
    }
    return t;
  }

  /**
   * Runs one node: resolves its arguments from {@code results} (indexed by node) and applies its
   * function. The caller guarantees that every dependency's result is present.
   */
  public Object run(int node, Object[] results) throws Exception {
    Task t = tasks[node];
    if (t.isData()) {
      return t.value();
    }
    int s = argStart[node];
    int argc = argStart[node + 1] - s;
    Object[] args = new Object[argc];
    for (int k = 0; k < argc; k++) {
      int src = argSource[s + k];
      if (src >= 0) {
        args[k] = results[src];
      } else if (src == CONST) {
        args[k] = t.arg(k);
      } else if (src == INLINE) {
        args[k] = t.resolve(t.arg(k)).value();
      } else {
        args[k] = resolveNested(node, k, t, d -> results[d]);
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
    Task t = tasks[node];
    int s = argStart[node];
    int argc = argStart[node + 1] - s;
    Object[] args = new Object[argc];
    for (int k = 0; k < argc; k++) {
      int src = argSource[s + k];
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
    return argStart[node + 1] - argStart[node];
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
    for (Task t : tasks) {
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
    List<String> keys = new ArrayList<>(tasks.length);
    for (Task t : tasks) {
      keys.add(t.key());
    }
    return keys;
  }
}
