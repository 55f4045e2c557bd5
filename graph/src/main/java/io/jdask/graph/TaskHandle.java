package io.jdask.graph;

/**
 * Anything that stands for a task in a graph, such as a {@code Delayed}. Passing one as an
 * argument of a {@link Task} makes that task a dependency.
 */
public interface TaskHandle {
  Task task();
}
