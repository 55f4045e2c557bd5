package io.jdask.graph;

import java.util.Objects;

/**
 * A reference to another task of the same {@link TaskGraph} by its key, as in a Dask graph
 * dictionary. Resolved when the graph is lowered for execution; a missing key or a cycle is
 * reported then, before anything runs.
 */
public record KeyRef(String key) {
  public KeyRef {
    Objects.requireNonNull(key, "key");
  }

  @Override
  public String toString() {
    return "ref(" + key + ")";
  }
}
