package io.jdask.processes;

/**
 * Stands in for an exception thrown in a worker whose class cannot be serialized: it keeps the
 * original class name, message and the remote stack trace, and the chain of causes.
 */
public final class RemoteTaskError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String originalClass;

  private RemoteTaskError(String originalClass, String message) {
    super(originalClass + (message == null ? "" : ": " + message));
    this.originalClass = originalClass;
  }

  /** The class of the exception the task threw. */
  public String originalClass() {
    return originalClass;
  }

  /** A serializable copy of {@code t}: its class name, message, stack trace and causes. */
  static RemoteTaskError copyOf(Throwable t) {
    RemoteTaskError copy = new RemoteTaskError(t.getClass().getName(), t.getMessage());
    copy.setStackTrace(t.getStackTrace());
    if (t.getCause() != null && t.getCause() != t) {
      copy.initCause(copyOf(t.getCause()));
    }
    return copy;
  }
}
