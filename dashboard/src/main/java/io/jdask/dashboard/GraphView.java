package io.jdask.dashboard;

import io.jdask.graph.Plan;
import io.jdask.graph.Task;
import io.jdask.spi.TaskEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph page's graph: the nodes of a {@link Plan} (key, group, dependencies), coloured by
 * the state of their tasks: from the run's task records by node number, or from task events by
 * key. The structure comes either from the STARTED {@code RunEvent}
 * of a run, which carries the plan the backend runs ({@link #of(long, Plan)}), or from the
 * user, who hands the dashboard outputs ({@link Dashboard#showGraph}) that are lowered as
 * {@code Delayed.toDot()} does ({@link #of(List)}). Never read from a backend. Fusion does not
 * matter: a fused plan still has every node, and every node is recorded on its own. Owned by
 * the dashboard thread once built.
 */
final class GraphView {
  /** Larger graphs are not drawn: a few thousand nodes is what a browser lays out readably. */
  static final int MAX_NODES = io.jdask.spi.TaskStream.TASK_BY_TASK; // those runs' tasks have records of their own
  /** The run of a graph given to showGraph: events of every run colour it. */
  static final long ANY_RUN = -1;

  private final long run;
  private final String[] keys;
  private final String[] groups;
  private final String[] states;
  /** The run of the event that set each node's state (a shown graph may be computed again). */
  private final long[] stateRun;
  private final int[][] edges;
  private final Map<String, Integer> byKey;
  /** Dependencies, in CSR form: those of node i are deps[depStart[i] .. depStart[i + 1] - 1]. */
  private final int[] depStart;
  private final int[] deps;
  private final int[] dependentCount;
  private final boolean[] output;
  /** Per node, its dependents that have not finished in run {@link #refsRun}. */
  private final int[] refs;
  private long refsRun = Long.MIN_VALUE;

  private GraphView(long run, Plan plan) {
    int n = plan.size();
    this.run = run;
    keys = new String[n];
    groups = new String[n];
    states = new String[n];
    stateRun = new long[n];
    byKey = new HashMap<>(n * 2);
    depStart = new int[n + 1];
    dependentCount = new int[n];
    output = new boolean[n];
    refs = new int[n];
    for (int i = 0; i < n; i++) {
      depStart[i + 1] = depStart[i] + plan.depCount(i);
    }
    deps = new int[depStart[n]];
    edges = new int[deps.length][];
    for (int i = 0; i < n; i++) {
      keys[i] = plan.key(i);
      groups[i] = plan.group(i);
      states[i] = plan.task(i).isData() ? "memory" : "waiting"; // data never runs: it is there
      dependentCount[i] = plan.dependentCount(i);
      output[i] = plan.isOutput(i);
      byKey.put(keys[i], i);
      for (int k = 0; k < plan.depCount(i); k++) {
        deps[depStart[i] + k] = plan.dep(i, k);
        edges[depStart[i] + k] = new int[] {plan.dep(i, k), i};
      }
    }
  }

  /** Lowers the graph behind the outputs; built on the caller's thread, not the dashboard's. */
  static GraphView of(List<Task> outputs) {
    Plan plan = Plan.of(outputs, false);
    if (plan.size() > MAX_NODES) {
      throw new IllegalArgumentException("the graph has " + plan.size() + " tasks; the graph page draws at most " + MAX_NODES);
    }
    return new GraphView(ANY_RUN, plan);
  }

  /** The graph of one run, from the plan its STARTED event carries (at most {@link #MAX_NODES} nodes). */
  static GraphView of(long run, Plan plan) {
    if (plan.size() > MAX_NODES) {
      throw new IllegalArgumentException("run " + run + " has " + plan.size() + " tasks; the graph page draws at most " + MAX_NODES);
    }
    return new GraphView(run, plan);
  }

  /** True if events of this run colour the graph (checked before asking an event for its key). */
  boolean follows(long eventRun) {
    return run == ANY_RUN || run == eventRun;
  }

  /** Records the new state of the task with this key, if it belongs to this graph. */
  void state(long eventRun, String key, TaskEvent.State state) {
    Integer node = byKey.get(key);
    if (node != null) {
      state(eventRun, node, state);
    }
  }

  /**
   * Records the new state of node {@code node} (of the run's plan, which this graph was built
   * from; or looked up by key for a shown graph). A node's result is released once every
   * dependent finished, unless it is an output, as the backends do; released is final within a
   * run, since a late-drained end (events of one run come from several threads) must not turn
   * it back to "in memory".
   */
  void state(long eventRun, int node, TaskEvent.State state) {
    if (eventRun != refsRun) { // a shown graph computed again: count dependents afresh
      System.arraycopy(dependentCount, 0, refs, 0, refs.length);
      refsRun = eventRun;
    }
    if (state == TaskEvent.State.RELEASED || ("released".equals(states[node]) && stateRun[node] == eventRun)) {
      return; // released is worked out below, from the plan
    }
    states[node] = switch (state) {
      case STARTED -> "running";
      case FAILED -> "failed";
      default -> "memory";
    };
    stateRun[node] = eventRun;
    if (state == TaskEvent.State.FINISHED) {
      for (int k = depStart[node]; k < depStart[node + 1]; k++) {
        int d = deps[k];
        if (--refs[d] == 0 && !output[d]) {
          states[d] = "released";
          stateRun[d] = eventRun;
        }
      }
    }
  }

  /** True for a graph built from this run's plan, whose node numbers are the run's. */
  boolean isRun(long eventRun) {
    return run == eventRun;
  }

  Views.Graph view() {
    List<Views.Node> nodes = new ArrayList<>(keys.length);
    for (int i = 0; i < keys.length; i++) {
      nodes.add(new Views.Node(i, keys[i], groups[i], states[i]));
    }
    return new Views.Graph(run, nodes, edges, null);
  }
}
