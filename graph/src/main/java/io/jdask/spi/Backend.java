package io.jdask.spi;

import io.jdask.graph.Plan;
import io.jdask.graph.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * A place where plans run: the calling thread, a thread pool, worker JVMs, a cluster. Opened
 * once per configuration and reused across computations; closed by {@code Jdask.shutdown()} or
 * at JVM exit. Every backend publishes {@link TaskEvent}s for the tasks it runs.
 */
public interface Backend extends AutoCloseable {
  /** A short name for logs and events, e.g. {@code threads(4)}. */
  String name();

  /**
   * Runs the plan and returns its outputs' results in order.
   *
   * @throws io.jdask.TaskFailedException if a task throws
   * @throws java.util.concurrent.CancellationException if the calling thread is interrupted
   */
  List<Object> compute(Plan plan);

  /**
   * Computes the outputs and keeps them, returning tasks that stand for the kept results under
   * the same keys. In-process backends keep them in the client's heap; a backend whose results
   * live in workers keeps them there and returns references.
   */
  default List<Task> persist(Plan plan) {
    List<Object> values = compute(plan);
    List<Task> kept = new ArrayList<>(values.size());
    for (int k = 0; k < values.size(); k++) {
      kept.add(Task.keyedData(plan.key(plan.output(k)), values.get(k)));
    }
    return kept;
  }

  @Override
  void close();
}
