package io.jdask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.contract.Fixtures;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ExecutorServiceBackendTest {
  @Test
  void aPoolThatIsShutDownGivesAClearErrorAndIsNotMistakenForATaskFailure() {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    pool.shutdown();
    try (var s = Config.with(pool)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> Delayed.of(Fixtures::inc).call(1).compute());
      assertTrue(e.getMessage().contains("shut down"), e.getMessage());
      assertTrue(e.getCause() instanceof RejectedExecutionException);
    }
  }

  @Test
  void aTaskFailureShowsWhereComputeWasCalled() {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (var s = Config.with(pool)) {
      TaskFailedException e =
          assertThrows(TaskFailedException.class, () -> Delayed.of(Fixtures::divide).call(1, 0).compute());
      assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getMethodName().contains("aTaskFailureShowsWhereComputeWasCalled")),
          "the stack trace leads to the caller");
      assertTrue(Arrays.stream(e.getCause().getStackTrace()).anyMatch(f -> f.getMethodName().equals("divide")),
          "the cause's stack trace leads into the task");
      assertEquals(ArithmeticException.class, e.getCause().getClass());
    } finally {
      pool.shutdownNow();
    }
  }
}
