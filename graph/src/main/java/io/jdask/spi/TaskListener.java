package io.jdask.spi;

/**
 * Receives events on the thread that produced them, often a worker thread in the middle of a
 * computation: implementations must be quick and thread-safe, and hand anything slow (I/O,
 * rendering) to their own thread, for example through an {@link EventBuffer}.
 */
public interface TaskListener {
  default void onTask(TaskEvent event) {}

  default void onRun(RunEvent event) {}

  default void onWorker(WorkerEvent event) {}
}
