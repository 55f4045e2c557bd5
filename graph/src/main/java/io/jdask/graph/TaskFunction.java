package io.jdask.graph;

import java.io.Serializable;

/**
 * What a task runs: a function of the task's resolved arguments, in argument order.
 *
 * <p>This is the untyped form every backend executes; the typed {@code Fn0}…{@code Fn6} of the
 * public API are adapted to it once per {@code Delayed.of(fn)}, not once per call.
 */
@FunctionalInterface
public interface TaskFunction extends Serializable {
  Object apply(Object[] args) throws Exception;

  /**
   * The function the user wrote, when this one adapts it. Names, pure keys and (later) shipping
   * a function once per worker are decided on the user's function, not on the adapter.
   */
  default Object userFunction() {
    return this;
  }
}
