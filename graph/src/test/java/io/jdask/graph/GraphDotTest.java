package io.jdask.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GraphDotTest {
  @Test
  void dotHasOneVertexPerTaskAndOneEdgePerDependency() {
    Task a = Task.keyed("a", args -> 1);
    Task b = Task.keyed("b", args -> 2);
    Task c = Task.keyed("c", args -> 3, a, b);
    String dot = GraphDot.of(List.of(c));
    assertTrue(dot.startsWith("strict digraph") || dot.startsWith("digraph"), dot);
    assertTrue(dot.contains("label=\"a\"") && dot.contains("label=\"c\""), dot);
    assertTrue(dot.contains("n0 -> n2") && dot.contains("n1 -> n2"), dot);
    assertEquals(2, dot.split("->", -1).length - 1, dot);
  }
}
