package io.jdask.graph;

import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.nio.Attribute;
import org.jgrapht.nio.DefaultAttribute;
import org.jgrapht.nio.dot.DOTExporter;

/**
 * Graphviz DOT of the graph behind some outputs, after culling and deduplication but before
 * fusion, one vertex per task (labelled with its key) and an edge from each dependency to its
 * dependent. Built with JGraphT: fine for the graphs one draws, kept off the execution path.
 */
public final class GraphDot {
  private GraphDot() {}

  public static String of(List<Task> outputs) {
    Plan plan = Plan.of(outputs, false);
    Graph<Integer, DefaultEdge> g = new DefaultDirectedGraph<>(DefaultEdge.class);
    for (int i = 0; i < plan.size(); i++) {
      g.addVertex(i);
    }
    for (int i = 0; i < plan.size(); i++) {
      for (int k = 0; k < plan.depCount(i); k++) {
        g.addEdge(plan.dep(i, k), i);
      }
    }
    DOTExporter<Integer, DefaultEdge> exporter = new DOTExporter<>(v -> "n" + v);
    exporter.setVertexAttributeProvider(
        v -> {
          Map<String, Attribute> attrs = new LinkedHashMap<>();
          Task t = plan.task(v);
          attrs.put("label", DefaultAttribute.createAttribute(t.key()));
          attrs.put("shape", DefaultAttribute.createAttribute(t.isData() ? "box" : "ellipse"));
          if (plan.isOutput(v)) {
            attrs.put("peripheries", DefaultAttribute.createAttribute(2));
          }
          return attrs;
        });
    StringWriter out = new StringWriter();
    exporter.exportGraph(g, out);
    return out.toString();
  }
}
