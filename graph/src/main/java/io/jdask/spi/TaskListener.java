package io.jdask.spi;

/**
 * Receives events on the thread that produced them, often a worker thread in the middle of a
 * computation: implementations must be quick and thread-safe, and hand anything slow (I/O,
 * rendering) to their own thread, for example through an {@link EventBuffer}.
 */
public interface TaskListener {
  default void onTask(TaskEvent event) {}

  /**
   * True if this listener reads the tasks of this JVM from a {@link TaskStreamReader} it holds
   * open: backends then build no {@link TaskEvent} of in-process tasks for it, and
   * {@link #onTask} gets only the tasks of other JVMs (worker processes). Asked whenever listeners come and go:
   * the answer must not change while subscribed.
   */
  default boolean readsTaskStream() {
    return false;
  }

  default void onRun(RunEvent event) {}

  default void onWorker(WorkerEvent event) {}
}
