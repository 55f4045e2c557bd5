package io.jdask.graph;

/**
 * A task result that holds memory outside the Java heap (an Arrow chunk, a mapped file) and must
 * be freed when the computation no longer needs it, rather than when the garbage collector gets
 * round to it.
 *
 * <p>Backends call {@link #release()} exactly once, at the moment they drop the result: when its
 * last dependent has finished and it is not an output, or when a failed or cancelled computation
 * ends and no task can still be reading it. A result handed back to the caller is not released:
 * the caller owns it. A task must therefore never return one of its inputs, or a view sharing
 * an input's memory, as its own result.
 */
public interface Releasable {
  /** Frees what this result holds. Called once, by the backend that holds the result. */
  void release();

  /** Releases {@code result} if it is {@link Releasable}; a failure to release is not thrown. */
  static void releaseIfOwned(Object result) {
    if (result instanceof Releasable r) {
      try {
        r.release();
      } catch (RuntimeException e) {
        // Releasing happens on a scheduler path that must go on; the error is the result's own.
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }
  }
}
