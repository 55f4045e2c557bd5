package io.jdask;

import io.jdask.contract.BackendContract;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;

/** The contract on a pool the user owns: {@code Config.set(executorService)}. */
class ExecutorServiceContractTest extends BackendContract {
  private static final ExecutorService POOL = Executors.newFixedThreadPool(3);

  @AfterAll
  static void shutdownPool() {
    POOL.shutdownNow();
  }

  @Override
  protected Config.Scope useBackend() {
    return Config.with(POOL);
  }

  @Override
  protected int parallelism() {
    return 3;
  }
}
