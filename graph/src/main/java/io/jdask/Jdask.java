package io.jdask;

import io.jdask.graph.Plan;
import io.jdask.graph.Task;
import io.jdask.graph.TaskHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** Computing several values at once, and the lifecycle of jdask's backends. */
public final class Jdask {
  private Jdask() {}

  /**
   * Computes several values in one run, so tasks they share run once; returns the results in
   * argument order.
   */
  public static List<Object> compute(TaskHandle... values) {
    return compute(Arrays.asList(values));
  }

  /** Computes several values in one run; returns the results in order. */
  public static List<Object> compute(Collection<? extends TaskHandle> values) {
    List<Task> outputs = tasksOf(values);
    return Backends.current().compute(plan(outputs));
  }

  /**
   * Computes several values now and returns {@code Delayed}s that hold the results under the
   * same keys (the results stay where the backend keeps them).
   */
  public static List<Delayed<?>> persist(TaskHandle... values) {
    List<Task> kept = persistTasks(tasksOf(Arrays.asList(values)));
    List<Delayed<?>> out = new ArrayList<>(kept.size());
    for (Task t : kept) {
      out.add(Delayed.fromTask(t));
    }
    return out;
  }

  static List<Task> persistTasks(List<Task> outputs) {
    return Backends.current().persist(plan(outputs));
  }

  /**
   * Lowers the graph of the outputs to an execution plan, applying the configured optimisations
   * ({@code optimize.fuse}). Backends receive this plan; it is public for tools and tests.
   */
  public static Plan plan(List<Task> outputs) {
    boolean fuse = Config.get(Config.FUSE).map(Boolean::parseBoolean).orElse(true);
    return Plan.of(outputs, fuse);
  }

  /**
   * Stops every backend jdask started (thread pools, and later worker processes). Pools also
   * stop on their own when idle and at JVM exit; call this to stop them now. A later compute
   * starts them again.
   */
  public static void shutdown() {
    Backends.closeAll();
  }

  private static List<Task> tasksOf(Collection<? extends TaskHandle> values) {
    List<Task> tasks = new ArrayList<>(values.size());
    for (TaskHandle v : values) {
      tasks.add(v.task());
    }
    return tasks;
  }
}
