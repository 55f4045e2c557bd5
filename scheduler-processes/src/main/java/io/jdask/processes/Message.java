package io.jdask.processes;

import io.jdask.graph.TaskFunction;
import java.io.Serializable;
import java.util.List;

/**
 * What the client and its worker JVMs say to each other. Instructions are imperative
 * ({@link Execute}, {@link Release}); reports are past tense ({@link UnitFinished}). Every message
 * travels as one length-prefixed frame ({@link Wire}), and only after the connection proved it
 * knows the cluster's token.
 */
sealed interface Message extends Serializable {

  // ---- client to worker ------------------------------------------------------------------

  /** Ships a function once per worker; tasks then name it by number. */
  record DefineFunction(int fnId, TaskFunction function) implements Message {}

  /** Runs units of a computation; a batch per message keeps small tasks cheap. */
  record Execute(long runId, boolean observed, List<Unit> units) implements Message {}

  /** One unit: a chain of nodes run back to back; only the last one's result is kept. */
  record Unit(int[] nodes, int[] fnIds, Object[][] args, byte[][] argKinds, boolean returnValue)
      implements Message {}

  /** A result another task needs: held by this worker, or by the peer listening on {@code peerPort}. */
  record InputRef(long runId, int node, int holder, int peerPort) implements Serializable {}

  /** Drops results nobody needs any more. */
  record Release(long runId, int[] nodes) implements Message {}

  /** Drops everything a computation left, and stops its running tasks. */
  record Forget(long runId, boolean interrupt) implements Message {}

  /** Asks the worker to exit. */
  record Shutdown() implements Message {}

  // ---- worker to client ------------------------------------------------------------------

  /** A node began (sent only when the client has event listeners). */
  record NodeStarted(long runId, int node, String thread, long startNanos) implements Message {}

  /**
   * A unit ran: per node its start and end; the tail's result stays in the worker (its estimated
   * size is reported for placement) unless the client asked for the value.
   */
  record UnitFinished(long runId, int head, int[] nodes, long[] starts, long[] ends, String thread,
      long resultBytes, boolean hasValue, Object value) implements Message {}

  /** A node threw; the error keeps the remote stack trace. */
  record NodeFailed(long runId, int head, int node, String thread, long startNanos, long endNanos,
      Throwable error) implements Message {}

  /** The worker could not read a message from the client (a class it lacks, a refused class). */
  record Unreadable(String error) implements Message {}

  /** Several reports in one frame: a worker sends what queued up while it was writing. */
  record Batch(List<Message> messages) implements Message {}

  /** Memory and load, once a second. */
  record Heartbeat(int threads, int tasksRunning, long heapUsed, long heapMax, long offHeapUsed, double cpuLoad)
      implements Message {}

  // ---- worker to worker ------------------------------------------------------------------

  /** Asks a peer for one result. */
  record Fetch(long runId, int node) implements Message {}

  /** A peer's answer; {@code found} is false if the result is gone. */
  record Fetched(boolean found, Object value) implements Message {}
}
