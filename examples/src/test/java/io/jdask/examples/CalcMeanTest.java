package io.jdask.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class CalcMeanTest {
  private static long[] bits(List<Object> results) {
    long[] out = new long[results.size() * 2];
    for (int i = 0; i < results.size(); i++) {
      CalcMean.Stats s = (CalcMean.Stats) results.get(i);
      out[2 * i] = Double.doubleToRawLongBits(s.mean());
      out[2 * i + 1] = Double.doubleToRawLongBits(s.std());
    }
    return out;
  }

  @Test
  void resultsAreBitIdenticalOnEveryBackendAndWorkerCount() {
    var study = CalcMean.study(42L, 10, 1_000);
    long[] reference;
    try (var s = Config.with(Scheduler.SYNC)) {
      reference = bits(Jdask.compute(study));
    }
    for (int workers = 1; workers <= 4; workers++) {
      try (var s = Config.with(Scheduler.THREADS, workers)) {
        assertEquals(java.util.Arrays.toString(reference), java.util.Arrays.toString(bits(Jdask.compute(study))),
            "threads(" + workers + ")");
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (var s = Config.with(pool)) {
      assertEquals(java.util.Arrays.toString(reference), java.util.Arrays.toString(bits(Jdask.compute(study))));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void everyTaskHasItsOwnStreamAndTheStatisticsAreSound() {
    List<Object> results;
    try (var s = Config.with(Scheduler.THREADS, 2)) {
      results = Jdask.compute(CalcMean.study(7L, 10, 1_000));
    }
    for (int i = 0; i < results.size(); i++) {
      CalcMean.Stats st = (CalcMean.Stats) results.get(i);
      assertTrue(Math.abs(st.mean()) < 0.15, "mean of 1,000 N(0,1) draws: " + st);
      assertTrue(Math.abs(st.std() - 1) < 0.1, "std of 1,000 N(0,1) draws: " + st);
      for (int j = 0; j < i; j++) {
        assertNotEquals(results.get(j), st, "streams " + i + " and " + j + " differ");
      }
    }
    assertNotEquals(CalcMean.calcMean(7L, 0, 1_000), CalcMean.calcMean(8L, 0, 1_000), "the seed matters");
  }
}
