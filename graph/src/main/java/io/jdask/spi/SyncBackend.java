package io.jdask.spi;

import io.jdask.graph.Plan;
import java.util.List;

/**
 * Runs every task on the calling thread, one at a time, in priority order: the reference
 * semantics of jdask and the mode for debugging (a breakpoint in a task stops the caller, and
 * stack traces run straight from {@code compute()} into the task).
 */
public final class SyncBackend implements Backend {
  public static final SyncBackend INSTANCE = new SyncBackend();

  private SyncBackend() {}

  @Override
  public String name() {
    return "sync";
  }

  @Override
  public List<Object> compute(Plan plan) {
    return LocalRun.execute(plan, null, 1, "sync", "sync");
  }

  @Override
  public void close() {}

  /** Registers SYNC with the service loader. */
  public static final class Provider implements BackendProvider {
    @Override
    public String scheduler() {
      return "sync";
    }

    @Override
    public Backend open(BackendSettings settings) {
      return INSTANCE;
    }
  }
}
