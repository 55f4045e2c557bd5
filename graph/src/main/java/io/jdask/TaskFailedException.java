package io.jdask;

/**
 * A task threw. Carries the task's key, where it ran, and the original exception as the cause
 * (for a task that ran in another JVM, a copy that keeps the remote stack trace).
 */
public class TaskFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String key;
  private final String worker;

  public TaskFailedException(String key, String worker, Throwable cause) {
    super("task '" + key + "' failed on " + worker + ": " + cause, cause);
    this.key = key;
    this.worker = worker;
  }

  /** The key of the task that threw. */
  public String key() {
    return key;
  }

  /** Where it ran: the backend's worker and thread, e.g. {@code threads/jdask-threads-2}. */
  public String worker() {
    return worker;
  }
}
