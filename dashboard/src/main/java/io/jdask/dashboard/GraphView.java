package io.jdask.dashboard;

import io.jdask.graph.Plan;
import io.jdask.graph.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph page's graph: the nodes of a {@link Plan} (key, group, dependencies), coloured by
 * the task events of their keys. The structure comes either from the STARTED {@code RunEvent}
 * of a run, which carries the plan the backend runs ({@link #of(long, Plan)}), or from the
 * user, who hands the dashboard outputs ({@link Dashboard#showGraph}) that are lowered as
 * {@code Delayed.toDot()} does ({@link #of(List)}). Never read from a backend. Fusion does not
 * matter: a fused plan still has every node, and every node reports its own events. Owned by
 * the dashboard thread once built.
 */
final class GraphView {
  /** Larger graphs are not drawn: a few thousand nodes is what a browser lays out readably. */
  static final int MAX_NODES = 5_000;
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

  private GraphView(long run, Plan plan) {
    int n = plan.size();
    this.run = run;
    keys = new String[n];
    groups = new String[n];
    states = new String[n];
    stateRun = new long[n];
    byKey = new HashMap<>(n * 2);
    int edgeCount = 0;
    for (int i = 0; i < n; i++) {
      edgeCount += plan.depCount(i);
    }
    edges = new int[edgeCount][];
    int e = 0;
    for (int i = 0; i < n; i++) {
      keys[i] = plan.key(i);
      groups[i] = plan.group(i);
      states[i] = plan.task(i).isData() ? "memory" : "waiting"; // data never runs: it is there
      byKey.put(keys[i], i);
      for (int k = 0; k < plan.depCount(i); k++) {
        edges[e++] = new int[] {plan.dep(i, k), i};
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

  /**
   * Records a task's new state if it belongs to this graph. Released is final within a run: a
   * result is released only after its task finished and is never needed again, but the release
   * may be drained first when another thread published it (lanes are drained one after the
   * other), and the late FINISHED must not turn the node back to "in memory".
   */
  void state(long eventRun, String key, String state) {
    Integer node = byKey.get(key);
    if (node == null || ("released".equals(states[node]) && stateRun[node] == eventRun)) {
      return;
    }
    states[node] = state;
    stateRun[node] = eventRun;
  }

  Views.Graph view() {
    List<Views.Node> nodes = new ArrayList<>(keys.length);
    for (int i = 0; i < keys.length; i++) {
      nodes.add(new Views.Node(i, keys[i], groups[i], states[i]));
    }
    return new Views.Graph(run, nodes, edges, null);
  }
}
