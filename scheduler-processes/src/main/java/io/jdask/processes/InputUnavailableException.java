package io.jdask.processes;

/**
 * A task's input could not be had: the worker that held it is gone or dropped it. Not the
 * task's fault: the client recomputes the input and runs the task again.
 */
final class InputUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  InputUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
