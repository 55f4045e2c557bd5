package io.jdask.graph;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A graph given as a dictionary of keys to tasks, whose arguments refer to each other by key
 * ({@link #ref(String)}), as in a Dask graph. Libraries use it when keys are generated (chunk
 * {@code (i, j)} of one array refers to chunk {@code (i, j)} of another) and holding objects for
 * every reference would be awkward. Computing a key of the graph computes only what that key
 * needs; references to missing keys and cycles are reported before anything runs.
 */
public final class TaskGraph {
  private final Map<String, Task> tasks;

  private TaskGraph(int expectedSize) {
    this.tasks = new HashMap<>(Math.max(16, (int) (expectedSize / 0.75f) + 1));
  }

  public static Builder builder() {
    return new Builder(16);
  }

  public static Builder builder(int expectedSize) {
    return new Builder(expectedSize);
  }

  /** A reference to the task of this graph with the given key, usable as an argument. */
  public static KeyRef ref(String key) {
    return new KeyRef(key);
  }

  /** The task under {@code key}, or null. */
  public Task get(String key) {
    return tasks.get(key);
  }

  /** The task under {@code key}; fails with the key named if there is none. */
  public Task task(String key) {
    Task t = tasks.get(key);
    if (t == null) {
      throw new IllegalArgumentException("no task '" + key + "' in this graph");
    }
    return t;
  }

  public int size() {
    return tasks.size();
  }

  public Set<String> keys() {
    return Collections.unmodifiableSet(tasks.keySet());
  }

  /** Collects the tasks of a graph; each key once. Not thread-safe. */
  public static final class Builder {
    private TaskGraph graph;

    private Builder(int expectedSize) {
      this.graph = new TaskGraph(expectedSize);
    }

    /** Adds a task under {@code key}; its arguments may use {@link TaskGraph#ref(String)}. */
    public Builder add(String key, TaskFunction fn, Object... args) {
      if (fn == null) {
        throw new IllegalArgumentException("task '" + key + "' has no function");
      }
      return put(Task.ofOwnedArgs(fn, key, 0L, args.clone(), graph()));
    }

    /** Adds a piece of data under {@code key}. */
    public Builder addData(String key, Object value) {
      return put(Task.keyedData(key, value));
    }

    /** Adds an existing task (built elsewhere) under its own key. */
    public Builder add(Task task) {
      return put(task);
    }

    private Builder put(Task t) {
      String key = t.key();
      if (graph().tasks.putIfAbsent(key, t) != null) {
        throw new IllegalArgumentException("key '" + key + "' is already in the graph");
      }
      return this;
    }

    private TaskGraph graph() {
      if (graph == null) {
        throw new IllegalStateException("this builder has already built its graph");
      }
      return graph;
    }

    public TaskGraph build() {
      TaskGraph g = graph();
      graph = null;
      return g;
    }
  }
}
