package io.jdask.dashboard;

import io.jdask.graph.Plan;
import io.jdask.graph.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph page's graph. Task events carry no edges, so the structure comes from the user,
 * who hands the dashboard the outputs ({@link Dashboard#showGraph}); it is lowered with the
 * graph module's public {@link Plan} (culled and deduplicated, not fused), as
 * {@code Delayed.toDot()} does, and never read from a backend. Task events then colour the
 * nodes by key. Owned by the dashboard thread once built.
 */
final class GraphView {
  /** Larger graphs are not drawn: a few thousand nodes is what a browser lays out readably. */
  static final int MAX_NODES = 5_000;

  private final String[] keys;
  private final String[] groups;
  private final String[] states;
  private final int[][] edges;
  private final Map<String, Integer> byKey = new HashMap<>();

  private GraphView(String[] keys, String[] groups, String[] states, int[][] edges) {
    this.keys = keys;
    this.groups = groups;
    this.edges = edges;
    this.states = states;
    for (int i = 0; i < keys.length; i++) {
      byKey.put(keys[i], i);
    }
  }

  /** Lowers the graph behind the outputs; built on the caller's thread, not the dashboard's. */
  static GraphView of(List<Task> outputs) {
    Plan plan = Plan.of(outputs, false);
    if (plan.size() > MAX_NODES) {
      throw new IllegalArgumentException("the graph has " + plan.size() + " tasks; the graph page draws at most " + MAX_NODES);
    }
    String[] keys = new String[plan.size()];
    String[] groups = new String[plan.size()];
    String[] states = new String[plan.size()];
    List<int[]> edges = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      keys[i] = plan.key(i);
      groups[i] = plan.group(i);
      states[i] = plan.task(i).isData() ? "memory" : "waiting"; // data never runs: it is there
      for (int k = 0; k < plan.depCount(i); k++) {
        edges.add(new int[] {plan.dep(i, k), i});
      }
    }
    return new GraphView(keys, groups, states, edges.toArray(new int[0][]));
  }

  /** Records a task's new state if it belongs to this graph. */
  void state(String key, String state) {
    Integer node = byKey.get(key);
    if (node != null) {
      states[node] = state;
    }
  }

  Views.Graph view() {
    List<Views.Node> nodes = new ArrayList<>(keys.length);
    for (int i = 0; i < keys.length; i++) {
      nodes.add(new Views.Node(i, keys[i], groups[i], states[i]));
    }
    return new Views.Graph(nodes, edges, null);
  }
}
