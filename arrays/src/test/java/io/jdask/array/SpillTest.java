package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.TaskFailedException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Intermediates beyond the memory limit go to disk and come back mapped, with the same numbers. */
class SpillTest extends ArrayTestSupport {
  private static final long MB = 1 << 20;
  private long previousLimit;

  @BeforeEach
  void rememberTheLimit() {
    previousLimit = ArrayMemory.limitBytes();
  }

  @AfterEach
  void restoreTheLimit() {
    ArrayMemory.setLimitBytes(previousLimit);
  }

  /** y's 64 MiB of blocks are all alive between the sum that makes them and the max that ends them. */
  private static List<Object> holdAllOfY() {
    NdArray y = NdArray.random(5).uniform(new long[] {8 * MB}, new long[] {MB / 2}).multiply(2);
    return Jdask.compute(y.sum(), y.max(), y.slice(Slice.range(12345, 12350)));
  }

  @Test
  void intermediatesAboveTheLimitSpillAndComeBackWithTheSameNumbers() {
    List<Object> unlimited;
    try (Config.Scope s = Config.with(Scheduler.SYNC)) {
      unlimited = holdAllOfY();
    }
    for (Config.Scope scope : List.of(Config.with(Scheduler.SYNC), Config.with(Scheduler.THREADS, 2))) {
      try (scope) {
        ArrayMemory.setLimitBytes(24 * MB);
        ArrayMemory.resetPeakBytes();
        long spilledBefore = ArrayMemory.spilledBytes();
        List<Object> limited = holdAllOfY();
        assertEquals(((ComputedArray) unlimited.get(0)).doubleValue(), ((ComputedArray) limited.get(0)).doubleValue());
        assertEquals(((ComputedArray) unlimited.get(1)).doubleValue(), ((ComputedArray) limited.get(1)).doubleValue());
        assertEquals(java.util.Arrays.toString(((ComputedArray) unlimited.get(2)).toDoubleArray()),
            java.util.Arrays.toString(((ComputedArray) limited.get(2)).toDoubleArray()));
        long spilled = ArrayMemory.spilledBytes() - spilledBefore;
        assertTrue(spilled >= 32 * MB, "at least half of y went to disk, spilled " + spilled);
        assertTrue(ArrayMemory.peakBytes() <= 24 * MB, "peak " + ArrayMemory.peakBytes());
      }
    }
  }

  @Test
  void everyOperationReadsSpilledInputsBack() {
    // x is persisted and mostly spilled under a 1 MiB limit; every kernel then reads spilled
    // chunks through its pins: blockwise, transpose, rechunk, matmul, reductions, assembly.
    NdArray src = NdArray.random(8).normal(new long[] {300, 300}, new long[] {60, 70});
    double[] expected;
    try (Config.Scope s = Config.with(Scheduler.SYNC)) {
      expected = pipeline(src).toDoubleArray();
    }
    for (Config.Scope scope : List.of(Config.with(Scheduler.SYNC), Config.with(Scheduler.THREADS, 2))) {
      try (scope) {
        ArrayMemory.setLimitBytes(MB);
        long spilledBefore = ArrayMemory.spilledBytes();
        try (PersistedArray p = src.persist()) {
          ComputedArray r = pipeline(p.array());
          assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(r.toDoubleArray()));
        }
        assertTrue(ArrayMemory.spilledBytes() > spilledBefore, "something was spilled");
        ArrayMemory.setLimitBytes(previousLimit);
      }
    }
  }

  private static ComputedArray pipeline(NdArray x) {
    NdArray y = x.add(x.transpose()).rechunk(50, 50).matmul(x).sum(0);
    return y.compute();
  }

  @Test
  void workerProcessesSpillUnderTheLimitTheyAreGiven() {
    List<Object> unlimited;
    try (Config.Scope s = Config.with(Scheduler.SYNC)) {
      unlimited = holdAllOfY();
    }
    Jdask.shutdown(); // workers read their limit when they start
    Config.set("processes.jvm-options", "-Djdask." + ArrayMemory.LIMIT_KEY + "=12MB");
    try (Config.Scope s = Config.with(Scheduler.PROCESSES, 2)) {
      List<Object> limited = holdAllOfY();
      assertEquals(((ComputedArray) unlimited.get(0)).doubleValue(), ((ComputedArray) limited.get(0)).doubleValue());
      assertEquals(((ComputedArray) unlimited.get(1)).doubleValue(), ((ComputedArray) limited.get(1)).doubleValue());
      long workerLimit = (Long) io.jdask.Delayed.of(ArrayMemory::limitBytes).call().compute();
      long workerSpilled = (Long) io.jdask.Delayed.of(ArrayMemory::spilledBytes).call().compute();
      assertEquals(12 * MB, workerLimit);
      assertTrue(workerSpilled > 0, "a worker holding its share of y's 64 MiB under 12 MiB spilled");
    } finally {
      Config.set("processes.jvm-options", null);
      Jdask.shutdown();
    }
  }

  @Test
  void whatCannotBeSpilledFailsWithTheLimitNamed() {
    try (Config.Scope s = Config.with(Scheduler.SYNC)) {
      ArrayMemory.setLimitBytes(2 * MB);
      NdArray big = NdArray.ones(new long[] {MB}, new long[] {MB}); // one 8 MiB chunk
      TaskFailedException e = assertThrows(TaskFailedException.class, () -> big.sum().compute());
      assertTrue(e.getMessage().contains(ArrayMemory.LIMIT_KEY), e.getMessage());
    }
  }
}
